"""Quality floors on the public benchmarks (skipped without ../shared/bench).

The floors are the scores measured when they were last raised, less a small margin, so a
regression fails CI. Raise them when a change improves the scores; never lower them silently.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import _data, _metric  # noqa: E402

import cleaner  # noqa: E402

FLOORS = {
    # (dataset, input): minimum F1 of cleaner; zyte article-text is held at its target (0.975)
    ("zyte", "article-text"): 0.975,
    ("zyte", "page-text"): 0.885,
    ("mozilla", "article-text"): 0.933,
    ("mozilla", "page-text"): 0.895,
    ("cleaneval", "article-text"): 0.874,
    ("cleaneval", "page-text"): 0.886,
    ("zyte", "html"): 0.977,
    ("mozilla", "html"): 0.948,
    ("cleaneval", "html"): 0.888,
}


@pytest.fixture(scope="module")
def scores(shared: Path) -> dict[tuple[str, str], tuple[float, float]]:
    """F1 of (cleaner, no cleaning) for every dataset and input; for raw HTML (where there is
    no uncleaned text to compare with) only the cleaner's."""
    data_dir = shared / "bench"
    if not data_dir.is_dir():
        pytest.skip("no benchmark data")
    inst = cleaner.Cleaner()
    out = {}
    for dataset in ("zyte", "mozilla", "cleaneval"):
        pages = _data.load_dataset(dataset, data_dir)
        texts, _ = _data.derived_texts(pages, ["article-text", "page-text"])
        golds = [p.gold for p in pages]
        for kind, inputs in texts.items():
            ours = _metric.score_pages(zip(golds, (inst.clean_text(t).text for t in inputs)))
            none = _metric.score_pages(zip(golds, inputs))
            out[(dataset, kind)] = (ours.f1, none.f1)
        html = (inst.clean_html(_data.page_html(p), url=p.url).text for p in pages)
        out[(dataset, "html")] = (_metric.score_pages(zip(golds, html)).f1, 0.0)
    return out


@pytest.mark.parametrize("key", sorted(FLOORS), ids=["-".join(k) for k in sorted(FLOORS)])
def test_floor(scores: dict[tuple[str, str], tuple[float, float]], key: tuple[str, str]) -> None:
    ours, _ = scores[key]
    assert ours >= FLOORS[key], f"{key}: F1 {ours:.3f} fell below its floor {FLOORS[key]}"


@pytest.mark.parametrize("dataset", ["zyte", "mozilla", "cleaneval"])
def test_article_text_never_worse_than_no_cleaning(
    scores: dict[tuple[str, str], tuple[float, float]], dataset: str
) -> None:
    ours, none = scores[(dataset, "article-text")]
    assert ours >= none, f"{dataset}: cleaning made article-text worse ({none:.3f} -> {ours:.3f})"
