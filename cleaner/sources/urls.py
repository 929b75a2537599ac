"""URLs as a source: named on the command line or in a list file, fetched into documents.

``fetch_documents`` turns URL documents into loaded ones (fetched concurrently, robots.txt and
limits per run) for a batch that cleans them with its own pool; ``cleaner.fetch`` /
``cleaner.afetch`` fetch *and* clean, one ``FetchResult`` per URL. Nothing here imports httpx
until a fetch starts, so reading sources stays cheap.

>>> for result in cleaner.fetch(["https://example.org/news/1"]):   # doctest: +SKIP
...     print(result.final_url, result.status, result.error or result.cleaned.text[:60])
"""

from __future__ import annotations

import sys
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar
from urllib.parse import urlsplit

from .._errors import SourceError
from .._fetch_options import FetchOptions, make_options
from ._document import Document

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")


def is_url(source: str) -> bool:
    """Does this command-line source name a web page (``http://`` or ``https://``)?"""
    return source[:8].lower().startswith(("http://", "https://"))


def read_url_list(path: str) -> Iterator[str]:
    """URLs from a file (``-``: stdin), one per line; blank lines and ``#`` comments skipped."""
    if path == "-":
        yield from _url_lines(sys.stdin)
        return
    try:
        with Path(path).open(encoding="utf-8", errors="replace") as lines:
            yield from _url_lines(lines)
    except OSError as exc:
        raise SourceError(path, f"cannot read URL list: {exc.strerror or exc}") from exc


def _url_lines(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        url = line.strip()
        if url and not url.startswith("#"):
            yield url


def url_document(url: str) -> Document:
    """A URL to fetch, as a document (``source`` and ``url`` are the URL, ``fetch`` is set)."""
    return Document(url, kind="html", url=url, fetch=True)


def url_name(url: str) -> str:
    """A relative path naming a URL's output under ``-o DIR``: host and path, made safe
    (``https://example.org/news/a?id=3`` -> ``example.org/news/a_id=3``)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
    if not host:
        return _safe(url) or "url"
    path = parts.path.strip("/") or "index"
    query = f"_{parts.query}" if parts.query else ""
    names = [_safe(p) for p in f"{path}{query}".split("/")]
    return "/".join([_safe(host), *(n for n in names if n and n not in (".", ".."))])


def _safe(part: str) -> str:
    return "".join(c if c.isalnum() or c in "-_.=" else "_" for c in part)[:120]


def needs_fetch(item: object) -> TypeGuard[Document]:
    """A document that names a URL still to fetch (``fetch`` set, no content, no error)."""
    return isinstance(item, Document) and item.fetch and item.error is None and not item.content


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
    from .._fetch_run import fetch_documents as run

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
    from .._fetch_run import fetch_document as run

    return run(doc, options, transport)
