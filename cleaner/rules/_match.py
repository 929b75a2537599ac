"""Phrase and pattern matching for all text rules at once.

Phrases of every rule, and the literal triggers of their patterns, go into Aho-Corasick
automata that scan a whole document in one pass whatever the number of rules; patterns run in
RE2 only on the blocks that showed a trigger. Both run in linear time, so a user's pattern
cannot backtrack catastrophically.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import add
from typing import Any

import ahocorasick
import re2

from .._errors import RuleError
from ._prefilter import DIGIT, END, triggers
from ._rule import Rule
from ._shape import normalize_tokens

_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_OPTIONS.case_sensitive = False
_OPTIONS.max_mem = 64 << 20
_KEYS = re2.Options()
_KEYS.log_errors = False
_KEYS.max_mem = _OPTIONS.max_mem
_UNLIMITED = 1 << 30
_HEAD = "\x02"
"""Marks where a block's opening starts in the second scan (never in normalized text)."""
_LONG = 45
"""Blocks of more words are searched only for the keys of rules that reach such lengths (with
the shipped rules: a few rules, whose keys few documents hold) before the automaton."""
_MAX_FAR_KEYS = 10_000
_KEY_SEARCH_AFTER = 1_000_000
"""Characters a matcher scans with its automaton alone before it compiles its key searches:
those save ~15 ns a character and cost ~65 ms to compile, so a process that cleans one small
file does better without them. Either way the scan finds the same hits."""
"""More keys than this make RE2's search slower than the automaton (its DFA outgrows its
memory): long blocks are then always scanned."""


def normalize(text: str) -> str:
    """Lowercase, white space folded to single spaces (the form phrases are matched in)."""
    return normalize_tokens(text.split())


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


_SET_CHECK_SIZE = 100_000
"""Programs larger than this are tried as a set at load (the shipped ones are under 40,000;
trying every pattern would cost about 20 ms each)."""


def _fits_a_set(pattern: str) -> bool:
    """Whether RE2 compiles the pattern into a set, as :class:`TextMatcher` runs a pattern with
    no trigger (a pattern can compile alone and still be too large for a set)."""
    patterns = re2.Set.SearchSet(_OPTIONS)
    patterns.Add("(?m)" + pattern)
    try:
        patterns.Compile()
    except re2.error:
        return False
    return True


def check_pattern(pattern: str) -> str | None:
    """What is wrong with a rule pattern, or None. Refuses patterns that match everything."""
    try:
        compiled = re2.compile(translate_pattern(pattern), _OPTIONS)
    except re2.error as exc:
        detail = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        return f"invalid or unsupported regular expression (RE2 syntax: no look-around or back-references): {detail}"
    if compiled.programsize > _SET_CHECK_SIZE and not _fits_a_set(compiled.pattern):
        return ("pattern is too large to run (RE2 cannot compile it into a set within its memory "
                "budget): use a smaller repeat count or a simpler character class")
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


_NO_HITS: tuple[Hit, ...] = ()


