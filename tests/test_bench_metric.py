"""The benchmark metric (bench/_metric.py): Zyte shingle metric and trafilatura-eval snippets."""

from __future__ import annotations

import json
import math
import os
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench import _metric as m
from bench import _peers


def bench_data_dir() -> Path:
    env = os.environ.get("CLEANER_BENCH_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "bench"


def reference_counts(true: str, pred: str) -> tuple[float, float, float]:
    """A literal transcription of evaluate.py's key-by-key loop, as an oracle."""

    def grams(text: str) -> dict[tuple[str, ...], int]:
        tokens = re.findall(r"\w+", text)
        out = [tuple(tokens[i : i + 4]) for i in range(max(1, len(tokens) - 3))]
        return dict(Counter(s for s in out if s))

    a, b = grams(true), grams(pred)
    tp = fp = fn = 0.0
    for key in set(a) | set(b):
        t, p = a.get(key, 0), b.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s > 0 else (tp, fp, fn)


def test_perfect_match_scores_one() -> None:
    text = "The quick brown fox jumps over the lazy dog, twice."
    s = m.score_pages([(text, text), ("a b c d e", "a b c d e")])
    assert (s.f1, s.precision, s.recall, s.accuracy) == (1.0, 1.0, 1.0, 1.0)


def test_disjoint_scores_zero() -> None:
    assert m.page_counts("alpha beta gamma delta", "one two three four") == (0.0, 0.5, 0.5)
    s = m.score_pages([("alpha beta gamma delta", "one two three four")])
    assert (s.f1, s.precision, s.recall, s.accuracy) == (0.0, 0.0, 0.0, 0.0)


def test_partial_case_by_hand() -> None:
    # gold shingles: abcd bcde cdef; pred: abcd bcde cdex -> tp 2, fp 1, fn 1 (normalised by 4)
    assert m.page_counts("a b c d e f", "a b c d e x") == (0.5, 0.25, 0.25)
    s = m.score_pages([("a b c d e f", "a b c d e x"), ("p q r s", "p q r s")])
    assert s.precision == pytest.approx((2 / 3 + 1) / 2)
    assert s.recall == pytest.approx((2 / 3 + 1) / 2)
    assert s.f1 == pytest.approx(5 / 6)
    assert s.accuracy == 0.5


def test_f1_is_harmonic_mean_of_the_means_not_mean_of_f1() -> None:
    # page 1: gold abcd bcda cdab dabc abcd, pred abcd -> tp 1, fn 4: P 1, R 0.2
    # page 2: the mirror image -> P 0.2, R 1. Per-page F1 would be 1/3 each; the metric gives 0.6.
    assert m.page_counts("a b c d a b c d", "a b c d") == (0.2, 0.0, 0.8)
    assert m.page_counts("w x y z", "w x y z . w x y z") == (0.2, 0.8, 0.0)
    s = m.score_pages([("a b c d a b c d", "a b c d"), ("w x y z", "w x y z . w x y z")])
    assert s.precision == pytest.approx(0.6)
    assert s.recall == pytest.approx(0.6)
    assert s.f1 == pytest.approx(0.6)


def test_short_texts_make_one_shorter_shingle() -> None:
    assert m.shingles(m.tokenize("hello world")) == Counter({("hello", "world"): 1})
    assert m.page_counts("hello world", "hello world") == (1.0, 0.0, 0.0)
    # ("hello", "world") vs ("hello", "world", "again"): no shingle in common
    assert m.page_counts("hello world", "hello world again") == (0.0, 0.5, 0.5)
    # gold: 2 four-token shingles; pred: one 3-token shingle -> tp 0, fp 1, fn 2
    assert m.page_counts("one two three four five", "one two three") == (0.0, 1 / 3, 2 / 3)


def test_empty_prediction_counts_for_recall_only() -> None:
    assert m.page_counts("some gold text here", "") == (0.0, 0.0, 1.0)
    s = m.score_pages([("some gold text here", ""), ("a b c d", "a b c d")])
    assert s.precision == 1.0  # the empty prediction is not in the precision mean
    assert s.recall == 0.5
    assert m.score_pages([("some gold text here", None)]).recall == 0.0


def test_empty_gold_counts_for_precision_only() -> None:
    s = m.score_pages([("", "spurious words in output"), ("a b c d", "a b c d")])
    assert s.precision == 0.5
    assert s.recall == 1.0


def test_both_empty_is_skipped_and_no_page_gives_nan() -> None:
    assert m.page_counts("", "...") == (0.0, 0.0, 0.0)
    s = m.score_pages([("", ""), ("a b c d", "a b c d")])
    assert (s.precision, s.recall, s.accuracy) == (1.0, 1.0, 1.0)
    only_empty = m.score_pages([("", "")])
    assert math.isnan(only_empty.precision) and math.isnan(only_empty.recall)


def test_tokens_are_unicode_words_and_accuracy_ignores_punctuation() -> None:
    assert m.tokenize("Naïve café — 3,5 €/kg!") == ["Naïve", "café", "3", "5", "kg"]
    assert m.exact_match("Hello, world!\n\nBye.", "Hello world Bye") == 1.0
    assert m.exact_match("Hello world", "hello world") == 0.0  # case matters


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "c", "d", "é"]), max_size=14),
    st.lists(st.sampled_from(["a", "b", "c", "d", "x"]), max_size=14),
)
def test_counts_equal_the_original_loop(true: list[str], pred: list[str]) -> None:
    t, p = " ".join(true), ", ".join(pred)
    assert m.page_counts(t, p) == reference_counts(t, p)


