"""The literal prefilter may only skip blocks a pattern cannot match.

Soundness is checked three ways: every drop example of every shipped pattern rule shows one of
its triggers; on generated text built from the patterns' own words, a pattern never matches a
block the prefilter would skip; and the matcher with prefilters finds exactly what running every
pattern on every block finds.
"""

from __future__ import annotations

import functools
import re

import pytest
import re2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.rules import _match
from cleaner.rules._match import (
    _OPTIONS,
    TextMatcher,
    _bounded,
    _lead,
    normalize,
    translate_pattern,
    whole_form,
)
from cleaner.rules._prefilter import Triggers, triggers

PATTERN_RULES = [r for r in cleaner.Cleaner().rules if r.pattern]


def shows(found: Triggers, text: str) -> bool:
    low = normalize(text)
    return found.shown_in(low, _lead(low))


@pytest.mark.parametrize("rule", PATTERN_RULES, ids=lambda r: r.id)
def test_drop_examples_show_a_trigger(rule: cleaner.Rule) -> None:
    found = triggers(rule.pattern or "")
    if found is None:
        pytest.skip("no prefilter: the pattern runs on every block")
    compiled = re2.compile(translate_pattern(rule.pattern or ""), _OPTIONS)
    for example in rule.examples_drop:
        if compiled.search(example):
            assert shows(found, example), example


def test_most_shipped_patterns_get_a_prefilter() -> None:
    with_triggers = [r.id for r in PATTERN_RULES if triggers(r.pattern or "") is not None]
    assert len(with_triggers) >= 0.8 * len(PATTERN_RULES)


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        (r"^[^\pL\pN]*(?:read\s+more|see\s+also)\b", "» Read   More: x", True),
        (r"^[^\pL\pN]*(?:read\s+more|see\s+also)\b", "We read more books", False),
        (r"\bappeared\s+originally\s+on\b", "It APPEARED\toriginally on X.", True),
        (r"\bappeared\s+originally\s+on\b", "It appeared first on X.", False),
        (r"(?:©|\(c\))\s*\d{4}", "Text © 2024 Reuters", True),
        # Markers: no letter or digit at all; a digit first.
        (r"^[^\pL\pN]+$", ", , , ,", True),
        (r"^[^\pL\pN]+$", ", , a ,", False),
        (r"^[^\pL\pN]*\d+\s*[km]?$", "» 12k", True),
        (r"^[^\pL\pN]*\d+\s*[km]?$", "Twelve", False),
        # A digit at the start is weak: a required word is preferred when there is one.
        (r"^[^\pL\pN]*\d+\s+comments$", "Twelve comments", True),
        (r"^[^\pL\pN]*\d+\s+comments$", "12 replies", False),
    ],
)
def test_triggers(pattern: str, text: str, expected: bool) -> None:
    found = triggers(pattern)
    assert found is not None
    assert shows(found, text) is expected


@pytest.mark.parametrize("pattern", [r"^\w+$", r"^[a-z]{2}\d$", r"\w+", r"(?:a|b)c", r"\Qx\E"])
def test_no_prefilter_when_nothing_selective_follows(pattern: str) -> None:
    assert triggers(pattern) is None


def _fragments() -> list[str]:
    words: set[str] = set()
    for rule in PATTERN_RULES:
        found = triggers(rule.pattern or "")
        if found is not None:
            words.update(list(found.lead)[:8])
            words.update(list(found.anywhere)[:8])
        for example in rule.examples_drop[:3]:
            words.update(example.split()[:6])
    return sorted(words)


_PIECES = st.sampled_from(_fragments() + [" ", "  ", "\t", ",", ".", ":", "»", "(", ")", "|", "©",
                                           "2024", "The", "news", "Photo", "AP", "By", "\u00a0"])
_COMPILED = [(r, re2.compile(translate_pattern(r.pattern or ""), _OPTIONS), triggers(r.pattern or ""))
             for r in PATTERN_RULES]


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=12).map(" ".join))
def test_prefilter_never_hides_a_match(text: str) -> None:
    for rule, compiled, found in _COMPILED:
        if found is not None and compiled.search(text):
            assert shows(found, text), (rule.id, text)


