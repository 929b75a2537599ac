"""The ``Cleaner`` class: how it takes rules, refuses clashes and typos, finds a title."""

from __future__ import annotations

from pathlib import Path

import pytest

import cleaner
from cleaner import Cleaner, RuleError

RULE = '''[[rule]]
id = "{id}"
category = "promo"
description = "The Harbour Club membership ask."
languages = ["en"]
phrases = ["join the harbour club"]
max_words = 20
[rule.examples]
drop = ["Join the Harbour Club today and read without limits."]
keep = ["The harbour club was founded in 1901 by local fishermen."]
'''
TEXT = ("Harbour Ferry Timetable Changes Next Month\n\n"
        "The council approved the timetable on Tuesday after a long debate.\n\n"
        "Join the Harbour Club today and read without limits.\n")


def _rules(folder: Path, rule_id: str = "promo.harbour-club") -> Path:
    folder.mkdir()
    (folder / "mine.toml").write_text(RULE.format(id=rule_id), encoding="utf-8")
    return folder


def test_a_folder_given_as_one_string(tmp_path: Path) -> None:
    folder = _rules(tmp_path / "my-rules")
    for given in (str(folder) + "/", folder):
        mine = Cleaner(given, default_rules=False)  # type: ignore[arg-type]
        assert [r.id for r in mine.rules] == ["promo.harbour-club"]
        assert "Harbour Club" not in mine.clean_text(TEXT).text


def test_a_user_rule_may_not_reuse_a_shipped_id(tmp_path: Path) -> None:
    shipped = next(r for r in Cleaner().rules if r.category == "promo" and r.path)
    folder = _rules(tmp_path / "my-rules", shipped.id)
    with pytest.raises(RuleError) as caught:
        Cleaner([folder])
    message = str(caught.value)
    assert "duplicate rule id" in message and shipped.id in message
    assert "mine.toml" in message and Path(str(shipped.path)).name in message


def test_disabling_an_unknown_id_says_which_was_meant() -> None:
    shipped = Cleaner().rules[0].id
    with pytest.raises(RuleError, match=f"did you mean {shipped!r}"):
        Cleaner(disable=[shipped + "x"])
    with pytest.raises(RuleError, match="no rule has that id"):
        Cleaner(disable="no.such-rule")


@pytest.mark.parametrize("text", [
    "Council Approves Budget\nThe city council voted on Tuesday to approve next year's budget "
    "after a long debate about the harbour.\nThe mayor said the plan was fair.\n",
    "Council Approves Budget\n\nThe city council voted on Tuesday to approve next year's budget "
    "after a long debate about the harbour.\n",
])
def test_a_short_headline_over_prose_is_the_title(text: str) -> None:
    result = cleaner.clean_text(text)
    assert result.title == "Council Approves Budget"
    assert result.text.startswith("The city council voted")


@pytest.mark.parametrize("text", [
    "Weather\nThe city council voted on Tuesday to approve next year's budget after a long "
    "debate about the harbour.\n",
    "Council approves budget\nThe city council voted on Tuesday to approve next year's budget "
    "after a long debate about the harbour.\n",
    "Council Approves Budget\nIt passed.\n",
])
def test_a_label_or_a_lower_case_line_is_not_a_title(text: str) -> None:
    assert cleaner.clean_text(text).title is None
