"""Blocks back to the page: the class/id tokens of the element each block was extracted from.

trafilatura rebuilds the body as new elements, so the source element is found again by text:
the page's block-level elements are indexed once by their text without white space (which
trafilatura and the block builder normalise), and each block looks its text up there.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree
from lxml import html as lxml_html

from .._model import Block, block_with_classes

SOURCE_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt",
               "figcaption")
"""Elements a block is extracted from. Not table cells: a data row is one block of several
cells, and a layout cell holds the whole page (its text, measured for every cell of a nested
layout, costs more than the extraction)."""
ANCESTORS = 2
"""Besides the element's own tokens, those of this many elements above it."""
_TEXT = etree.XPath("string()", smart_strings=False)


def source_elements(root: lxml_html.HtmlElement, keys: set[str]) -> dict[str, etree._Element]:
    """Text without white space -> element, for the page's block-level elements whose text is
    one of ``keys`` (the first element wins when texts repeat)."""
    index: dict[str, etree._Element] = {}
    for element in root.iter(*SOURCE_TAGS):
        key = "".join(_TEXT(element).split())
        if key in keys and key not in index:
            index[key] = element
    return index


def _tokens(element: etree._Element) -> tuple[str, ...]:
    tokens: list[str] = []
    node: etree._Element | None = element
    for _ in range(ANCESTORS + 1):
        if node is None or node.tag in ("body", "html"):
            break
        for attribute in ("class", "id"):
            for token in (node.get(attribute) or "").lower().split():
                if token not in tokens:
                    tokens.append(token)
        node = node.getparent()
    return tuple(tokens)


def with_classes(blocks: Sequence[Block], root: lxml_html.HtmlElement) -> list[Block]:
    """The blocks, each with the tokens of the element it came from (unchanged when its text
    matches no element: a paragraph split at line breaks, text trafilatura joined)."""
    keys = ["".join(block.text.split()) for block in blocks]
    index = source_elements(root, {key for key in keys if key})
    out = []
    for block, key in zip(blocks, keys, strict=True):
        element = index.get(key)
        classes = _tokens(element) if element is not None else ()
        out.append(block_with_classes(block, classes) if classes else block)
    return out

