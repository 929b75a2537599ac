"""Page-level decisions on the extracted blocks: the headline is not body, and some pages are
not articles at all (index and category pages, search results, login walls)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from .._model import Block

_WORDS = re.compile(r"\w+")
_PASSWORD = etree.XPath("//input[@type='password' or @type='PASSWORD']")
_SEARCH_PATH = re.compile(r"/(?:search|suche|recherche|busca|buscar|cerca|zoeken)(?:/|$)", re.I)
_SEARCH_QUERY = re.compile(r"(?:^|&)(?:q|s|query|search|keywords?)=", re.I)
_TERMINAL = (".", "!", "?", "…", "。", "！", "？", '"', "”", "»", "'", "’", ")")

MIN_PROSE_WORDS = 80
"""An article has at least this many words in sentence-shaped, mostly link-free paragraphs..."""
MAX_LINK_SHARE = 0.5
"""...or, with fewer, at most this share of its text in links."""
LOGIN_MAX_WORDS = 50
"""A page with a password field and less prose than this is a login wall."""
TITLE_MIN_COVER = 0.6
"""A first block counts as the headline when it is at least this share of the title's words."""


def split_title(blocks: Sequence[Block], titles: Sequence[str]) -> tuple[str | None, list[Block]]:
    """The headline and the body: the first block goes when it repeats one of ``titles``
    (the title is not body) and is returned as the headline, as the reader sees it."""
    if not blocks or blocks[0].kind not in ("h", "p"):
        return None, list(blocks)
    if any(same_title(blocks[0].text, title) for title in titles):
        return blocks[0].text, list(blocks[1:])
    return None, list(blocks)


def same_title(text: str, title: str) -> bool:
    """The block is the title, or the title without the site name around it."""
    mine = _WORDS.findall(text.lower())
    theirs = _WORDS.findall(title.lower())
    if not mine or not theirs or len(mine) > len(theirs):
        return False
    if mine == theirs:
        return True
    n = len(mine)
    affix = theirs[:n] == mine or theirs[-n:] == mine
    return affix and n >= TITLE_MIN_COVER * len(theirs) and n >= 3


def not_an_article(root: lxml_html.HtmlElement, blocks: Sequence[Block], url: str | None) -> str | None:
    """Why the page has no article body (a login wall, search results, an index of links), or None."""
    if not blocks:
        return "no main content found"
    prose = _prose_words(blocks)
    if prose < LOGIN_MAX_WORDS and _PASSWORD(root):
        return "not an article: a login form (password field) with little text"
    if prose >= MIN_PROSE_WORDS:
        return None
    if _link_share(blocks) > MAX_LINK_SHARE:
        if _is_search(url):
            return "not an article: search results"
        return "not an article: mostly links (an index, category or tag page)"
    return None


def _prose_words(blocks: Sequence[Block]) -> int:
    """Words in blocks that are not mostly links and are long, or sentence-shaped."""
    total = 0
    for block in blocks:
        if block.kind == "h" or block.link_density >= 0.5:
            continue
        words = len(block.text.split())
        if words >= 20 or (words >= 8 and block.text.rstrip().endswith(_TERMINAL)):
            total += words
    return total


def _link_share(blocks: Sequence[Block]) -> float:
    chars = sum(len(b.text) for b in blocks)
    linked = sum(len(b.text) * b.link_density for b in blocks)
    return linked / chars if chars else 0.0


def _is_search(url: str | None) -> bool:
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return bool(_SEARCH_PATH.search(parts.path) or _SEARCH_QUERY.search(parts.query))
