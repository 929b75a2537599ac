"""cleaner: turn a scraped article into its body and nothing else, and say why each line went.

>>> import cleaner
>>> result = cleaner.clean_text(open("article.txt").read())   # doctest: +SKIP
>>> print(result.text)                                          # doctest: +SKIP
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ._cleaner import Cleaner
from ._errors import CleanerError, CleanTimeout, FetchError, RuleError, SourceError
from ._model import Block, Cleaned, Removal, Verdict
from .fetch import FetchOptions, FetchResult, afetch, fetch
from .rules import Rule, load_rules

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

