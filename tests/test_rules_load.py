"""Rule files: what loading accepts, and the one-line errors for what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

import cleaner
from cleaner import RuleError, load_rules

GOOD = '''
[[rule]]
id = "promo.harbour-club"
category = "promo"
description = "Join the Harbour Club promo."
languages = ["en"]
phrases = ["join the harbour club"]
[rule.examples]
drop = ["Join the Harbour Club today!"]
keep = ["The harbour club was founded in 1901 by local fishermen and still meets weekly."]
'''


def write(tmp_path: Path, text: str, name: str = "user.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_rule_folder_adds_to_shipped_rules(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    text = "Ferry Fares Rise Again\n\nFares rose by ten percent on Monday, the operator said.\n\nJoin the Harbour Club today!"
    assert "Harbour Club" in cleaner.Cleaner().clean_text(text).text
    result = cleaner.Cleaner([tmp_path]).clean_text(text)
    assert "Harbour Club" not in result.text
    assert result.removed[-1].rule_id == "promo.harbour-club"


def test_no_default_rules(tmp_path: Path) -> None:
    only = cleaner.Cleaner([write(tmp_path, GOOD)], default_rules=False)
    assert [r.id for r in only.rules] == ["promo.harbour-club"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (('category = "promo"', 'category = "share"'), "category", "first part"),
        (('description = "Join the Harbour Club promo."\n', ""), "description", "required"),
        (('phrases = ["join the harbour club"]', 'phrases = ["join"]\ncolour = "red"'), "colour", "unknown field"),
        (('phrases = ["join the harbour club"]', "pattern = '(a|)'"), "pattern", "empty string"),
        (('phrases = ["join the harbour club"]', "pattern = '.*'"), "pattern", "empty string"),
        (('phrases = ["join the harbour club"]', "pattern = '(\\w+)\\1'"), "pattern", "RE2"),
        (('phrases = ["join the harbour club"]', 'phrases = [" ,, "]'), "phrases", "no letters"),
        (('phrases = ["join the harbour club"]', 'selectors = ["body"]'), "selectors", "whole page"),
        (('phrases = ["join the harbour club"]', 'match = "sometimes"\nphrases = ["x y"]'), "match", "must be one of"),
    ],
)
def test_bad_rule_names_file_line_rule_and_field(
    tmp_path: Path, change: tuple[str, str], field: str, message: str
) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(RuleError) as info:
        load_rules(path)
    err = info.value
    assert (err.path, err.line, err.field) == (str(path), 2, field)
    assert err.rule_id == "promo.harbour-club" or field == "category"
    assert message in str(err) and str(path) in str(err) and "\n" not in str(err)


def test_invalid_toml_reports_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "\n[[rule]\nid = 3\n")
    with pytest.raises(RuleError) as info:
        load_rules(path)
    bad_line = path.read_text().splitlines().index("[[rule]") + 1
    assert info.value.line == bad_line and "invalid TOML" in str(info.value)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + GOOD)
    with pytest.raises(RuleError, match="duplicate rule id"):
        load_rules(path)


def test_catastrophic_regex_runs_in_linear_time(tmp_path: Path) -> None:
    rule = GOOD.replace('phrases = ["join the harbour club"]', "pattern = '^(a+)+$'")
    user = cleaner.Cleaner([write(tmp_path, rule)], default_rules=False)
    evil = "a" * 50_000 + "!"
    result = user.clean_text(f"Some Title Here\n\n{evil}\n\nThe end of it.")
    assert evil in result.text  # an exponential-time engine would never get here


def test_adblock_filters_become_selector_rules(tmp_path: Path) -> None:
    path = write(tmp_path, "! comment\n##.ad-slot\nnews.example##.promo-box\nnews.example#@#.ad-slot\n||ads.example^\n", "ads.txt")
    rules = load_rules(path)
    by_selector = {r.selectors[0]: r for r in rules}
    assert set(by_selector) == {".ad-slot", ".promo-box"}
    assert by_selector[".ad-slot"].exceptions == ("news.example",)
    assert by_selector[".promo-box"].domains == ("news.example",)
    assert all(r.id.startswith("adblock.ads-") and r.category == "advertisement" for r in rules)


def test_missing_rule_path() -> None:
    with pytest.raises(RuleError, match="no such rule file"):
        load_rules("/nonexistent/rules")
