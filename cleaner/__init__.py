"""cleaner: turn a scraped article into its body and nothing else, and say why each line went.

>>> import cleaner
>>> result = cleaner.clean_text(open("article.txt").read())   # doctest: +SKIP
>>> print(result.text)                                          # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Generator, Iterable
from functools import lru_cache
from typing import Any

from ._cleaner import Cleaner
from ._errors import CleanerError, CleanTimeout, FetchError, RuleError, SourceError
from ._fetch_model import FetchResult
from ._fetch_options import FetchOptions
from ._model import Block, Cleaned, Removal, Verdict
from .rules import Rule, load_rules
from .sources import Document

__all__ = [
    "Block",
    "CleanTimeout",
    "Cleaned",
    "Cleaner",
    "CleanerError",
    "FetchError",
    "FetchOptions",
    "FetchResult",
    "Removal",
    "Rule",
    "RuleError",
    "SourceError",
    "Verdict",
    "afetch",
    "clean_html",
    "clean_text",
    "fetch",
    "learn",
    "load_rules",
]


@lru_cache(maxsize=1)
def _default_cleaner() -> Cleaner:
    return Cleaner()


def clean_text(text: str, url: str | None = None) -> Cleaned:
    """Clean a saved article's text with the shipped rules (one shared ``Cleaner``)."""
    return _default_cleaner().clean_text(text, url=url)


def clean_html(html: str | bytes, url: str | None = None) -> Cleaned:
    """Clean a web page with the shipped rules (one shared ``Cleaner``)."""
    return _default_cleaner().clean_html(html, url=url)


def fetch(
    urls: Iterable[str] | AsyncIterable[str], options: FetchOptions | None = None, **kwargs: Any
) -> Generator[FetchResult, None, None]:
    """Fetch and clean web pages: one :class:`FetchResult` per URL, in order. ``kwargs`` are
    ``cleaner=``, ``transport=`` (an ``httpx`` transport) and :class:`FetchOptions` fields."""
    from ._fetch_run import fetch as run  # httpx is imported when fetching starts

    return run(urls, options, **kwargs)


def learn(documents: Iterable[Document], cleaner: Cleaner | None = None, *,
          min_pages: int | None = None, min_share: float | None = None) -> list[Rule]:
    """Learn each site's furniture from its own pages (``cleaner.sources.Document`` items with
    a ``url`` or ``site``): rules for the lines that recur on at least ``min_pages`` pages and
    ``min_share`` of a site's pages. Use them as ``Cleaner(rules=learned)``; save them with
    ``cleaner.learning.write_site_files``. See :mod:`cleaner.learning`."""
    from .learning import MIN_PAGES, MIN_SHARE
    from .learning import learn as run

    return run(documents, cleaner, min_pages=MIN_PAGES if min_pages is None else min_pages,
               min_share=MIN_SHARE if min_share is None else min_share)


async def afetch(
    urls: Iterable[str] | AsyncIterable[str], options: FetchOptions | None = None, **kwargs: Any
) -> list[FetchResult]:
    """``await cleaner.afetch(urls)``: :func:`fetch` for async code, every result in a list."""
    from ._fetch_run import afetch as run

    return await run(urls, options, **kwargs)
