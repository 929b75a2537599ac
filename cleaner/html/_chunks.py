"""An article body split into chunks (ad slots and rails between them) is joined into one
container, because trafilatura takes the first container its body expressions match and
would keep only the first chunk."""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree
from lxml import html as lxml_html
from trafilatura.xpaths import BODY_XPATH

MAX_LEVELS = 2
"""Chunks share their parent or their grandparent: one layout grid, not separate posts."""

_CONTAINERS = ("article", "div", "main", "section")
_FIRST_BODY_SHAPE = re.compile(
    r"\.//\*\[self::article or self::div or self::main or self::section\]\[ "
    r"@class='post' or @class='entry' or @itemprop='articleBody' or @id='articleContent' or "
    r"re:test\(@id, '(?P<id>[^']+)'\) or re:test\(@class, '(?P<cls>[^']+)'\) \]\[1\]"
)


def _first_body_finder() -> Callable[[etree._Element], list[etree._Element]]:
    """trafilatura's first body expression, in Python when it has the shape this module knows.

    Each ``re:test`` in an XPath calls back into Python, twice for every ``div`` of the page,
    which costs as much as parsing it; a walk over the four container tags in lxml with the same
    two regular expressions finds the same elements in a quarter of the time. Another
    trafilatura whose expression reads differently gets its own XPath. Kept because measured:
    HTML cleaning of the zyte and mozilla pages takes 16% more CPU with the XPath (best of 7
    alternating passes; the medians differ by 3% on a machine at load 14; issue 16)."""
    xpath = BODY_XPATH[0]
    shape = _FIRST_BODY_SHAPE.fullmatch(" ".join(xpath.path.split()))
    if shape is None:
        return lambda root: list(xpath(root))
    ids, classes = re.compile(shape["id"]), re.compile(shape["cls"])

    def matches(element: etree._Element) -> bool:
        cls, ident = element.get("class"), element.get("id")
        return (
            cls in ("post", "entry")
            or element.get("itemprop") == "articleBody"
            or ident == "articleContent"
            or (ident is not None and ids.search(ident) is not None)
            or (cls is not None and classes.search(cls) is not None)
        )

    def find(root: etree._Element) -> list[etree._Element]:
        # [1]: of the matching children of one parent, the first only
        return [
            element
            for element in root.iter(*_CONTAINERS)
            if element is not root
            and matches(element)
            and not any(matches(s) for s in element.itersiblings(*_CONTAINERS, preceding=True))
        ]

    return find


first_body = _first_body_finder()
"""The containers trafilatura's first body expression takes (the first match of each parent)."""


def join_chunks(root: lxml_html.HtmlElement) -> int:
    """Move the content of the later chunks of the article body into the first one; returns
    how many chunks were joined. Chunks are the containers trafilatura would take first,
    with the same tag and class, close together in the layout."""
    found = first_body(root)
    if len(found) < 2:
        return 0
    matched = set(found)
    outer = [e for e in found if not any(a in matched for a in e.iterancestors())]
    if len(outer) < 2:
        return 0
    first = _anchor(outer, found)
    chunks = [e for e in outer[1:] if _same_kind(first, e) and _near(first, e)]
    for chunk in chunks:
        if chunk.text and chunk.text.strip():
            _append_text(first, chunk.text)
        first.extend(list(chunk))
        chunk.drop_tree()
    return len(chunks)


def _anchor(outer: list[etree._Element], found: list[etree._Element]) -> etree._Element:
    """The chunk the later ones join: the first container, or, when the first post's whole
    wrapper matched and the later posts only their body, the first post's body."""
    first = outer[0]
    if len(outer) < 2 or _same_kind(first, outer[1]):
        return first
    inner = [e for e in found if _same_kind(e, outer[1]) and first in e.iterancestors()]
    return inner[0] if inner else first


def _same_kind(a: etree._Element, b: etree._Element) -> bool:
    same: bool = a.tag == b.tag and a.get("class") == b.get("class")
    return same


def _near(a: etree._Element, b: etree._Element) -> bool:
    pa, pb = a.getparent(), b.getparent()
    for _ in range(MAX_LEVELS):
        if pa is None or pb is None:
            return False
        if pa is pb:
            return True
        pa, pb = pa.getparent(), pb.getparent()
    return False


def _append_text(element: etree._Element, text: str) -> None:
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text
