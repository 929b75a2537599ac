"""trafilatura's body tree to :class:`Block` objects, with the HTML features the rules use.

The body is trafilatura's XML: ``head`` (``rend="h2"``), ``p``, ``list``/``item``, ``quote``,
``code``, ``table``/``row``/``cell``, with ``ref target=...`` for links and ``lb`` for line breaks.
Containers it leaves in (``div``, a nested ``body``) are walked through, and when a fallback
extractor hands back raw HTML (``h2``, ``ul``/``li``, ``tr``/``td``, ``a href``), those tags are
read as their trafilatura equivalents.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from lxml import etree

from .._model import Block, BlockKind
from .._urls import link_internal, site_key
from ..blocks import segment_text

_BLOCK_TAGS = frozenset({"p", "head", "list", "quote", "code", "table"})
_CONTAINED_BLOCKS = _BLOCK_TAGS | {"div", "section", "article", "body"}
LAYOUT_CELL_WORDS = 25
"""A table cell with line breaks and at least this many words holds text, not data."""
_OWN_BLOCKS_IN_ITEM = frozenset({"list", "table"})
"""In a list item these stand on their own; anything else (code, a heading) is the item's text."""
_BREAKING = _CONTAINED_BLOCKS | {"item", "row", "cell"}
"""Block elements inside a block's inline text (a heading and a paragraph in a list item):
their edges separate words as a line break would, without starting a new line."""
_SKIPPED = frozenset({"lb", "br", "graphic", "img"})
_HTML_TAGS = {
    "h1": "head",
    "h2": "head",
    "h3": "head",
    "h4": "head",
    "h5": "head",
    "h6": "head",
    "blockquote": "quote",
    "pre": "code",
    "ul": "list",
    "ol": "list",
    "li": "item",
    "tr": "row",
    "td": "cell",
    "th": "cell",
    "a": "ref",
    "br": "lb",
}
_NAMES = {
    name: (name, *(html for html, ours in _HTML_TAGS.items() if ours == name))
    for name in ("row", "cell")
}
"""The tags read as a row or a cell, trafilatura's and HTML's."""
_ALNUM = re.compile(r"[^\W_]")
_NO_SPACE_SCRIPTS = "\u2e80"
"""From here on (CJK and after) words are not separated by spaces."""
# Second-level labels under which sites register (example.co.uk, example.com.au).
@dataclass(slots=True)
class _Line:
    """One line of inline text as it is collected: its pieces, and how much of it is links."""

    pieces: list[str] = field(default_factory=list)
    link_chars: int = 0
    targets: list[str] = field(default_factory=list)
    plain_words: bool = False
    """Letters or digits outside links."""
    in_link: bool = False
    """Whether the last piece sits in a link."""
    joined: str | None = None
    """The text, once asked for (lines are complete by then)."""

    def add(self, text: str | None, target: str | None) -> None:
        if not text:
            return
        self.joined = None
        linked = target is not None
        if self.pieces and linked != self.in_link and _glued(self.pieces[-1], text):
            self.pieces.append(" ")  # trafilatura trims the space after a link; put it back
        self.pieces.append(text)
        self.in_link = linked
        if linked:
            self.link_chars += _chars(text)
            self.targets.append(target or "")
        elif not self.plain_words and _ALNUM.search(text):
            self.plain_words = True

    def space(self) -> None:
        """Words on either side of a block edge are two words, however the markup runs on."""
        self.joined = None
        self.pieces.append(" ")

    @property
    def text(self) -> str:
        if self.joined is None:
            self.joined = " ".join("".join(self.pieces).split())
        return self.joined


def body_blocks(body: etree._Element, page_url: str | None) -> list[Block]:
    """Blocks in document order; empty ones are left out."""
    out: list[Block] = []
    # Each builder appends to one list: nested layout tables are a dozen levels deep, and a
    # block yielded up through that many generators costs more than building it.
    _walk(body, site_key(page_url), out)
    return [block for block in out if block.text]


def _walk(container: etree._Element, site: str | None, out: list[Block]) -> None:
    """A container (or a list): loose text becomes paragraphs, each child its own blocks."""
    _loose(container.text, site, out)
    for child in container:
        _element(child, site, out)
        _loose(child.tail, site, out)


