"""The user's own example (in ../shared/seed): exact title, body and removals."""

from __future__ import annotations

import json
from pathlib import Path

import cleaner


def test_user_example_exact(shared: Path) -> None:
    seed = shared / "seed"
    expected = json.loads((seed / "westernjournal-taliban.expected.json").read_text(encoding="utf-8"))
    text = (seed / expected["input"]).read_text(encoding="utf-8")

    result = cleaner.clean_text(text)

    assert result.title == expected["title"]
    assert [b.text for b in result.kept] == expected["body_paragraphs"]
    assert [(r.text, r.category) for r in result.removed] == [
        (r["text"], r["category"]) for r in expected["removed"]
    ]
    assert all(r.rule_id.startswith(r.category + ".") for r in result.removed)
