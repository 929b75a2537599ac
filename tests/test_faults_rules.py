"""Rules that cannot run, or that would remove the body, are refused when they load (issue 19
items 6 and 7): a pattern RE2 compiles alone but not into a set, and rules that remove most of
an ordinary article in any of the guard's languages (a pattern, a phrase, a selector)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner import Cleaner, RuleError
from cleaner.rules import load_rules
from cleaner.rules._check import lint

ROOT = Path(__file__).resolve().parents[1]


def _rule_file(tmp_path: Path, body: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(
        '[[rule]]\nid = "user.mine"\ncategory = "user"\ndescription = "A user rule."\n'
        f'languages = ["en"]\n{body}\n[rule.examples]\ndrop = ["Drop me."]\nkeep = ["Keep me."]\n',
        encoding="utf-8")
    return path


def test_a_pattern_too_large_for_a_set_is_refused_at_load(tmp_path: Path) -> None:
    path = _rule_file(tmp_path, "pattern = '[\\pL\\pN\\pP\\pS]{999}q'")
    with pytest.raises(RuleError, match="too large to run") as caught:
        load_rules(path)
    assert caught.value.field == "pattern" and caught.value.rule_id == "user.mine"


@pytest.mark.parametrize("command", [["rules", "test"]])
def test_no_rules_command_crashes_on_it(tmp_path: Path, command: list[str]) -> None:
    path = _rule_file(tmp_path, "pattern = '[\\pL\\pN\\pP\\pS]{999}q'")
    done = subprocess.run([sys.executable, "-m", "cleaner", *command, "--no-default-rules",
                           "--rules", str(path)], input=b"Some text.\n", capture_output=True,
                          timeout=300, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2
    assert b"too large to run" in done.stderr and b"Traceback" not in done.stderr


def test_a_broken_example_fails_its_case_and_the_others_run(tmp_path: Path) -> None:
    """An HTML example lxml cannot read is that example's failure, not a crash."""
    path = _rule_file(tmp_path, 'phrases = ["subscribe to our letter"]')
    text = path.read_text(encoding="utf-8").replace('keep = ["Keep me."]',
                                                    'keep = ["<", "Keep me."]')
    path.write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "cleaner", "rules", "test", "--no-default-rules",
                           "--rules", str(path)], capture_output=True, timeout=300, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert b"Traceback" not in done.stderr
    assert b"passed" in done.stdout


@pytest.mark.parametrize("body", [
    "pattern = '\\pL{3}'",
    "pattern = '[aeiou]'",
    "pattern = 'e'\nmax_words = 0",
    'phrases = ["the"]',
    'selectors = ["p"]',
])
def test_a_rule_that_removes_most_of_an_article_is_refused(tmp_path: Path, body: str) -> None:
    path = _rule_file(tmp_path, body)
    with pytest.raises(RuleError, match="of the text of an ordinary article"):
        Cleaner([path], default_rules=False)
    problems = lint(load_rules(path), lambda rules: Cleaner(rules, default_rules=False))
    assert any("user.mine" in p and "ordinary article" in p for p in problems)


def test_a_german_rule_is_measured_on_the_german_article(tmp_path: Path) -> None:
    path = _rule_file(tmp_path, 'phrases = ["die"]')
    path.write_text(path.read_text(encoding="utf-8").replace('["en"]', '["de"]'), encoding="utf-8")
    with pytest.raises(RuleError, match="ordinary article"):
        Cleaner([path], default_rules=False)


def test_narrow_rules_still_load(tmp_path: Path) -> None:
    path = _rule_file(tmp_path, 'phrases = ["subscribe to our newsletter"]\nmax_words = 12')
    assert any(r.id == "user.mine" for r in Cleaner([path], default_rules=False).rules)