class TextMatcher:
    """Finds, for every block of a document, each phrase/pattern rule that matches it and whose
    ``max_words`` it does not exceed (before position gates).

    A document is scanned as a whole, twice, by two Aho-Corasick automata: one over the blocks'
    normalized texts (phrases matched anywhere, and the patterns' ``anywhere`` triggers, see
    ``_prefilter``), one over each block's opening (``\\x02`` and its text from the first letter
    or digit: phrases matched at the start, and ``lead`` triggers). A pattern then runs only on
    the blocks that show one of its triggers; the few patterns with no usable trigger first run
    as one RE2 set over the whole document. Whole-block phrases are one dictionary lookup.

    The first automaton runs over blocks of more than ``_LONG`` words only when one RE2 search
    over them finds a key of a rule that reaches that far (``_far_keys``): those blocks are the
    body paragraphs, half of the text, and the automaton is the slowest part of the scan.
    Both key searches start once the matcher has scanned ``_KEY_SEARCH_AFTER`` characters.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = list(rules)
        self._whole: dict[str, list[int]] = {}
        self._patterns: list[tuple[int, _Regex]] = []
        self._limits: list[int] = []
        self._reach = [rule.max_words or _UNLIMITED for rule in self.rules]
        """The most words a block can have for each rule's phrases to count in it."""
        anywhere: dict[str, tuple[list[tuple[int, int]], set[int]]] = {}
        heads: dict[str, tuple[list[tuple[int, int]], set[int]]] = {}
        always: list[int] = []
        for index, rule in enumerate(self.rules):
            for phrase in rule.phrases:
                if rule.match == "whole":
                    self._whole.setdefault(whole_form(phrase), []).append(index)
                    continue
                key = normalize(phrase)
                table = heads if rule.match == "start" else anywhere
                table.setdefault(key, ([], set()))[0].append((index, len(key)))
            if rule.pattern is not None:
                k = len(self._patterns)
                self._patterns.append((index, _Regex(translate_pattern(rule.pattern))))
                self._limits.append(rule.max_words or _UNLIMITED)
                found = triggers(rule.pattern)
                if found is None:
                    always.append(k)
                    continue
                for word in found.anywhere:
                    anywhere.setdefault(word, ([], set()))[1].add(k)
                for word in found.lead:
                    heads.setdefault(word, ([], set()))[1].add(k)
        digit = heads.pop(DIGIT, ([], set()))[1]
        end = heads.pop(END, ([], set()))[1]
        self._lead_digit = tuple(sorted(digit))
        self._lead_end = tuple(sorted(end))
        self._anywhere = _automaton(anywhere)
        self._any_key = _any_of(list(anywhere)) if len(anywhere) <= _MAX_FAR_KEYS else None
        """One RE2 search for all keys of the first automaton, on UTF-8 (None: too many keys)."""
        self._far_keys = self._keys_beyond(anywhere, _LONG)
        self._heads = _automaton({_HEAD + key: value for key, value in heads.items()})
        self._head_span = max((len(k) for k in heads), default=0)
        """How much of a block's opening the second scan needs to see."""
        # A block much longer than the longest whole-block phrase cannot be one of them.
        self._whole_len = max((len(k) for k in self._whole), default=-1) + 40
        self._always = always
        self._always_reach = max((self._limits[k] for k in always), default=0)
        self._document_patterns = self._document_set(always)
        self._scanned = 0
        """Characters scanned so far (see ``_KEY_SEARCH_AFTER``)."""

    def _keys_beyond(self, keys: dict[str, tuple[list[tuple[int, int]], set[int]]],
                     words: int) -> _Regex | None:
        """One RE2 search for the keys of ``keys`` that count in a block of more than ``words``
        words (a phrase of a rule with a greater ``max_words``, a trigger of such a pattern), or
        None when there are none."""
        far = [key for key, (entries, patterns) in keys.items()
               if any(self._reach[index] > words for index, _ in entries)
               or any(self._limits[k] > words for k in patterns)]
        if not far:
            return None
        if len(far) > _MAX_FAR_KEYS:
            far = [""]  # the empty key shows in any text
        return _any_of(far)

    def _document_set(self, always: list[int]) -> _RegexSet | None:
        """One RE2 set of the patterns with no trigger, in multi-line mode, to run once over a
        document's blocks joined by line breaks: a block that matches a pattern makes the
        document match it too (``^`` and ``$`` match at the joins), so only the patterns the
        document matches are then run block by block."""
        if not always:
            return None
        return _RegexSet(["(?m)" + translate_pattern(self.rules[self._patterns[k][0]].pattern or "")
                          for k in always])

    def hits(self, text: str, words: int, low: str | None = None) -> list[Hit]:
        """Every rule whose phrase or pattern matches ``text`` (of ``words`` words), in rule order.
        ``low`` is ``normalize(text)`` when the caller has it already."""
        return list(self.scan([text], [normalize(text) if low is None else low], [words])[0])

    def scan(self, texts: Sequence[str], lows: Sequence[str | None],
             words: Sequence[int]) -> list[Sequence[Hit]]:
        """:meth:`hits` for every block of a document at once; ``lows[i]`` is the block's
        normalized text, or None for a block no text rule can apply to (too long)."""
        found: dict[int, list[Hit]] = {}
        candidates: dict[int, set[int]] = {}
        order: list[int] = []
        leads: list[int] = []
        pieces: list[str] = []
        opening: list[str] = []
        whole, whole_len, span = self._whole, self._whole_len, self._head_span
        for i, low in enumerate(lows):
            if low is None:
                continue
            lead = 0 if low and low[0].isalnum() else _lead(low)
            if whole and len(low) <= whole_len:
                stop = len(low)
                while stop > lead and not low[stop - 1].isalnum():
                    stop -= 1
                rules = whole.get(low[lead:stop])
                if rules:
                    hits = [Hit(r, None) for r in rules if words[i] <= self._reach[r]]
                    if hits:
                        found[i] = hits
            if lead == len(low):
                if self._lead_end:
                    candidates.setdefault(i, set()).update(self._lead_end)
            elif self._lead_digit and low[lead].isdigit():
                candidates.setdefault(i, set()).update(self._lead_digit)
            order.append(i)
            leads.append(lead)
            pieces.append(low)
            opening.append(low[lead : lead + span])
        if order:
            near, near_order = pieces, order
            if self._scanned > _KEY_SEARCH_AFTER:
                near, near_order = self._worth_scanning(near, near_order, words)
                near, near_order = self._showing_keys(near, near_order)
            else:
                self._scanned += sum(map(len, pieces))
            self._scan_all(self._anywhere, near, near_order, None, lows, words, found, candidates)
            self._scan_all(self._heads, opening, order, leads, lows, words, found, candidates)
            self._triggerless(texts, words, order, candidates)
            for i, picked in candidates.items():
                self._run_patterns(texts[i], words[i], picked, found, i)
        out: list[Sequence[Hit]] = [_NO_HITS] * len(texts)
        for i, hits in found.items():
            if len(hits) > 1:
                hits.sort(key=_rule_of)
            out[i] = hits
        return out

    def _worth_scanning(self, pieces: list[str], order: list[int],
                        words: Sequence[int]) -> tuple[list[str], list[int]]:
        """The pieces (and their blocks) the first automaton must scan: all of them, unless
        the long blocks hold no key that counts in them."""
        near = [j for j, i in enumerate(order) if words[i] <= _LONG]
        if len(near) < len(order):
            far = "\n".join(pieces[j] for j, i in enumerate(order) if words[i] > _LONG)
            if self._far_keys is None or self._far_keys.find(far.encode("utf-8")) is None:
                return [pieces[j] for j in near], [order[j] for j in near]
        return pieces, order

    def _showing_keys(self, pieces: list[str], order: list[int]) -> tuple[list[str], list[int]]:
        """The pieces (and their blocks) in which a key of the first automaton occurs.

        Most blocks hold none, and the automaton takes about 130 instructions a character where
        RE2's DFA over the same keys takes a few: one RE2 scan of the pieces (joined by line
        breaks, which no key holds) finds the first key in each piece that has one, and the
        automaton then runs over those pieces only, finding the same matches in the same order."""
        if self._any_key is None:
            return pieces, order
        data = "\n".join(pieces).encode("utf-8")
        showing: list[int] = []
        j = at = 0  # piece j starts at byte `at`
        span = self._any_key.find(data)
        while span is not None:
            start, stop = span
            j += data.count(b"\n", at, start)
            showing.append(j)
            at = data.find(b"\n", stop) + 1
            if not at:  # the last piece
                break
            j += 1
            span = self._any_key.find(data, at)
        return [pieces[j] for j in showing], [order[j] for j in showing]

    def _scan_all(self, automaton: Any, pieces: list[str], order: list[int],
                  leads: list[int] | None, lows: Sequence[str | None], words: Sequence[int],
                  found: dict[int, list[Hit]], candidates: dict[int, set[int]]) -> None:
        """One automaton over the pieces of all blocks, joined by line breaks (which no
        normalized text holds, so no match spans two blocks). With ``leads``, each piece is a
        block's opening and gets a start marker."""
        if automaton is None:
            return
        marker = _HEAD if leads is not None else ""
        step = len(marker) + 1
        starts = [0, *accumulate(map(add, map(len, pieces), repeat(step)))]
        joined = marker + ("\n" + marker).join(pieces)
        for end, (entries, patterns) in automaton.iter(joined):
            j = bisect_right(starts, end) - 1
            i = order[j]
            if patterns:
                candidates.setdefault(i, set()).update(patterns)
            if not entries:
                continue
            low = lows[i] or ""
            for index, length in entries:
                if words[i] > self._reach[index]:
                    continue
                if leads is not None:
                    start = leads[j]
                else:
                    start = end - length + 1 - starts[j]
                if _bounded(low, start, start + length):
                    found.setdefault(i, []).append(Hit(index, None))

    def _triggerless(self, texts: Sequence[str], words: Sequence[int], order: list[int],
                     candidates: dict[int, set[int]]) -> None:
        """Make each pattern with no trigger that the document matches a candidate of every
        block it could match (by length)."""
        if self._document_patterns is None:
            return
        reach = self._always_reach
        joined = "\n".join(texts[i] for i in order if words[i] <= reach)
        matched = self._document_patterns.match(joined.encode("utf-8")) if joined else None
        for n in matched or ():
            k = self._always[n]
            limit = self._limits[k]
            for i in order:
                if words[i] <= limit:
                    candidates.setdefault(i, set()).add(k)

    def _run_patterns(self, text: str, words: int, picked: set[int],
                      found: dict[int, list[Hit]], i: int) -> None:
        data = text.encode("utf-8")
        for k in picked:
            if words > self._limits[k]:
                continue
            index, regex = self._patterns[k]
            m = regex.search(text, data)
            if m is not None:
                found.setdefault(i, []).append(Hit(index, m))


