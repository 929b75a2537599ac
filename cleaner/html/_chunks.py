"""An article body split into chunks (ad slots and rails between them) is joined into one
container, because trafilatura takes the first container its body expressions match and
would keep only the first chunk."""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html
from trafilatura.xpaths import BODY_XPATH

MAX_LEVELS = 2
"""Chunks share their parent or their grandparent: one layout grid, not separate posts."""


def join_chunks(root: lxml_html.HtmlElement) -> int:
    """Move the content of the later chunks of the article body into the first one; returns
    how many chunks were joined. Chunks are the containers trafilatura would take first,
    with the same tag and class, close together in the layout."""
    found = BODY_XPATH[0](root)
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
