"""Quality floors on the public benchmarks (skipped without ../shared/bench).

A floor sits at least 0.01 under the figure measured when it was set (``bench/results/``), so it
catches a regression without turning every change into a chase of the last thousandth. The
targets live in ``bench/_targets.py`` and are measured with ``python bench/quality.py``. Raise a
floor when a change lifts the measured figure well above it; never lower one silently.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import _conventions, _data, _metric  # noqa: E402

import cleaner  # noqa: E402

MARGIN = 0.01
MEASURED = ROOT / "bench" / "results" / "quality-2026-12-07-1b1adccc3.json"
"""The pool table the floors were set from (``python bench/quality.py --save``)."""
FLOORS = {
    # (dataset, input): minimum F1 of the cleaner; measured at 1b1adccc3 (main 9b785b4's cleaner),
    # bench/results/quality-2026-12-07-1b1adccc3.md, less MARGIN
    ("zyte", "article-text"): 0.965,  # measured 0.9759
    ("zyte", "page-text"): 0.879,  # 0.8891
    ("zyte", "html"): 0.970,  # 0.9809
    ("mozilla", "article-text"): 0.925,  # 0.9357
    ("mozilla", "page-text"): 0.889,  # 0.8992
    ("mozilla", "html"): 0.941,  # 0.9514
    ("cleaneval", "article-text"): 0.866,  # 0.8767
    ("cleaneval", "page-text"): 0.879,  # 0.8892
    ("cleaneval", "html"): 0.881,  # 0.8912
    ("dragnet-train", "article-text"): 0.900,  # 0.9101
    ("dragnet-train", "page-text"): 0.755,  # 0.7651
}
HTML_DATASETS = ("zyte", "mozilla", "cleaneval")
"""Raw HTML costs ~40 ms a page: dragnet-train's 966 pages stay out of the suite's time."""


@pytest.fixture(scope="module")
def scores(shared: Path) -> dict[tuple[str, str], tuple[float, float, float]]:
    """F1 of (cleaner, no cleaning) for every dataset and input; for raw HTML (where there is
    no uncleaned text to compare with) only the cleaner's."""
    data_dir = shared / "bench"
    if not data_dir.is_dir():
        pytest.skip("no benchmark data")
    inst = cleaner.Cleaner()
    out = {}
    for dataset in sorted({d for d, _ in FLOORS}):
        pages = _data.load_dataset(dataset, data_dir)
        texts, _ = _data.derived_texts(pages, ["article-text", "page-text"])
        golds = [p.gold for p in pages]
        keeps = _conventions.gold_keeps(dataset)
        for kind, inputs in texts.items():
            cleaned = [inst.clean_text(t) for t in inputs]
            ours = _metric.score_pages(zip(golds, (c.text for c in cleaned)))
            none = _metric.score_pages(zip(golds, inputs))
            fair = _metric.score_pages(zip(golds, (_conventions.fair_text(c, keeps)
                                                   for c in cleaned)))
            out[(dataset, kind)] = (ours.f1, none.f1, fair.f1)
        if dataset in HTML_DATASETS:
            html = (inst.clean_html(_data.page_html(p), url=p.url).text for p in pages)
            out[(dataset, "html")] = (_metric.score_pages(zip(golds, html)).f1, 0.0, 0.0)
    return out


@pytest.mark.parametrize("key", sorted(FLOORS), ids=["-".join(k) for k in sorted(FLOORS)])
def test_floor(scores: dict[tuple[str, str], tuple[float, float, float]], key: tuple[str, str]) -> None:
    ours = scores[key][0]
    assert ours >= FLOORS[key], f"{key}: F1 {ours:.3f} fell below its floor {FLOORS[key]}"


@pytest.mark.parametrize("dataset", ["zyte", "mozilla", "cleaneval"])
def test_article_text_never_worse_than_no_cleaning(
    scores: dict[tuple[str, str], tuple[float, float, float]], dataset: str
) -> None:
    """Compared like with like: what the dataset's gold keeps by convention (``bench/
    _conventions.py``: CleanEval keeps headlines, bylines and reader comments) is put back."""
    _, none, fair = scores[(dataset, "article-text")]
    assert fair >= none, f"{dataset}: cleaning made article-text worse ({none:.3f} -> {fair:.3f})"


def test_floors_sit_at_least_a_margin_under_the_measured_figures() -> None:
    rows = json.loads(MEASURED.read_text(encoding="utf-8"))["rows"]
    measured = {(r["dataset"], r["input"]): r["cleaner"] for r in rows}
    for key, floor in FLOORS.items():
        assert floor <= measured[key] - MARGIN + 1e-9, f"{key}: floor {floor} vs {measured[key]}"
