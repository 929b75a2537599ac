"""Every shipped rule meets the admission criteria of rules/README.md, measured over the bench pool.

Skipped without ``../shared/bench``. The audit behind it (``bench/audit.py``) cleans every page of
the pool's five datasets as saved article text and as full-page text, and every
``HTML_EVERY``-th page as raw HTML (raw HTML is most of the cost; the sample keeps an uncached run
near a minute). Its result is cached in ``bench/.cache`` under a fingerprint of the rule files,
the cleaner's code, the judging bench code and the inputs, so a second run with nothing changed
reads it back in well under a second, and any change to a rule or to the code measures afresh.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import _data, audit  # noqa: E402

from cleaner.rules import Rule, default_rules_dir, load_rules  # noqa: E402

HTML_EVERY = 4

PENDING: frozenset[str] = frozenset(
    {
        "advertisement.sponsored-list",
        "byline.role",
        "caption.agency-credit",
        "caption.caption-element",
        "caption.credit-line",
        "caption.trailing-credit",
        "navigation.breadcrumbs",
        "navigation.pagination",
        "promo.support",
        "residue.lone-char",
        "residue.repeated-block",
        "share.follow-us-tail",
        "syndication.contributed",
        "syndication.originally-published",
        "syndication.republished",
        "syndication.source-line",
        "syndication.wire-credits",
        "teaser.inline-headline",
        "teaser.link-among-body",
        "teaser.link-list",
        "teaser.more-coverage",
        "teaser.pipe-titles",
        "teaser.read-more",
    }
)
"""The rules that failed admission when this test came (main at 9b785b4), each to be fixed or
removed by the rule side of issue 14. Marked as expected failures, strictly: a rule that comes
to pass fails here until it leaves this list, and a new rule is never added to it."""

RULES = load_rules(default_rules_dir())


@pytest.fixture(scope="module")
def report(shared: Path) -> dict[str, Any]:
    data_dir = shared / "bench"
    problem = _data.missing_data(data_dir)
    if problem:
        pytest.skip(problem)
    return audit.cached_audit(data_dir, HTML_EVERY)


def _param(rule: Rule) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason="issue 14")] if rule.id in PENDING else []
    return pytest.param(rule, id=rule.id, marks=marks)


@pytest.mark.parametrize("rule", [_param(r) for r in RULES])
def test_shipped_rule_is_admitted(report: dict[str, Any], rule: Rule) -> None:
    pooled = report["rules"].get(rule.id, {}).get(audit.POOL)
    problems = audit.admission_problems(rule, pooled)
    assert not problems, f"{rule.id} ({rule.path}:{rule.line}): " + "; ".join(problems)


def test_pending_names_only_shipped_rules() -> None:
    assert PENDING <= {r.id for r in RULES}, sorted(PENDING - {r.id for r in RULES})
