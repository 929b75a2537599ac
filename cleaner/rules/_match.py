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
from ._prefilter import DIGIT, END, triggers

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
    return normalize_tokens(text.split())


def normalize_tokens(tokens: list[str]) -> str:
    """``normalize`` of a text already split at white space."""
    return " ".join(tokens).lower()


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
    """Finds, for one block, every phrase/pattern rule that matches it (before position gates).

    Phrases and the patterns' literal triggers (see ``_prefilter``) share one Aho-Corasick pass
    over the block's normalized text; a pattern runs only on blocks that show one of its
    triggers. Patterns with no usable trigger go into RE2 sets, one per block-length bucket.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = list(rules)
        self._automaton = ahocorasick.Automaton()
        self._whole: dict[str, list[int]] = {}
        self._patterns: list[tuple[int, re2._Regexp]] = []
        self._limits: list[int] = []
        phrase_rules: dict[str, list[tuple[int, int]]] = {}
        triggered: dict[str, set[int]] = {}
        lead: dict[str, set[int]] = {}
        always: list[int] = []
        for index, rule in enumerate(self.rules):
            for phrase in rule.phrases:
                if rule.match == "whole":
                    self._whole.setdefault(whole_form(phrase), []).append(index)
                else:
                    key = normalize(phrase)
                    phrase_rules.setdefault(key, []).append((index, len(key)))
            if rule.pattern is not None:
                k = len(self._patterns)
                self._patterns.append((index, re2.compile(translate_pattern(rule.pattern), _OPTIONS)))
                self._limits.append(rule.max_words or _UNLIMITED)
                found = triggers(rule.pattern)
                if found is None:
                    always.append(k)
                    continue
                for word in found.anywhere:
                    triggered.setdefault(word, set()).add(k)
                for word in found.lead:
                    lead.setdefault(word, set()).add(k)
        for key in phrase_rules.keys() | triggered.keys():
            entries = tuple(phrase_rules.get(key, ()))
            self._automaton.add_word(key, (entries, tuple(sorted(triggered.get(key, ())))))
        self._scan = bool(phrase_rules or triggered)
        if self._scan:
            self._automaton.make_automaton()
        self._lead_digit = tuple(sorted(lead.pop(DIGIT, ())))
        self._lead_end = tuple(sorted(lead.pop(END, ())))
        self._lead = {key: tuple(sorted(ks)) for key, ks in lead.items()}
        # The lengths worth looking up, by a trigger's first two characters (one-character
        # triggers are looked up by themselves).
        lengths: dict[str, set[int]] = {}
        for key in lead:
            lengths.setdefault(key[:2], set()).add(len(key))
        self._lead_lengths = {head: tuple(sorted(ls)) for head, ls in lengths.items()}
        # A block much longer than the longest whole-block phrase cannot be one of them.
        self._whole_len = max((len(k) for k in self._whole), default=-1) + 40
        self._sets = self._build_sets(always)

    def _build_sets(self, always: list[int]) -> list[tuple[int, re2.Set, list[int]]]:
        """A few RE2 sets by block length for the patterns with no trigger: the set for blocks of
        up to L words holds only the patterns whose rule allows blocks longer than the previous
        limit, so a long paragraph meets only the few patterns that apply to it."""
        sets = []
        previous = 0
        for limit in _LENGTH_BUCKETS:
            members = [k for k in always if self._limits[k] > previous]
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

    def hits(self, text: str, words: int, low: str | None = None) -> list[Hit]:
        """Every rule whose phrase or pattern matches ``text`` (of ``words`` words), in rule order.
        ``low`` is ``normalize(text)`` when the caller has it already."""
        found: list[Hit] = []
        if low is None:
            low = normalize(text)
        if len(low) <= self._whole_len:
            whole = self._whole.get(_EDGE.sub("", low))
            if whole:
                found.extend(Hit(i, None) for i in whole)
        lead = _lead(low)
        candidates: set[int] = set()
        if self._scan:
            for end, (entries, patterns) in self._automaton.iter(low):
                if patterns:
                    candidates.update(patterns)
                for index, length in entries:
                    start = end - length + 1
                    if not _bounded(low, start, end + 1):
                        continue
                    if self.rules[index].match == "start" and start != lead:
                        continue
                    found.append(Hit(index, None))
        if lead == len(low):
            candidates.update(self._lead_end)
        elif low[lead].isdigit():
            candidates.update(self._lead_digit)
        if self._lead and lead < len(low):
            table = self._lead
            for head in (low[lead], low[lead : lead + 2]):
                for length in self._lead_lengths.get(head, ()):
                    patterns = table.get(low[lead : lead + length])
                    if patterns:
                        candidates.update(patterns)
        chosen = self._set_for(words)
        if chosen is not None:
            members = chosen[1]
            candidates.update(members[k] for k in chosen[0].Match(text) or ())
        for k in candidates:
            if words > self._limits[k]:
                continue
            index, compiled = self._patterns[k]
            m = compiled.search(text)
            if m is not None:
                found.append(Hit(index, m.span()))
        if len(found) > 1:
            found.sort(key=lambda h: h.rule)
        return found


def _lead(low: str) -> int:
    """Where the first letter or digit of normalized text stands (its length when none does)."""
    if low and low[0].isalnum():
        return 0
    m = _FIRST_ALNUM.search(low)
    return m.start() if m else len(low)


_FIRST_ALNUM = re.compile(r"[^\W_]")


def _bounded(text: str, start: int, stop: int) -> bool:
    """The phrase at text[start:stop] does not begin or end inside a word."""
    if start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        return False
    if stop < len(text) and text[stop].isalnum() and text[stop - 1].isalnum():
        return False
    return True
