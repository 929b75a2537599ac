"""Page-level decisions on the extracted blocks: the headline is not body, and some pages are
not articles at all (index and category pages, search results, login walls)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from .._model import Block

_WORDS = re.compile(r"\w+")
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = f"translate(concat(@class, ' ', @id), '{_UPPER}', '{_UPPER.lower()}')"
_AWAY = (
    "modal",
    "popup",
    "pop-up",
    "dialog",
    "overlay",
    "lightbox",
    "offcanvas",
    "off-canvas",
    "header",
    "navbar",
    "menu",
    "footer",
    "sidebar",
)
# A password field in the page's flow; log-in boxes in pop-ups, headers and sidebars do not count.
_PASSWORD = etree.XPath(
    "//input[translate(@type, 'PASWORD', 'pasword') = 'password'][not(ancestor::header or "
    "ancestor::nav or ancestor::footer or ancestor::aside or ancestor::dialog or ancestor::*["
    + " or ".join(f"contains({_LOWER}, '{token}')" for token in _AWAY)
    + "])]"
)
_LINK_TEXTS = etree.XPath("//body//a[@href]", smart_strings=False)
_SEARCH_PATH = re.compile(
    r"/(?:search|suche|recherche|busca|buscar|cerca|zoeken)(?:/|$)", re.IGNORECASE
)
_SEARCH_QUERY = re.compile(r"(?:^|&)(?:q|s|query|search|keywords?)=", re.IGNORECASE)
_TERMINAL = (".", "!", "?", "…", "。", "！", "？", '"', "”", "»", "'", "’", ")")

MIN_PROSE_WORDS = 80
"""An article has at least this many words in long or sentence-shaped, mostly link-free blocks..."""
MAX_LINK_SHARE = 0.5
"""...or, with fewer, at most this share of its text in links."""
LOGIN_MAX_WORDS = 50
"""A page with a password field and less prose than this is a login wall."""
MIN_INDEX_LINKS = 5
"""An index lists links: at least this many blocks that are mostly a link."""
MIN_LINK_WORDS = 3
"""Link texts this long (headlines, not "Home" or a site name) are looked for in a dump."""
DUMP_MAX_BLOCKS = 2
DUMP_MIN_WORDS = 150
"""At most this many link-free blocks holding at least this many words: a whole-page dump."""
MAX_ABOVE = 2
"""Blocks that may stand above the headline (kicker, section label, date)..."""
MAX_ABOVE_WORDS = 10
"""...each this short."""
TITLE_MIN_COVER = 0.6
"""A block counts as the headline when it has at least this share of the title's words..."""
TITLE_SIMILARITY = 0.75
"""...and at least this share of its characters (in words) is in the title."""
MAX_TITLE_WORDS = 40


@dataclass(frozen=True, slots=True)
class Headline:
    text: str | None
    """The headline as the reader sees it, or None when the body does not start with it."""
    above: list[Block]
    """Short blocks standing above the headline (a kicker, a section label): not body."""
    body: list[Block]


def split_title(blocks: Sequence[Block], titles: Sequence[str]) -> Headline:
    """Find the headline at the top of the blocks: the first block repeating one of ``titles``,
    with at most :data:`MAX_ABOVE` short blocks above it. The title is not body."""
    for i, block in enumerate(blocks[: MAX_ABOVE + 1]):
        if i and not _short(blocks[i - 1]):
            break
        if block.kind in ("h", "p") and any(same_title(block.text, t) for t in titles):
            return Headline(block.text, list(blocks[:i]), list(blocks[i + 1 :]))
    return Headline(None, [], list(blocks))


def _short(block: Block) -> bool:
    return len(block.text.split()) <= MAX_ABOVE_WORDS and block.kind in ("h", "p", "li")


def same_title(text: str, title: str) -> bool:
    """The block is the title, the title without the site name around it, or a close variant
    of it (Readability's test: nearly all of the block's words are in the title)."""
    mine = _WORDS.findall(text.lower())
    theirs = _WORDS.findall(title.lower())
    if not mine or not theirs or len(mine) > MAX_TITLE_WORDS:
        return False
    if mine == theirs:
        return True
    n = len(mine)
    if n <= len(theirs) and (theirs[:n] == mine or theirs[-n:] == mine):
        return n >= TITLE_MIN_COVER * len(theirs) and n >= 3
    return _similar(mine, theirs)


def _similar(block: list[str], title: list[str]) -> bool:
    vocabulary = set(title)
    foreign = sum(len(w) for w in block if w not in vocabulary)
    shared = sum(1 for w in set(title) if w in set(block))
    return (
        foreign <= (1 - TITLE_SIMILARITY) * sum(len(w) for w in block)
        and shared >= TITLE_MIN_COVER * len(vocabulary)
        and len(block) >= 3
    )


def not_an_article(
    root: lxml_html.HtmlElement, blocks: Sequence[Block], url: str | None
) -> str | None:
    """Why the page has no article body (login wall, search results, index of links), or None."""
    if not blocks:
        return "no main content found"
    prose = _prose_words(blocks)
    if prose < LOGIN_MAX_WORDS and _PASSWORD(root):
        return "not an article: a login form (password field) with little text"
    dump = _is_dump(blocks)
    if prose >= MIN_PROSE_WORDS and not dump:
        return None
    if dump:
        links = dump_link_share(root, blocks)
    elif sum(1 for b in blocks if b.link_density >= 0.5) >= MIN_INDEX_LINKS:
        links = _link_share(blocks)
    else:
        return None
    if links > MAX_LINK_SHARE:
        if _is_search(url):
            return "not an article: search results"
        return "not an article: mostly links (an index, category or tag page)"
    return None


def _is_dump(blocks: Sequence[Block]) -> bool:
    """The whole page's text in one or two link-free blocks: what trafilatura's last-resort
    extractor returns when it finds no article structure (links are lost, so count them on
    the page instead)."""
    if len(blocks) > DUMP_MAX_BLOCKS or any(b.link_density for b in blocks):
        return False
    return sum(len(b.text.split()) for b in blocks) >= DUMP_MIN_WORDS


def dump_link_share(root: lxml_html.HtmlElement, blocks: Sequence[Block]) -> float:
    """The share of a dump's text that is the text of the page's links."""
    text = " ".join(b.text for b in blocks)
    links = {" ".join(a.text_content().split()) for a in _LINK_TEXTS(root)}
    linked = sum(len(t) for t in links if t.count(" ") + 1 >= MIN_LINK_WORDS and t in text)
    return min(1.0, linked / len(text)) if text else 0.0


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
