"""cleaner: turn a scraped article into its body and nothing else, and say why each line went.

>>> import cleaner
>>> result = cleaner.clean_text(open("article.txt").read())   # doctest: +SKIP
>>> print(result.text)                                          # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from ._cleaner import Cleaner
from ._errors import CleanerError, CleanTimeout, FetchError, RuleError, SourceError
from ._model import Block, Cleaned, Removal, Verdict
from .fetch import FetchOptions, FetchResult, afetch, fetch
from .rules import Rule, load_rules
from .sources import Document

if TYPE_CHECKING:
    from .html._page import HtmlInput

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


def clean_html(html: HtmlInput, url: str | None = None) -> Cleaned:
    """Clean a web page with the shipped rules (one shared ``Cleaner``): markup (``str`` or
    ``bytes``), or a page parsed by bs4 (``BeautifulSoup``, ``Tag``) or lxml (an element)."""
    return _default_cleaner().clean_html(html, url=url)


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
