"""Segmentation: plain text into blocks (paragraphs, list items), exactly as they stand."""

from __future__ import annotations

import re

from ._model import Block, BlockKind

_BULLET = re.compile(r"^(?:[•·▪‣◦●○■□▶►➤✓✔]\s*|[*+\-–—]\s+|\d{1,3}[.)]\s+)")
_SENTENCE_END = (".", "!", "?", ":", ";", "…", '"', "”", "’", "'", ")", "»")


def segment_text(text: str) -> list[Block]:
    """Blocks from blank lines and line breaks.

    Each non-blank line is a block, except that a hard-wrapped line continues into the next one
    when it does not end a sentence and the next line starts in lower case (the break was a
    wrap, not a paragraph). The decision looks at the two lines only, so segmenting the output
    again gives the same blocks. Lines are stripped of surrounding white space; nothing else in
    them changes.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[Block] = []
    current: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            _flush(current, blocks)
            continue
        if current and _continues(current[-1], line):
            current.append(line)
            continue
        _flush(current, blocks)
        current.append(line)
    _flush(current, blocks)
    return blocks


def _continues(previous: str, line: str) -> bool:
    # A line starting in lower case cannot start with a bullet, so no bullet test is needed.
    return line[0].islower() and not previous.endswith(_SENTENCE_END)


def _flush(lines: list[str], blocks: list[Block]) -> None:
    if not lines:
        return
    text = "\n".join(lines)
    kind: BlockKind = "li" if _BULLET.match(text) else "p"
    blocks.append(Block(text, kind))
    lines.clear()
