"""Every shipped rule's examples, one test each: ``pytest -k syndication`` runs one category."""

from __future__ import annotations

import pytest

from cleaner.rules import RuleEngine, default_rules_dir, load_rules
from cleaner.rules._check import ExampleCase, check_example, example_cases, lint

RULES = load_rules(default_rules_dir())
ENGINE = RuleEngine(RULES)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case" in metafunc.fixturenames:
        cases = list(example_cases(RULES))
        metafunc.parametrize("case", cases, ids=[c.test_id for c in cases])


def test_example(case: ExampleCase) -> None:
    problem = check_example(ENGINE, case)
    assert problem is None, problem


def test_shipped_rules_pass_lint() -> None:
    from cleaner import Cleaner

    assert lint(RULES, lambda rules: Cleaner(rules, default_rules=False)) == []


def test_every_category_is_covered() -> None:
    categories = {r.category for r in RULES}
    wanted = {"teaser", "correction", "syndication", "promo", "share", "comments",
              "advertisement", "caption", "byline", "residue"}
    assert wanted <= categories, wanted - categories


def test_common_languages_are_covered() -> None:
    languages = {lang for r in RULES for lang in r.languages}
    assert {"en", "de", "fr", "es", "it", "pt"} <= languages