def test_matcher_equals_running_every_pattern() -> None:
    engine = cleaner.Cleaner()._engine
    matcher = engine.matcher
    texts = [e for r in engine.text_rules for e in (*r.examples_drop, *r.examples_keep)]
    for text in texts:
        words = len(text.split())
        got = {matcher.rules[h.rule].id for h in matcher.hits(text, words)
               if matcher.rules[h.rule].pattern}
        want = {r.id for r, compiled, _ in _COMPILED
                if r in matcher.rules and compiled.search(text) and words <= (r.max_words or 10**9)}
        assert got == want, text


def test_document_scan_equals_block_by_block() -> None:
    """Scanning a document at once attributes every hit to its own block: nothing leaks across
    the joins, whatever the neighbours."""
    matcher = cleaner.Cleaner()._engine.matcher
    texts = [e for r in matcher.rules for e in (*r.examples_drop, *r.examples_keep)]
    texts += ["→", "1", "  (c) ", "Page 2 of 3", "Read more →"]
    lows = [normalize(t) for t in texts]
    words = [len(t.split()) for t in texts]
    one_by_one = [matcher.hits(t, w) for t, w in zip(texts, words)]
    assert any(one_by_one)
    for order in (texts, texts[::-1]):
        index = [texts.index(t) for t in order]
        got = matcher.scan(order, [lows[i] for i in index], [words[i] for i in index])
        assert [list(h) for h in got] == [one_by_one[i] for i in index]
    skipped = matcher.scan(texts, [None] * len(texts), words)
    assert not any(skipped)


def test_long_blocks_find_what_looking_for_every_key_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of more than ``_LONG`` words are scanned only when a key that counts at their
    length shows; the hits are those of scanning them always, and do not depend on whether a
    neighbour shows such a key."""
    matcher = cleaner.Cleaner()._engine.matcher
    filler = " ".join(["word"] * _match._LONG)
    pieces = [e for r in matcher.rules for e in (*r.examples_drop, *r.examples_keep)]
    pieces += [p for r in matcher.rules for p in r.phrases[:3]]
    texts = [f"{filler} {p}" for p in pieces] + [f"{p} {filler}" for p in pieces]
    lows = [normalize(t) for t in texts]
    words = [len(t.split()) for t in texts]
    got = [list(h) for h in matcher.scan(texts, lows, words)]
    alone = [list(matcher.scan([t], [low], [w])[0]) for t, low, w in zip(texts, lows, words)]
    monkeypatch.setattr(_match, "_MAX_FAR_KEYS", 0)
    too_many_keys = TextMatcher(matcher.rules)
    always = [list(h) for h in too_many_keys.scan(texts, lows, words)]
    monkeypatch.setattr(_match, "_LONG", 10**9)
    every_key = [list(h) for h in matcher.scan(texts, lows, words)]
    assert any(got)
    assert got == every_key == alone == always


def _phrase_rules_by_definition(matcher: TextMatcher, text: str) -> set[int]:
    """Which phrase rules match ``text``, straight from their definition, one phrase at a time."""
    low = normalize(text)
    lead = _lead(low)
    out = set()
    for index, rule in enumerate(matcher.rules):
        if rule.max_words and len(text.split()) > rule.max_words:
            continue
        for phrase in rule.phrases:
            if rule.match == "whole":
                if whole_form(phrase) == whole_form(text):
                    out.add(index)
                continue
            key = normalize(phrase)
            at = low.find(key)
            while at >= 0:
                if _bounded(low, at, at + len(key)) and (rule.match != "start" or at == lead):
                    out.add(index)
                at = low.find(key, at + 1)
    return out


def test_phrase_hits_follow_their_definition() -> None:
    matcher = cleaner.Cleaner()._engine.matcher
    texts = [e for r in matcher.rules for e in (*r.examples_drop, *r.examples_keep)]
    texts += ["→", "  (c) ", "Read more →", "» Read more", "read more about it"]
    # every phrase inside a longer word, and after a word: hits only where boundaries allow
    texts += [f"un{p}ed" for r in matcher.rules for p in r.phrases[:3]]
    texts += [f"And {p}" for r in matcher.rules for p in r.phrases[:3]]
    texts += [f"{p} {'and so on ' * r.max_words}" for r in matcher.rules for p in r.phrases[:3]]
    for text in texts:
        got = {h.rule for h in matcher.hits(text, len(text.split()))
               if matcher.rules[h.rule].phrases}
        assert got == _phrase_rules_by_definition(matcher, text), text


def test_pattern_python_cannot_read_has_no_prefilter() -> None:
    assert triggers(r"subscribe\C+now") is None  # RE2's any-byte escape


# Random patterns from a small grammar, random texts: a match must always show a trigger.
_WORDS = ["abc", "bca", "cab", "ab c", "aab", "ca"]
_ATOMS = st.sampled_from([r"\s+", r"\s*", "[ab]", r"\d", r"\d+", r"\w", " ", ".", r"\b", "[.,]"])


def _regex() -> st.SearchStrategy[str]:
    leaf = st.one_of(st.sampled_from(_WORDS).map(re.escape), _ATOMS)
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=4).map("".join),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: "(?:" + "|".join(xs) + ")"),
            st.tuples(inner, st.sampled_from(["?", "+", "*", "{1,2}", "{0,3}"])).map(
                lambda t: f"(?:{t[0]}){t[1]}"),
        ),
        max_leaves=8,
    )


_PATTERNS = st.tuples(st.sampled_from(["", "^", r"^[^\pL\pN]*", r"^\s*"]), _regex(),
                      st.sampled_from(["", "$", r"[^\pL\pN]*$"])).map("".join)
_TEXTS = st.lists(st.sampled_from(["a", "b", "c", "A", "B", "C", " ", "  ", "\t", ".", ",", "1",
                                   "22", "»", "abc", "bca", "cab", "AB C"]), max_size=14).map("".join)


def _python(pattern: str) -> str:
    """The same pattern in Python's syntax, to generate texts that match it."""
    return pattern.replace(r"[^\pL\pN]", r"[\W_]")


