"""Pipeline adapters: the batched function for ``datasets.Dataset.map`` (plain dicts of lists
here), the datatrove step when datatrove is installed, and the examples in docs/pipelines.md."""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cleaner
from cleaner.adapters import BatchCleaner

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures" / "text").glob("*.txt"))[:4]]
PAGE = ("<html><body><article><h1>Harbour Ferry Fares Rise in Spring</h1>"
        "<p>The harbour council approved new ferry fares on Tuesday after a long debate.</p>"
        "<p>Boats will leave every twenty minutes during the morning rush, the operator said.</p>"
        "</article></body></html>")


def test_batch_in_batch_out() -> None:
    batch = {"text": TEXTS + [None, 3], "lang": ["x"] * 6}
    out = BatchCleaner()(batch)
    assert sorted(out) == ["error", "removed", "text", "title"]
    assert all(len(column) == 6 for column in out.values())
    expected = [cleaner.clean_text(t) for t in TEXTS]
    assert out["text"][:4] == [e.text for e in expected]
    assert out["title"][:4] == [e.title for e in expected]
    assert [json.loads(r) for r in out["removed"][:4]] == [
        [{"rule_id": r.rule_id, "category": r.category, "chars": len(r.text)} for r in e.removed]
        for e in expected]
    assert out["error"][:4] == [None] * 4
    assert out["text"][4:] == [None, None]
    assert out["error"][4] == "row 4: missing field: the row has no text"
    assert out["error"][5] == "row 5: wrong type: int where a string was expected"


def test_html_column_url_column_and_prefix() -> None:
    fn = BatchCleaner(html_column="html", url_column="url", prefix="clean_")
    out = fn({"html": [PAGE, None], "text": [None, TEXTS[0]], "url": ["https://news.example/a", None]})
    assert sorted(out) == ["clean_error", "clean_removed", "clean_text", "clean_title"]
    assert "twenty minutes" in out["clean_text"][0]
    assert out["clean_text"][1] == cleaner.clean_text(TEXTS[0]).text


def test_options_and_a_missing_column() -> None:
    fn = BatchCleaner(cleaner.Cleaner(default_rules=False))
    assert fn({"text": ["Title Of A Page Here\n\nAdvertisement\n\nBody text."]})["removed"] == ["[]"]
    with pytest.raises(cleaner.CleanerError, match="no column 'text'"):
        fn({"body": ["x"]})


def test_picklable_for_num_proc() -> None:
    fn = BatchCleaner()
    fn({"text": TEXTS[:1]})  # builds its worker
    clone = pickle.loads(pickle.dumps(fn))
    assert clone({"text": TEXTS[:2]}) == fn({"text": TEXTS[:2]})


class _Frame:
    """Just enough of a pandas DataFrame for one partition: ``frame[col]`` and ``assign``."""

    def __init__(self, columns: dict[str, list[Any]]) -> None:
        self.columns = columns

    def __getitem__(self, name: str) -> list[Any]:
        return self.columns[name]

    def assign(self, **more: list[Any]) -> _Frame:
        return _Frame({**self.columns, **more})


def test_dataframe_partition_function() -> None:
    pytest.importorskip("dask.bag")
    from cleaner.dask import _clean_frame

    fn = BatchCleaner(prefix="clean_")
    frame = _clean_frame(_Frame({"text": TEXTS[:2], "n": [1, 2]}), fn)
    assert frame["clean_text"] == [cleaner.clean_text(t).text for t in TEXTS[:2]]
    assert frame["n"] == [1, 2] and frame["clean_error"] == [None, None]


def test_datatrove_step() -> None:
    pytest.importorskip("datatrove")
    from datatrove.data import Document

    from cleaner.adapters import datatrove_step

    step = datatrove_step()
    docs = [Document(text=TEXTS[0], id="a"), Document(text="", id="empty")]
    out = list(step.run(iter(docs)))
    assert [d.id for d in out] == ["a"] and out[0].text == cleaner.clean_text(TEXTS[0]).text


def test_adapters_import_no_pipeline_library() -> None:
    code = ("import sys, cleaner.adapters\n"
            "assert not {'datatrove', 'datasets', 'dask'} & {m.split('.')[0] for m in sys.modules}\n")
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    try:
        import datatrove  # noqa: F401
    except ImportError:
        with pytest.raises(cleaner.CleanerError, match=r"pip install .cleaner\[datatrove\]"):
            from cleaner.adapters import CleanerStep  # noqa: F401


def _doc_blocks() -> list[tuple[str, str]]:
    text = (ROOT / "docs" / "pipelines.md").read_text(encoding="utf-8")
    return re.findall(r"```(python|console)\n(.*?)```", text, re.DOTALL)


@pytest.mark.parametrize("number", range(len(_doc_blocks())))
def test_docs_examples_run(number: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every example in docs/pipelines.md runs here (those needing a missing library skip)."""
    kind, code = _doc_blocks()[number]
    monkeypatch.chdir(tmp_path)
    _make_example_inputs(tmp_path)
    if kind == "python":
        for module in re.findall(r"^(?:from|import) (\w+)", code, re.MULTILINE):
            pytest.importorskip(module)
        done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-3000:]
        return
    for line in code.splitlines():
        if line.startswith("$ "):
            command = line[2:]
            if "--scheduler" in command:
                pytest.skip("needs a running Dask cluster (tests/test_dask.py starts one)")
            done = subprocess.run(command.replace("cleaner ", f"{sys.executable} -m cleaner ", 1),
                                  shell=True, check=False, capture_output=True, text=True, timeout=120)
            assert done.returncode in (0, 1), done.stderr[-3000:]


def _make_example_inputs(folder: Path) -> None:
    """The files the examples read: pages.jsonl (three records, one without text) and articles/."""
    lines = [json.dumps({"id": "a1", "url": "https://news.example/a1", "text": TEXTS[0]}),
             json.dumps({"id": "a2", "text": TEXTS[1]}), json.dumps({"id": "a3"})]
    (folder / "pages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "articles" / "2024").mkdir(parents=True)
    for n, text in enumerate(TEXTS[:3]):
        (folder / "articles" / "2024" / f"story-{n}.txt").write_text(text, encoding="utf-8")