def _automaton(keys: dict[str, tuple[list[tuple[int, int]], set[int]]]) -> Any:
    """An Aho-Corasick automaton whose values are ``(phrase entries, pattern numbers)``, or
    None when there is nothing to find."""
    if not keys:
        return None
    automaton = ahocorasick.Automaton()
    for key, (entries, patterns) in keys.items():
        automaton.add_word(key, (tuple(entries), tuple(sorted(patterns))))
    automaton.make_automaton()
    return automaton


def _any_of(keys: list[str]) -> _Regex | None:
    """An RE2 search on UTF-8 bytes for any of ``keys`` (case-sensitive), or None for no keys."""
    if not keys:
        return None
    return _Regex("|".join(re2.escape(key) for key in sorted(keys)).encode("utf-8"))


class _Regex:
    """An RE2 program compiled on its first search (a document whose key search selects its
    rule), so loading a matcher costs no RE2 compilation; pickled as its pattern, since RE2
    objects cannot be. A ``str`` pattern is a rule pattern (case-insensitive, searched in
    text); a ``bytes`` one is a key search (case-sensitive, on UTF-8 bytes).

    A search calls the RE2 program itself (see ``_program``): the wrapper's ``search`` spends
    more instructions building its match object than the DFA spends on a typical document."""

    __slots__ = ("pattern", "_built")

    def __init__(self, pattern: str | bytes) -> None:
        self.pattern = pattern
        self._built: tuple[Any, Any] | None = None

    def __getstate__(self) -> str | bytes:
        return self.pattern

    def __setstate__(self, pattern: str | bytes) -> None:
        self.pattern = pattern
        self._built = None

    def _compiled(self) -> tuple[Any, Any]:
        built = self._built
        if built is None:  # two threads may both compile it: the same program either way
            options = _OPTIONS if isinstance(self.pattern, str) else _KEYS
            compiled = re2.compile(self.pattern, options)
            built = self._built = (compiled, _program(compiled))
        return built

    def search(self, text: str, data: bytes) -> tuple[int, int] | None:
        """Where the pattern first matches ``text`` (``data`` is its UTF-8), in characters."""
        compiled, program = self._compiled()
        if program is None:
            m = compiled.search(text)
            return None if m is None else (m.start(), m.end())
        span = _byte_span(program, data)
        if span is None:
            return None
        start, stop = span
        return len(data[:start].decode("utf-8")), len(data[:stop].decode("utf-8"))

    def find(self, data: bytes, pos: int = 0) -> tuple[int, int] | None:
        """Where the first match at or after byte ``pos`` starts and ends, or None."""
        compiled, program = self._compiled()
        if program is None:
            m = compiled.search(data, pos)
            return None if m is None else (m.start(), m.end())
        return _byte_span(program, data, pos)