def test_bootstrap_std_is_deterministic_and_small_for_stable_scores() -> None:
    counts = [m.page_counts("a b c d e f", "a b c d e x"), m.page_counts("p q r s", "p q r s")] * 20
    first = m.bootstrap_std(counts, n_bootstrap=200, seed=1)
    assert first == m.bootstrap_std(counts, n_bootstrap=200, seed=1)
    assert all(0 < v < 0.2 for v in first)


def test_snippet_metric() -> None:
    with_ = ["The committee   voted on Tuesday!", "missing sentence"]
    without = ["Legal notice", "Subscribe now"]
    out = "Intro.\nThe committee voted\non Tuesday! More.\nLegal notice"
    assert m.snippet_counts(with_, without, out) == (1, 1, 1, 1)
    assert m.snippet_counts(with_, without, None) == (0, 0, 2, 2)
    s = m.score_snippets([(1, 1, 1, 1), (2, 0, 0, 2)])
    assert (s.tp, s.fp, s.fn, s.tn, s.pages) == (3, 1, 1, 3, 2)
    assert (s.precision, s.recall, s.accuracy) == (0.75, 0.75, 0.75)
    assert s.f1 == pytest.approx(6 / 8)


def test_c4_line_rules() -> None:
    text = (
        "Menu\n"
        "This sentence is long enough to keep.\n"
        "Short one.\n"
        "Please enable JavaScript to view the comments here.\n"
        "He said it was “a good day for all of us.”\n"
        "Wikipedia style claims are cited here as well.[12]\n"
        "Read our cookie policy for more details, please.\n"
    )
    assert _peers.c4(text).splitlines() == [
        "This sentence is long enough to keep.",
        "Wikipedia style claims are cited here as well.",
    ]
    assert "He said it was “a good day for all of us.”" in _peers.c4_quotes(text)


@pytest.mark.skipif(
    not (bench_data_dir() / "zyte-article-extraction-benchmark" / "ground-truth.json").is_file(),
    reason="benchmark data not available (set CLEANER_BENCH_DATA)",
)
def test_reproduces_published_trafilatura_score() -> None:
    from bench.quality import load_published

    root = bench_data_dir() / "zyte-article-extraction-benchmark"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pred = load_published(root / "published-outputs" / "trafilatura.json.gz")
    assert pred.keys() == truth.keys()
    s = m.score_pages(
        (truth[k].get("articleBody", ""), pred[k].get("articleBody", "")) for k in truth
    )
    assert s.pages == 181
    assert s.f1 == pytest.approx(0.958, abs=0.001)
    assert round(s.precision, 3) == 0.938
    assert round(s.recall, 3) == 0.978
    assert round(s.accuracy, 3) == 0.293
