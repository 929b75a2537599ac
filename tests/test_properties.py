"""Invariants on any text: never raises, only removes whole blocks in order, idempotent, deterministic."""

from __future__ import annotations

from _examples import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner import Cleaned
from cleaner.blocks import segment_text

CLEANER = cleaner.Cleaner()
SECOND = cleaner.Cleaner()

_LINES = st.sampled_from([
    "Advertisement", "Read more: Mayor Faces Recall Vote Over Leaf Blower Ban", "Related:",
    "Share this article", ", , , ,", "By Jane Doe", "Submit a Correction →", "Tags:",
    "The council approved the plan on Tuesday after a long debate.",
    "Residents said they were relieved.", "What Happens Next",
    "Retired Teacher Wins State Lottery Twice in One Year: 'I Still Can't Believe It'",
    "This article originally appeared on The Harbour Ledger.", "• first item", "",
])
_TEXT = st.one_of(
    st.text(),
    st.lists(st.one_of(_LINES, st.text(max_size=40)), max_size=25).map("\n".join),
    st.lists(_LINES, max_size=25).map("\n\n".join),
)


def render(c: Cleaned) -> str:
    """The document a cleaned result stands for: its headline, then its body."""
    return f"{c.title}\n\n{c.text}" if c.title else c.text


def is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(s == b for b in it) for s in small)


@settings(max_examples=examples(300), suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_TEXT)
def test_never_raises_and_keeps_whole_blocks_in_order(text: str) -> None:
    result = CLEANER.clean_text(text)
    inputs = [b.text for b in segment_text(text)]
    kept = [b.text for b in result.kept]
    assert is_subsequence(kept, inputs)
    assert result.text == "\n\n".join(kept)
    assert len(result.removed) + len(kept) + (result.title is not None) == len(inputs)


@settings(max_examples=examples(300), suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_TEXT)
def test_idempotent(text: str) -> None:
    once = CLEANER.clean_text(text)
    twice = CLEANER.clean_text(render(once))
    assert (twice.title, twice.text) == (once.title, once.text)
    assert twice.removed == []


@settings(max_examples=examples(100), deadline=None)
@given(_TEXT)
def test_deterministic(text: str) -> None:
    assert CLEANER.clean_text(text).to_dict() == SECOND.clean_text(text).to_dict()


_SPACED = st.lists(
    st.one_of(st.text(max_size=12), st.sampled_from(["東京都の新しい計画", "서울시", "naïve", "“quoted”"])),
    max_size=30,
).flatmap(lambda words: st.lists(
    st.sampled_from([" ", "  ", "   ", "\n", " \n ", "\t", "\xa0", "\xa0 ", "\u3000", "\u2009"]),
    min_size=len(words), max_size=len(words),
).map(lambda seps: "".join(w + s for w, s in zip(words, seps))))


@settings(max_examples=examples(400), deadline=None)
@given(st.one_of(_SPACED, st.text()))
def test_shape_counts_words_and_folds_space_as_splitting_would(text: str) -> None:
    """The shortcuts for plain-spaced text give what splitting at white space gives."""
    from cleaner._model import Block
    from cleaner.rules._match import normalize
    from cleaner.rules._shape import _CJK, shape

    s = shape(Block(text))
    tokens = text.split()
    assert s.words == max(len(tokens), len(_CJK.findall(text)) // 2)
    assert s.low == normalize(text)
    assert s.tokens == tokens


@settings(max_examples=examples(300), deadline=None)
@given(st.one_of(st.text(), _SPACED, st.from_regex(r"[a-z0-9_ ,.'-]{0,60}", fullmatch=True)))
def test_stems_are_five_letter_heads_of_words_that_are_not_numbers(text: str) -> None:
    import re

    from cleaner.rules._detectors import _stems

    words = re.findall(r"\w{4,}", text.lower())
    assert _stems(text) == {w[:5] for w in words if not re.fullmatch(r"\d+", w)}
