"""Scoring.

1. The Zyte article-extraction-benchmark metric, re-implemented to behave exactly like the
   repo's ``evaluate.py`` (scrapinghub/article-extraction-benchmark):

   * tokens are ``\\w+`` matches (Unicode), shingles are 4-grams of tokens, counted as a multiset;
     a text with fewer than 4 tokens (but at least one) has ONE shorter shingle, its whole token
     tuple; an empty text has none;
   * per page tp = sum(min(true, pred)), fp = sum(max(0, pred - true)), fn = sum(max(0, true - pred))
     over all shingles, then divided by tp + fp + fn (when > 0) so every page weighs the same;
   * precision = mean of per-page precision over pages with tp + fp > 0, recall = mean of per-page
     recall over pages with tp + fn > 0; per page both are 1.0 when fp == fn == 0;
   * F1 = 2PR / (P + R) of those means; accuracy = mean of exact token-sequence equality.

   Where the original crashes (no page eligible for a mean, or P + R == 0) this returns NaN / 0.0.

2. The trafilatura-eval snippet metric (adbar/trafilatura ``tests/eval_common.py``):
   whitespace-normalised substring test of the "with" and "without" snippets, counts summed over
   the corpus; precision = tp/(tp+fp), recall = tp/(tp+fn), accuracy = (tp+tn)/all,
   F1 = 2tp/(2tp+fp+fn). A missing result (crash) counts as empty output.
"""

from __future__ import annotations

import math
import random
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)
NGRAM_N = 4

PageCounts = tuple[float, float, float]
"""Normalised (tp, fp, fn) of one page."""


def tokenize(text: str | None) -> list[str]:
    """``\\w+`` tokens, as the benchmark's ``_tokenize``."""
    return TOKEN_RE.findall(text or "")


def shingles(tokens: Sequence[str], n: int = NGRAM_N) -> Counter[tuple[str, ...]]:
    """Multiset of n-gram shingles; fewer than n tokens give one shorter shingle, none give none."""
    if len(tokens) < n:
        return Counter([tuple(tokens)] if tokens else [])
    return Counter(zip(*(tokens[i : len(tokens) - n + 1 + i] for i in range(n)), strict=True))


@dataclass(frozen=True, slots=True)
class Shingled:
    """A text's tokens and 4-gram shingle multiset, computed once (gold texts are reused)."""

    tokens: tuple[str, ...]
    shingles: Counter[tuple[str, ...]]
    total: int


def prepare(text: str | Shingled | None) -> Shingled:
    if isinstance(text, Shingled):
        return text
    tokens = tokenize(text)
    sh = shingles(tokens)
    return Shingled(tuple(tokens), sh, sum(sh.values()))


def page_counts(true: str | Shingled | None, pred: str | Shingled | None) -> PageCounts:
    """Normalised (tp, fp, fn) of one page, as ``string_shingle_matching``.

    tp = sum of min(true, pred) counts over shared shingles; since
    sum(max(0, p - t)) == |pred| - tp and sum(max(0, t - p)) == |true| - tp, the integer totals
    equal the original's key-by-key loop.
    """
    t, p = prepare(true), prepare(pred)
    small, big = (
        (t.shingles, p.shingles) if len(t.shingles) <= len(p.shingles) else (p.shingles, t.shingles)
    )
    tp = float(sum(min(c, big[k]) for k, c in small.items() if k in big))
    fp = float(p.total) - tp
    fn = float(t.total) - tp
    total = tp + fp + fn
    if total > 0:
        return (tp / total, fp / total, fn / total)
    return (tp, fp, fn)


def precision_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def exact_match(true: str | Shingled | None, pred: str | Shingled | None) -> float:
    """1.0 when the token sequences are identical (the benchmark's ``get_accuracy``)."""
    return float(prepare(true).tokens == prepare(pred).tokens)


@dataclass(frozen=True, slots=True)
class Scores:
    f1: float
    precision: float
    recall: float
    accuracy: float
    pages: int


def _mean_or_nan(values: list[float]) -> float:
    return statistics.mean(values) if values else math.nan


def prf_from_counts(counts: Sequence[PageCounts]) -> tuple[float, float, float]:
    """(f1, precision, recall) from per-page counts, as ``metrics_from_tp_fp_fns``."""
    precision = _mean_or_nan([precision_score(*c) for c in counts if c[0] + c[1] > 0])
    recall = _mean_or_nan([recall_score(*c) for c in counts if c[0] + c[2] > 0])
    denom = precision + recall
    f1 = 2 * precision * recall / denom if denom else 0.0
    return f1, precision, recall


def score_pages(pairs: Iterable[tuple[str | Shingled | None, str | Shingled | None]]) -> Scores:
    """Score (gold, prediction) pairs with the Zyte metric (texts or :func:`prepare` results)."""
    counts: list[PageCounts] = []
    exact: list[float] = []
    for true, pred in pairs:
        t, p = prepare(true), prepare(pred)
        counts.append(page_counts(t, p))
        exact.append(exact_match(t, p))
    f1, precision, recall = prf_from_counts(counts)
    return Scores(f1, precision, recall, _mean_or_nan(exact), len(counts))


def bootstrap_std(
    counts: Sequence[PageCounts], n_bootstrap: int = 1000, seed: int = 0
) -> tuple[float, float, float]:
    """Bootstrap standard deviation of (f1, precision, recall), the benchmark's "±"."""
    rng = random.Random(seed)
    samples: list[tuple[float, float, float]] = []
    n = len(counts)
    for _ in range(n_bootstrap):
        sample = [counts[rng.randint(0, n - 1)] for _ in range(n)]
        samples.append(prf_from_counts(sample))
    f1s, ps, rs = zip(*samples, strict=True)
    return statistics.stdev(f1s), statistics.stdev(ps), statistics.stdev(rs)


# --- trafilatura-eval snippets -------------------------------------------------------------

SnippetCounts = tuple[int, int, int, int]
"""(tp, fp, fn, tn) of one page."""

_WS_RE = re.compile(r"\s+")


def norm_ws(text: str) -> str:
    return _WS_RE.sub(" ", text).strip()


def snippet_counts(
    with_: Sequence[str], without: Sequence[str], result: str | None
) -> SnippetCounts:
    """Per page: tp = "with" found, fp = "without" found, fn/tn = the rest."""
    if isinstance(result, str):
        text = norm_ws(result)
        tp = sum(1 for s in with_ if norm_ws(s) in text)
        fp = sum(1 for s in without if norm_ws(s) in text)
    else:
        tp = fp = 0
    return tp, fp, len(with_) - tp, len(without) - fp


@dataclass(frozen=True, slots=True)
class SnippetScores:
    f1: float
    precision: float
    recall: float
    accuracy: float
    pages: int
    tp: int
    fp: int
    fn: int
    tn: int


def score_snippets(counts: Iterable[SnippetCounts]) -> SnippetScores:
    """Corpus-level scores from summed per-page snippet counts."""
    tp = fp = fn = tn = pages = 0
    for c in counts:
        tp, fp, fn, tn = tp + c[0], fp + c[1], fn + c[2], tn + c[3]
        pages += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    total = tp + fp + fn + tn
    accuracy = (tp + tn) / total if total else 0.0
    denom = 2 * tp + fp + fn
    f1 = 2 * tp / denom if denom else 0.0
    return SnippetScores(f1, precision, recall, accuracy, pages, tp, fp, fn, tn)
