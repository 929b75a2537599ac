"""Folding a block to the form it is counted in: case, white space and edge punctuation as
``match = "whole"`` ignores them, dates and numbers as placeholders (a footer's year, a
dateline's day). The same placeholders become the patterns of learned rules."""

from __future__ import annotations

import hashlib
import re

from ..rules._match import whole_form

_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_DAYS = (r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|"
         r"sat(?:urday)?|sun(?:day)?")
DATE = (
    rf"(?:(?:{_DAYS})\.?,?\s+)?(?:"
    rf"(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+\d{{4}}"
    rf"|(?:{_MONTHS})\.?\s+\d{{4}}"
    rf"|\d{{4}}-\d{{1,2}}-\d{{1,2}}"
    rf"|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}})"
)
"""A written date, in the forms sites print them (English month names, ISO, numeric)."""
_DATE_RE = re.compile(rf"\b{DATE}\b", re.IGNORECASE)
_NUMBER_RE = re.compile(r"\d+")
_DIGIT = re.compile(r"\d")
_EDGE = r"""[\s"'“”‘’«»()\[\]*•·▪►›»|>~–—:;.,!?-]*"""
"""What may stand around a whole line (a small class: Unicode classes compile slowly)."""
DATE_MARK = "\x01"
NUMBER_MARK = "\x02"


def fold(text: str) -> str:
    """``whole_form`` with dates and digit runs replaced by placeholders."""
    low = whole_form(text)
    if _DIGIT.search(low) is None:
        return low
    return _NUMBER_RE.sub(NUMBER_MARK, _DATE_RE.sub(DATE_MARK, low))


def key_of(folded: str) -> int:
    """A 64-bit key for a folded block (what is counted, instead of the string)."""
    return int.from_bytes(hashlib.blake2b(folded.encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "big")


def whole_pattern(text: str) -> str:
    """An RE2 pattern for ``text`` as a whole block, its dates and numbers left open: the edges
    may carry punctuation, bullets and white space, as ``match = "whole"`` allows."""
    core = re.sub(r"^[\W_]+|[\W_]+$", "", " ".join(text.split()))
    out: list[str] = []
    pos = 0
    for found in re.finditer(rf"\b{DATE}\b|\d+|\s+", core, re.IGNORECASE):
        out.append(re.escape(core[pos:found.start()]))
        piece = found.group()
        out.append(r"\s+" if piece.isspace() else r"\d+" if piece.isdigit() else _date_shape(piece))
        pos = found.end()
    out.append(re.escape(core[pos:]))
    return f"^{_EDGE}" + "".join(out) + f"{_EDGE}$"


def _date_shape(date: str) -> str:
    """A pattern for dates written like ``date``: its words any word, its numbers any number
    ("March 5, 2024" -> any "<word> <number>, <number>"). Far smaller than the whole date
    grammar, which would make every dated rule slow to compile."""
    out = []
    for piece in re.findall(r"[^\W\d_]+|\d+|\s+|.", date):
        if piece[0].isalpha():
            out.append(r"[a-z]+")
        elif piece[0].isdigit():
            out.append(r"\d+")
        elif piece.isspace():
            out.append(r"\s+")
        else:
            out.append(re.escape(piece))
    return "".join(out)
