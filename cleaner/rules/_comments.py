"""The ``comment-section`` detector: where a reader-comment thread starts in extracted text.

A thread has a rhythm an article does not: each comment is framed by an author line ("Maria
says:", "Posted by: kim | May 3, 2012 4:15 PM"), a time stamp ("March 3, 2012 at 4:15 pm",
"2 hours ago") and action links ("Reply", "Report abuse"), and the thread opens under a header
("12 comments", "Leave a reply") or ends in a comment form ("Name (required)"). The detector
classifies every block by those signals and drops from the thread's first block to the end of
the document; an article that quotes a reader ("One listener wrote: ...") shows one signal, not
a rhythm, and stays.

The signal words come from the rule's params (rules/detectors.toml), so another language is
added there; the thresholds are params too.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from functools import lru_cache

from typing import Any

from ._shape import Shape
from ._view import View

Params = Mapping[str, Any]

AUTHOR, DATED, STAMP, ACTION, HEADER, FORM = "author", "dated", "stamp", "action", "header", "form"
"""Signals: an author line, an author line with its date, a time stamp, action links, a header
(dropped by a rule in ``header_rules``), a form label (dropped by one in ``form_rules``)."""
_ZERO = re.compile(r"(?:^|\D)0(?:\D|$)|\b(?:no|keine|aucun|sin|nessun|nenhum|zero)\b", re.IGNORECASE)
"""A header counting no comments ("Comments (0)", "No comments yet"): no thread under it."""

_TIME = r"\d{1,2}\s?(?::|h|\.)\s?\d{2}(?::\d{2})?\s*(?:[ap]\.?\s?m\.?|uhr|h)?"
_DATE = (r"(?:\d{1,4}[./-]\d{1,2}[./-]\d{2,4}|\b(?:19|20)\d\d\b"
         r"|\b\d{1,2}(?:st|nd|rd|th|\.)?\s+[^\W\d_]{3,}|\b[^\W\d_]{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?\b)")


def _words(params: Params, name: str) -> tuple[str, ...]:
    value = params.get(name, ())
    if not isinstance(value, (list, tuple)):
        return ()
    return tuple(str(v) for v in value)


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=8)
def _signals(verbs: tuple[str, ...], posted: tuple[str, ...], actions: tuple[str, ...],
             ago: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """The author-line, stamp and action patterns built from the rule's word lists."""
    name = r"[^\s:]\S*(?:\s+\S+){0,4}?"
    # "Maria says:", "kim wrote on May 3, 2012:", "Anonym sagt:" (a colon, or a date, after)
    author = (rf"^@?{name}\s+(?:{_alternation(verbs)})"
              rf"(?:\s*:|\s*\.\.\.|…|\s+(?:on|am|le|el|il|em)\s+.{{0,40}}\d.{{0,20}}$)")
    # "Posted by: kim | May 3, 2012 4:15 PM", "Publicado por Ana el 3 de mayo a las 10:15"
    dated = rf"^(?:{_alternation(posted)})\s*:?\s+\S.{{0,60}}\d"
    stamp = rf"^[\W_]*(?:{_DATE}\D{{0,12}}{_TIME}|{_TIME}\D{{0,12}}{_DATE})\W*$"
    relative = rf"^[\W_]*(?:\d+|an?|one|un|une|uno|una|um|uma|ein|einer|einem)\s+[^\W\d_]+\s+(?:{_alternation(ago)})[\W_]*$"
    relative_before = rf"^[\W_]*(?:{_alternation(ago)})\s+(?:\d+|einer|einem|un|une)\s+[^\W\d_]+[\W_]*$"
    action = rf"^[\W_]*(?:(?:{_alternation(actions)})[\W_]*){{1,3}}$"
    flags = re.IGNORECASE
    return (re.compile(author, flags), re.compile(dated, flags), re.compile(stamp, flags),
            re.compile(f"{relative}|{relative_before}", flags), re.compile(action, flags))


@lru_cache(maxsize=8)
def _keys(words: tuple[str, ...]) -> frozenset[str]:
    """The first word of every signal word or phrase, lower-cased."""
    return frozenset(w.split()[0].lower() for w in words if w.split())


_DIGIT = re.compile(r"\d")
_PUNCTUATION = str.maketrans(dict.fromkeys(string.punctuation + "…«»“”„‘’", " "))


def _may_signal(s: Shape, keys: frozenset[str]) -> bool:
    """Every signal needs a digit or one of the signal words: this test rules out most blocks
    before the five patterns run (it halves the cost of cleaning saved text, bench/speed.py)."""
    if _DIGIT.search(s.text):
        return True
    return not keys.isdisjoint(s.low.translate(_PUNCTUATION).split())


