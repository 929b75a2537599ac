"""trafilatura's baseline as blocks: what is left when extraction takes too little of a page
that is nearly all text (old table layouts, text between line breaks, pages of short items)."""

from __future__ import annotations

from copy import deepcopy

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.xpaths import REMOVE_COMMENTS_AND_LISTS_XPATH

from .._model import Block
from ._blocks import body_blocks

_NOT_TEXT = etree.XPath("//select|//textarea|//button")
"""Form controls: a list's options are not text."""


def baseline_blocks(root: lxml_html.HtmlElement, url: str | None) -> list[Block]:
    """The baseline's text: the page's article element, else its paragraphs, else its whole
    body split at its lines. Form controls and reader comments are left out first, as
    extraction leaves them out."""
    tree = deepcopy(root)
    for element in _NOT_TEXT(tree):
        element.drop_tree()
    tree = prune_unwanted_nodes(tree, REMOVE_COMMENTS_AND_LISTS_XPATH)
    body, _, _ = trafilatura.baseline(tree)
    for paragraph in list(body):
        _split_lines(body, paragraph)
    return body_blocks(body, url)


def _split_lines(body: etree._Element, paragraph: etree._Element) -> None:
    """One paragraph per line of the text (the whole-body dump is one text of many lines)."""
    lines = [line for line in (paragraph.text or "").split("\n") if line.strip()]
    if len(lines) < 2:
        return
    paragraph.text = lines[0]
    at = body.index(paragraph)
    for n, line in enumerate(lines[1:], 1):
        extra = etree.Element("p")
        extra.text = line
        body.insert(at + n, extra)