@settings(max_examples=800, suppress_health_check=list(HealthCheck), deadline=None)
@given(st.data())
def test_prefilter_sound_on_random_patterns(data: st.DataObject) -> None:
    pattern = data.draw(_PATTERNS)
    found = triggers(pattern)
    if found is None:
        return
    text = data.draw(st.one_of(_TEXTS, st.from_regex(_python(pattern), fullmatch=True)))
    compiled = re2.compile(translate_pattern(pattern), _OPTIONS)
    if compiled.search(text):
        assert shows(found, text), (pattern, text, found)


@functools.cache
def _scan_every_block() -> TextMatcher:
    """The shipped rules' matcher with too many keys for RE2: the first automaton then scans
    every block rather than only those an RE2 search shows a key in."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_match, "_MAX_FAR_KEYS", 0)
        return TextMatcher(cleaner.Cleaner()._engine.matcher.rules)


_MATCHER = cleaner.Cleaner()._engine.matcher
_BLOCK_PIECES = st.sampled_from(
    [e for r in _MATCHER.rules for e in (*r.examples_drop[:2], *r.examples_keep[:1])]
    + [p for r in _MATCHER.rules for p in r.phrases[:2]]
    + ["→", "©", "(c)", "»", "Wörter über Straßen", "plain words here", "1.", "“Quoted”"])


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.lists(_BLOCK_PIECES, min_size=1, max_size=3).map(" ".join),
                min_size=1, max_size=12))
def test_scanning_only_blocks_that_show_a_key_finds_every_hit(texts: list[str]) -> None:
    lows = [normalize(t) for t in texts]
    words = [len(t.split()) for t in texts]
    got = [list(h) for h in _MATCHER.scan(texts, lows, words)]
    assert got == [list(h) for h in _scan_every_block().scan(texts, lows, words)]