def _compile(params: Params) -> tuple[tuple[re.Pattern[str], ...], frozenset[str]]:
    """The signal patterns and the words that gate them, from the rule's word lists."""
    lists = (_words(params, "verbs"), _words(params, "posted"), _words(params, "actions"),
             _words(params, "ago"))
    return _signals(*lists), _keys(tuple(w for words in lists for w in words))


def _lines(text: str) -> list[str]:
    """The first and the last line of a block (an author line opens or signs a comment)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[:1] + lines[-1:] if len(lines) > 1 else lines


def classify(text: str, s: Shape, patterns: Sequence[re.Pattern[str]]) -> str | None:
    """The comment signal one block gives (AUTHOR, DATED, STAMP, ACTION), or None."""
    author, dated, stamp, relative, action = patterns
    for line in _lines(text):
        if len(line) > 120:
            continue
        if author.search(line):
            return AUTHOR
        if dated.search(line):
            return DATED
        if stamp.match(line) or relative.match(line):
            return STAMP
        if len(line) <= 40 and action.match(line):
            return ACTION
    return None


def _signals_of(view: View, params: Params) -> list[str | None]:
    patterns, keys = _compile(params)
    headers = tuple(_words(params, "header_rules"))
    forms = tuple(_words(params, "form_rules"))
    dropped: Mapping[int, str] = view.memo.get("dropped-by", {})
    out: list[str | None] = []
    for k, (block, s) in enumerate(zip(view.blocks, view.shapes)):
        signal = (classify(block.text, s, patterns)
                  if s.words <= 25 and _may_signal(s, keys) else None)
        rule_id = dropped.get(k, "")
        if signal is None and forms and rule_id.startswith(forms):
            signal = FORM
        elif signal is None and headers and rule_id.startswith(headers):
            signal = HEADER
        out.append(signal)
    return out


def _prose_before(view: View, k: int) -> int:
    return sum(s.words for s in view.shapes[:k] if s.body_like)


def comment_section(view: View, params: Params) -> set[int]:
    """The blocks from the start of the reader-comment thread to the end of the document.

    The thread starts at a header (a block a rule in ``header_rules`` dropped) that has a
    comment signal within ``reach`` blocks after it and at least ``min_signals`` signals
    (author lines, stamps, action lines, form labels) after it; or, with no such header, at an
    author line followed by at least ``min_authors`` author lines in all and a second kind of
    signal. At least ``min_prose`` words of prose stand before it: the article."""
    n = len(view.blocks)
    if n < 3:
        return set()
    signals = _signals_of(view, params)
    marked = [k for k, sig in enumerate(signals) if sig is not None]
    if len(marked) < 2:
        return set()
    start = _thread_start(view, signals, marked, params)
    if start is None:
        return set()
    view.memo["thread-start"] = start  # read by is_page_dump: a thread's lines are no menu
    return set(range(start, n))


def _thread_start(view: View, signals: Sequence[str | None], marked: Sequence[int],
                  params: Params) -> int | None:
    min_prose = int(params.get("min_prose", 50))
    for i, k in enumerate(marked):
        if signals[k] == HEADER:
            ok = _header_opens(view, signals, marked[i + 1:], k, params)
        elif signals[k] in (AUTHOR, DATED):
            ok = _authors_open(signals, marked[i:], params)
        else:
            continue
        if ok and _prose_before(view, k) >= min_prose:
            return k
    return None


def _header_opens(view: View, signals: Sequence[str | None], later: Sequence[int], k: int,
                  params: Params) -> bool:
    """A header that counts some comments, with a signal within ``reach`` blocks and
    ``reach_words`` words after it, and ``min_signals`` signals in all after it."""
    if _ZERO.search(view.blocks[k].text):
        return False
    found = [j for j in later if signals[j] != HEADER]
    if len(found) < int(params.get("min_signals", 2)):
        return False
    first = found[0]
    words = sum(s.words for s in view.shapes[k + 1:first])
    return (first - k <= int(params.get("reach", 8))
            and words <= int(params.get("reach_words", 400)))


def _authors_open(signals: Sequence[str | None], marked: Sequence[int], params: Params) -> bool:
    """At least ``min_authors`` author lines from here on, and a second kind of signal (a
    stamp, an action line, a form). A blog's own post footers ("Posted by jo at 11:08 PM")
    are dated author lines too, and are all a page of posts shows."""
    found = [signals[j] for j in marked if signals[j] != HEADER]
    authors = sum(1 for sig in found if sig in (AUTHOR, DATED))
    kinds = {AUTHOR if sig == DATED else sig for sig in found} | {AUTHOR}
    return authors >= int(params.get("min_authors", 2)) and len(kinds) >= 2