class _RegexSet:
    """An RE2 set of patterns, compiled on first use and pickled as its patterns."""

    __slots__ = ("patterns", "_built")

    def __init__(self, patterns: list[str]) -> None:
        self.patterns = patterns
        self._built: Any = None

    def __getstate__(self) -> list[str]:
        return self.patterns

    def __setstate__(self, patterns: list[str]) -> None:
        self.patterns = patterns
        self._built = None

    def match(self, data: bytes) -> list[int]:
        """The numbers of the patterns that match somewhere in ``data``."""
        built = self._built
        if built is None:
            built = re2.Set.SearchSet(_OPTIONS)
            for pattern in self.patterns:
                built.Add(pattern)
            try:
                built.Compile()
            except re2.error as exc:
                raise RuleError("rule patterns are too large to run together (RE2 cannot compile "
                                "them into one set); simplify the largest of them") from exc
            self._built = built
        return list(built.Match(data) or ())


def _program(compiled: Any) -> Any:
    """The RE2 program inside google-re2's wrapper, to be run on UTF-8 bytes the caller encoded
    once per block: the wrapper's own ``search`` encodes the text again and translates offsets
    for each call. None (use ``search``) if a later google-re2 keeps it elsewhere."""
    program = getattr(compiled, "_regexp", None)
    anchor = getattr(re2, "_Anchor", None)
    return program if anchor is not None and hasattr(program, "Match") else None


def _byte_span(program: Any, data: bytes, pos: int = 0) -> tuple[int, int] | None:
    """Where a program from :func:`_program` first matches ``data`` at or after byte ``pos``."""
    start, stop = program.Match(re2._Anchor.UNANCHORED, data, pos, len(data))[0]
    return None if start < 0 else (start, stop)


def _rule_of(hit: Hit) -> int:
    return hit.rule


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