def _tag(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""  # a comment or processing instruction
    return _HTML_TAGS.get(tag, tag)


def _element(element: etree._Element, site: str | None, out: list[Block]) -> None:
    tag = _tag(element)
    if tag == "p" and _holds_blocks(element):
        _walk(element, site, out)  # a fallback extractor's container, not a paragraph
    elif tag == "p":
        _paragraph(element, "p", site, out)
    elif tag == "head":
        out.append(_block(_collect(element), "h", site, level=_level(element)))
    elif tag == "list":
        _walk(element, site, out)
    elif tag == "quote":
        _quote(element, site, out)
    elif tag == "code":
        out.append(Block(_code_text(element), "pre", from_html=True))
    elif tag == "table":
        _table(element, site, out)
    elif tag == "item":
        _item(element, site, out)
    elif tag and tag not in _SKIPPED:
        _walk(element, site, out)


def _holds_blocks(element: etree._Element) -> bool:
    return any(_tag(child) in _CONTAINED_BLOCKS for child in element)


def _loose(text: str | None, site: str | None, out: list[Block]) -> None:
    if text and not text.isspace():
        line = _Line()
        line.add(text, None)
        out.append(_block([line], "p", site))


def _paragraph(
    element: etree._Element, kind: BlockKind, site: str | None, out: list[Block]
) -> None:
    """A paragraph split at its line breaks, as plain text is split at line ends (a break
    inside a sentence, before a lower-case word, is a wrap and joins the lines again)."""
    lines = [line for line in _collect(element) if line.text]
    if len(lines) <= 1:
        out.append(_block(lines, kind, site))
        return
    taken = 0
    for segment in segment_text("\n".join(line.text for line in lines)):
        count = segment.text.count("\n") + 1
        out.append(_block(lines[taken : taken + count], kind, site))
        taken += count


def _item(element: etree._Element, site: str | None, out: list[Block]) -> None:
    """A list item's own text, then the lists or tables nested in it."""
    out.append(_block(_collect(element, skip=_OWN_BLOCKS_IN_ITEM), "li", site))
    for nested in element:
        if _tag(nested) in _OWN_BLOCKS_IN_ITEM:
            _element(nested, site, out)


def _quote(element: etree._Element, site: str | None, out: list[Block]) -> None:
    if not any(_tag(child) in _BLOCK_TAGS for child in element):
        _paragraph(element, "quote", site, out)
        return
    start = len(out)
    _walk(element, site, out)
    for n in range(start, len(out)):
        if out[n].kind == "p":
            out[n] = replace(out[n], kind="quote")


def _table(element: etree._Element, site: str | None, out: list[Block]) -> None:
    """A data table gives one block per row; a layout table (cells holding paragraphs or long
    text) is walked like any container."""
    rows = _own(element, "row", "table")
    if not rows:
        _walk(element, site, out)
        return
    for row in rows:
        cells = _own(row, "cell", "row")
        if any(_is_layout(cell) for cell in cells):
            for cell in cells:
                _walk(cell, site, out)
        else:
            out.append(_block([_row_line(cells)], "table", site))


def _own(element: etree._Element, tag: str, owner: str) -> list[etree._Element]:
    """The ``tag`` descendants that belong to ``element`` itself, not to a nested ``owner``."""
    out = []
    for found in element.iter(*_NAMES[tag]):
        if found is element:
            continue
        parent = found.getparent()
        while parent is not None and parent is not element and _tag(parent) != owner:
            parent = parent.getparent()
        if parent is element:
            out.append(found)
    return out


def _is_layout(cell: etree._Element) -> bool:
    if _holds_blocks(cell):
        return True
    breaks = any(_tag(child) == "lb" for child in cell)
    return breaks and len("".join(cell.itertext()).split()) >= LAYOUT_CELL_WORDS


def _row_line(cells: Sequence[etree._Element]) -> _Line:
    line = _Line()
    for cell in cells:
        for n, part in enumerate(p for p in _collect(cell) if p.text):
            if line.pieces:
                line.add(" " if n else " | ", None)
            line.pieces.extend(part.pieces)
            line.link_chars += part.link_chars
            line.targets.extend(part.targets)
            line.plain_words = line.plain_words or part.plain_words
    return line


def _code_text(element: etree._Element) -> str:
    """Code keeps its lines (``lb`` is a line break) and its indentation."""
    parts: list[str] = []
    _text_with_breaks(element, parts)
    return "".join(parts).strip("\n").rstrip()


def _text_with_breaks(element: etree._Element, parts: list[str]) -> None:
    parts.append(element.text or "")
    for child in element:
        if _tag(child) == "lb":
            parts.append("\n")
        else:
            _text_with_breaks(child, parts)
        parts.append(child.tail or "")


def _collect(element: etree._Element, skip: frozenset[str] = frozenset()) -> list[_Line]:
    """The element's inline text as lines (split at ``lb``), links marked with their target."""
    lines = [_Line()]
    _inline(element, lines, None, skip)
    return lines


def _inline(
    element: etree._Element, lines: list[_Line], target: str | None, skip: frozenset[str]
) -> None:
    lines[-1].add(element.text, target)
    for child in element:
        tag = _tag(child)
        if tag == "lb":
            lines.append(_Line())
        elif tag == "ref":
            link = child.get("target") or child.get("href")
            _inline(child, lines, link or target, skip)  # <a name=...> is no link
        elif tag and tag not in skip:
            edge = tag in _BREAKING
            if edge:
                lines[-1].space()
            _inline(child, lines, target, skip)
            if edge:
                lines[-1].space()
        lines[-1].add(child.tail, target)


def _block(lines: Sequence[_Line], kind: BlockKind, site: str | None, level: int = 0) -> Block:
    if len(lines) == 1:  # most blocks: one line
        line = lines[0]
        text, link_chars, plain = line.text, line.link_chars, line.plain_words
        targets = set(line.targets)
    else:
        text = " ".join(t for t in (line.text for line in lines) if t)
        link_chars = sum(line.link_chars for line in lines)
        targets = {t for line in lines for t in line.targets}
        plain = any(line.plain_words for line in lines)
    if not text:
        return Block("", kind)
    is_link = len(targets) == 1 and not plain
    return Block(
        text,
        kind,
        level=level,
        link_density=min(1.0, link_chars / _chars(text)) if link_chars else 0.0,
        is_link=is_link,
        link_internal=link_internal(next(iter(targets)), site) if is_link else None,
        links=len(targets),
        links_only=bool(targets) and not plain,
        from_html=True,
    )


def _level(element: etree._Element) -> int:
    rend = element.get("rend") or element.tag
    if len(rend) == 2 and rend[0] == "h" and rend[1] in "123456":
        return int(rend[1])
    return 2


def _glued(before: str, after: str) -> bool:
    """Two words run together at a link's edge (not in scripts written without spaces)."""
    a, b = before[-1], after[0]
    return a.isalnum() and b.isalnum() and a < _NO_SPACE_SCRIPTS and b < _NO_SPACE_SCRIPTS


def _chars(text: str) -> int:
    """Characters other than white space (at least 1, to divide by)."""
    return len("".join(text.split())) or 1
