"""Selector rules prune the parsed page before extraction, each pruned element with its reason."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from lxml import etree
from lxml import html as lxml_html

from .._model import Removal
from ..rules._select import CompiledSelector
from ._select_fast import find_matches

SNIPPET_CHARS = 80
MAX_SHARE = 0.5
"""An element holding more than this share of the page's paragraph text is never pruned."""
_NEVER = frozenset({"html", "head", "body"})
_PARAGRAPH_TEXT = etree.XPath("descendant-or-self::p//text()", smart_strings=False)
_BODY_CHARS = etree.XPath("string-length(normalize-space(/html/body))")
_CODE_TAGS = ("script", "style", "noscript")
_LINK_TEXT = etree.XPath("descendant-or-self::a//text()", smart_strings=False)
_VISIBLE_TEXT = etree.XPath(
    "descendant-or-self::text()[not(ancestor::script or ancestor::style or ancestor::noscript)]",
    smart_strings=False,
)


def prune(
    root: lxml_html.HtmlElement, selectors: Sequence[CompiledSelector], host: str | None
) -> list[Removal]:
    """Remove the elements matched by the selector rules that apply to ``host`` (keeping the
    text that follows each one), and say which rule removed what, in document order."""
    active = [s for s in selectors if s.applies_to(host)]
    found = {
        element: active[position]
        for element, position in find_matches(root, active).items()
        if element.tag not in _NEVER
    }
    if not found:
        return []
    guard = _Guard(root)
    removals = []
    for element in _outermost(found):
        if guard.holds_the_article(element):
            continue
        rule = found[element].rule
        removals.append(Removal(rule.id, rule.category, snippet(element)))
        element.drop_tree()
    return removals


def snippet(element: etree._Element, limit: int = SNIPPET_CHARS) -> str:
    """The first ``limit`` characters of the element's visible text, white space collapsed."""
    parts: list[str] = []
    size = 0
    for piece in _VISIBLE_TEXT(element):
        words = piece.split()
        parts.extend(words)
        size += sum(len(w) + 1 for w in words)
        if size > limit:
            break
    return " ".join(parts)[:limit]


def _outermost(found: dict[lxml_html.HtmlElement, CompiledSelector]) -> list[lxml_html.HtmlElement]:
    """Matched elements not inside another matched element, in document order."""
    out = [e for e in found if not any(a in found for a in e.iterancestors())]
    return sorted(out, key=_position)


def _position(element: lxml_html.HtmlElement) -> tuple[int, ...]:
    steps = []
    parent = element.getparent()
    while parent is not None:
        steps.append(parent.index(element))
        element, parent = parent, parent.getparent()
    return tuple(reversed(steps))


class _Guard:
    """The safety check: paragraph text per element, measured once for the whole page."""

    def __init__(self, root: lxml_html.HtmlElement) -> None:
        self.total = _paragraph_chars(root)
        self.use_paragraphs = self.total >= 200
        if not self.use_paragraphs:
            self.total = _text_chars(root)

    def holds_the_article(self, element: lxml_html.HtmlElement) -> bool:
        if self.total <= 0:
            return False
        mine = _paragraph_chars(element) if self.use_paragraphs else _text_chars(element)
        return mine > MAX_SHARE * self.total


def _paragraph_chars(element: lxml_html.HtmlElement) -> int:
    return sum(len(t.strip()) for t in _PARAGRAPH_TEXT(element))


def page_text_chars(root: lxml_html.HtmlElement) -> int:
    """Characters of the body's text, white space runs counted as one, scripts and styles
    left out (measured in C: the body's text less its scripts', not text node by node)."""
    chars = int(_BODY_CHARS(root))
    for element in _body_code(root):
        chars -= len(" ".join(element.text_content().split()))
    return max(0, chars)


def _body_code(root: lxml_html.HtmlElement) -> Iterator[etree._Element]:
    """The body's scripts, styles and ``<noscript>`` elements, not counting those inside a
    ``<noscript>`` (lxml's tag filter walks the tree in C, three times quicker than XPath)."""
    body = root.find("body")
    if body is None:
        return
    for element in body.iter(*_CODE_TAGS):
        if next(element.iterancestors("noscript"), None) is None:
            yield element


def link_text_chars(element: lxml_html.HtmlElement) -> int:
    """Characters of the text in links."""
    return sum(len(t.strip()) for t in _LINK_TEXT(element))


def _text_chars(element: lxml_html.HtmlElement) -> int:
    return sum(len(t.strip()) for t in _VISIBLE_TEXT(element))
