"""Our own saved articles (fixtures/, several languages): exact title, body and removals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cleaner

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEXT_CASES = sorted((FIXTURES / "text").glob("*.txt")) + [FIXTURES / "demo" / "article.txt"]
# articles followed by reader-comment threads (and one that only quotes readers)
TEXT_CASES += sorted((FIXTURES / "comments").glob("*.txt"))


@pytest.mark.parametrize("path", TEXT_CASES, ids=[p.stem for p in TEXT_CASES])
def test_text_fixture(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    result = cleaner.clean_text(path.read_text(encoding="utf-8"))
    assert result.title == expected["title"]
    assert [b.text for b in result.kept] == expected["body_paragraphs"]
    assert [(r.text, r.category) for r in result.removed] == [
        (r["text"], r["category"]) for r in expected["removed"]
    ]
