"""Segmentation: plain text into blocks (paragraphs, list items), exactly as they stand."""

from __future__ import annotations

import re

from ._model import Block, text_block

_MARKS = "•·▪‣◦●○■□▶►➤✓✔"
"""Bullet signs, followed by text at once or after a space."""
_DASHES = "*+-–—"
"""Signs that are bullets only when a space follows."""
_BULLET = re.compile(rf"^(?:[{re.escape(_MARKS)}]\s*|[{re.escape(_DASHES)}]\s+|\d{{1,3}}[.)]\s+)")
_BULLET_FIRST = frozenset(_MARKS + _DASHES)
"""What a bullet can start with, besides a digit (a cheap test before ``_BULLET``)."""
_SENTENCE_END = (".", "!", "?", ":", ";", "…", '"', "”", "’", "'", ")", "»")


def segment_text(text: str) -> list[Block]:
    """Blocks from blank lines and line breaks.

    Each non-blank line is a block, except that a hard-wrapped line continues into the next one
    when it does not end a sentence and the next line starts in lower case (the break was a
    wrap, not a paragraph). The decision looks at the two lines only, so segmenting the output
    again gives the same blocks. Lines are stripped of surrounding white space; nothing else in
    them changes.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[Block] = []
    para: str | None = None
    """The paragraph being gathered: its lines joined by line breaks."""
    last = ""
    """Its last line."""
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            if para is not None:
                blocks.append(_block(para))
                para = None
            continue
        if para is not None:
            if _continues(last, line):
                para += "\n" + line
                last = line
                continue
            blocks.append(_block(para))
        para = last = line
    if para is not None:
        blocks.append(_block(para))
    return blocks


def _continues(previous: str, line: str) -> bool:
    # A line starting in lower case cannot start with a bullet, so no bullet test is needed.
    return line[0].islower() and not previous.endswith(_SENTENCE_END)


def _block(text: str) -> Block:
    first = text[0]
    if (first in _BULLET_FIRST or first.isdigit()) and _BULLET.match(text):
        return text_block(text, "li")
    return text_block(text)
