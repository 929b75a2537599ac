"""Phrase and pattern matching for all text rules at once.

Phrases of every rule go into one Aho-Corasick automaton; patterns go into one RE2 set. Both
run in linear time, so a user's pattern cannot backtrack catastrophically, and a block is
scanned once whatever the number of rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick
import re2

from ._load import Rule

_WS = re.compile(r"\s+")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_OPTIONS.case_sensitive = False
_OPTIONS.max_mem = 64 << 20
_UNLIMITED = 1 << 30
_LENGTH_BUCKETS = (6, 10, 16, 25, 40, 60, _UNLIMITED)


def normalize(text: str) -> str:
    """Lowercase, white space folded to single spaces (the form phrases are matched in)."""
    return " ".join(text.split()).lower()


def whole_form(text: str) -> str:
    """A block's form for ``match = "whole"``: normalized, punctuation trimmed from both ends."""
    return _EDGE.sub("", normalize(text))


def translate_pattern(pattern: str) -> str:
    r"""Rewrite Python-style ``\w``/``\W`` to Unicode classes RE2 understands."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "w":
                out.append(r"\pL\pN_" if in_class else r"[\pL\pN_]")
            elif nxt == "W" and not in_class:
                out.append(r"[^\pL\pN_]")
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class and out and out[-1] not in ("[", "[^"):
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def check_pattern(pattern: str) -> str | None:
    """What is wrong with a rule pattern, or None. Refuses patterns that match everything."""
    try:
        compiled = re2.compile(translate_pattern(pattern), _OPTIONS)
    except re2.error as exc:
        detail = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        return f"invalid or unsupported regular expression (RE2 syntax: no look-around or back-references): {detail}"
    if compiled.search("") is not None:
        return "pattern matches the empty string, so it would match every block"
    if compiled.search("zq7 xj") is not None and compiled.search("Ordinary words, 42.") is not None:
        return "pattern matches arbitrary text, so it would match every block"
    return None


@dataclass(frozen=True, slots=True)
class Hit:
    rule: int
    """Index of the rule in the matcher's rule list."""
    span: tuple[int, int] | None


class TextMatcher:
    """Finds, for one block, every phrase/pattern rule that matches it (before position gates)."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = list(rules)
        self._automaton = ahocorasick.Automaton()
        self._whole: dict[str, list[int]] = {}
        self._patterns: list[tuple[int, re2._Regexp]] = []
        phrase_rules: dict[str, list[tuple[int, int]]] = {}
        for index, rule in enumerate(self.rules):
            for phrase in rule.phrases:
                if rule.match == "whole":
                    self._whole.setdefault(whole_form(phrase), []).append(index)
                else:
                    key = normalize(phrase)
                    phrase_rules.setdefault(key, []).append((index, len(key)))
            if rule.pattern is not None:
                self._patterns.append((index, re2.compile(translate_pattern(rule.pattern), _OPTIONS)))
        for key, value in phrase_rules.items():
            self._automaton.add_word(key, value)
        self._has_phrases = bool(phrase_rules)
        # A block much longer than the longest whole-block phrase cannot be one of them.
        self._whole_len = max((len(k) for k in self._whole), default=-1) + 40
        if self._has_phrases:
            self._automaton.make_automaton()
        self._sets = self._build_sets()

    def _build_sets(self) -> list[tuple[int, re2.Set, list[int]]]:
        """A few RE2 sets by block length: the set for blocks of up to L words holds only the
        patterns whose rule allows blocks longer than the previous limit, so a long paragraph
        meets only the few patterns that apply to it. (Gates check ``max_words`` exactly.)"""
        sets = []
        previous = 0
        for limit in _LENGTH_BUCKETS:
            members = [k for k, (i, _) in enumerate(self._patterns)
                       if (self.rules[i].max_words or _UNLIMITED) > previous]
            previous = limit
            if not members:
                continue
            patterns = re2.Set.SearchSet(_OPTIONS)
            for k in members:
                patterns.Add(self._patterns[k][1].pattern)
            patterns.Compile()
            sets.append((limit, patterns, members))
        return sets

    def _set_for(self, words: int) -> tuple[re2.Set, list[int]] | None:
        for limit, patterns, members in self._sets:
            if words <= limit:
                return patterns, members
        return None

    def hits(self, text: str, words: int) -> list[Hit]:
        """Every rule whose phrase or pattern matches ``text`` (of ``words`` words), in rule order."""
        found: list[Hit] = []
        low = normalize(text)
        if len(low) <= self._whole_len:
            whole = self._whole.get(_EDGE.sub("", low))
            if whole:
                found.extend(Hit(i, None) for i in whole)
        if self._has_phrases:
            found.extend(self._phrase_hits(low))
        chosen = self._set_for(words)
        if chosen is not None:
            patterns, members = chosen
            for k in patterns.Match(text) or ():
                index, compiled = self._patterns[members[k]]
                m = compiled.search(text)
                found.append(Hit(index, m.span() if m else None))
        found.sort(key=lambda h: h.rule)
        return found

    def _phrase_hits(self, low: str) -> list[Hit]:
        found = []
        lead = len(low) - len(_EDGE.sub("", low, count=1)) if low and not low[0].isalnum() else 0
        for end, entries in self._automaton.iter(low):
            for index, length in entries:
                start = end - length + 1
                if not _bounded(low, start, end + 1):
                    continue
                if self.rules[index].match == "start" and start != lead:
                    continue
                found.append(Hit(index, None))
        return found


def _bounded(text: str, start: int, stop: int) -> bool:
    """The phrase at text[start:stop] does not begin or end inside a word."""
    if start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        return False
    if stop < len(text) and text[stop].isalnum() and text[stop - 1].isalnum():
        return False
    return True
