"""Fetching web pages behind one ``httpx`` transport seam: client and limits (``_fetcher``,
``_limits``), policy and robots.txt (``_policy``, ``_robots``), retries (``_retry``), body
reading (``_body``), WARC capture (``_warc``), cleaning fetched pages in worker processes
(``_clean``) and the runs that tie them together (``_run``).

Importing this package is cheap: httpx is imported when a fetch starts. The CLI's option bundle
lives in ``_cli`` so that importing the library does not import click. ``cleaner.fetch`` (the
attribute) is the :func:`fetch` function; import from the package with
``from cleaner.fetch import ...``.

>>> for result in cleaner.fetch(["https://example.org/news/1"]):   # doctest: +SKIP
...     print(result.final_url, result.status, result.error or result.cleaned.text[:60])
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Generator, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from ..sources._document import Document
from ._model import STAGES, Fetched, FetchResult, PageKind
from ._options import DEFAULT_USER_AGENT, FetchOptions, make_options

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_USER_AGENT",
    "STAGES",
    "FetchOptions",
    "FetchResult",
    "Fetched",
    "PageKind",
    "afetch",
    "fetch",
    "fetch_document",
    "fetch_documents",
    "make_options",
]

T = TypeVar("T")


def fetch(
    urls: Iterable[str] | AsyncIterable[str], options: FetchOptions | None = None, **kwargs: Any
) -> Generator[FetchResult, None, None]:
    """Fetch and clean web pages: one :class:`FetchResult` per URL, in order. ``kwargs`` are
    ``cleaner=``, ``transport=`` (an ``httpx`` transport) and :class:`FetchOptions` fields."""
    from ._run import fetch as run  # httpx is imported when fetching starts

    return run(urls, options, **kwargs)


async def afetch(
    urls: Iterable[str] | AsyncIterable[str], options: FetchOptions | None = None, **kwargs: Any
) -> list[FetchResult]:
    """``await cleaner.afetch(urls)``: :func:`fetch` for async code, every result in a list."""
    from ._run import afetch as run

    return await run(urls, options, **kwargs)


def fetch_documents(
    items: Iterable[T],
    options: FetchOptions | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    **overrides: Any,
) -> Generator[T | Document, None, None]:
    """Every item, in input order, with the documents still to fetch (``fetch`` set, no content,
    no error) fetched concurrently: such a document comes back with the decoded page as its
    content and ``final_url`` and ``status`` filled in, or with its ``FetchError``. Anything else
    (other documents, not-yet-read inputs) passes through untouched. Cleaning is left to the
    caller (``workers`` is not used)."""
    from ._run import fetch_documents as run

    return run(items, make_options(options, overrides), transport)


def fetch_document(
    doc: Document,
    options: FetchOptions | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Document:
    """One document fetched on its own (for a worker process that meets a URL-only record);
    ``doc`` itself when there is nothing to fetch. Nothing is shared with other calls:
    robots.txt is asked for again each time."""
    from ._run import fetch_document as run

    return run(doc, options, transport)
