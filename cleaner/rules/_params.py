"""The parameters each detector takes, typed, so a wrong one is refused when rules load.

A rule's ``[rule.params]`` may set only its detector's parameters, each of its declared kind:

* ``count``: a whole number, 0 or more;
* ``share``: a number from 0 to 1 (a share of the blocks or of the words);
* ``number``: any number;
* ``flag``: true or false;
* ``prefixes``: a list of rule-id prefixes (``"comments."``, ``"teaser.most-read"``);
* ``words``: a non-empty list of words or phrases (``"says"``, ``"posted by"``).

The defaults stay with the detectors (``_detectors.py``); this table only says what is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

Kind = Literal["count", "share", "number", "flag", "prefixes", "words"]

_PAGE_DUMP: dict[str, Kind] = {"min_blocks": "count", "min_share": "share"}
"""Read by every detector that asks whether the text is a dump of a whole page."""
_REGION: dict[str, Kind] = {"penalty": "number", "prose_offset": "number", "neutral": "number"}
"""Read by the detectors that find the run of prose (the article) in a page dump."""

PARAMS: dict[str, dict[str, Kind]] = {
    "headline-among-body": {
        "min_words": "count", "max_words": "count", "min_title_ratio": "share",
        "long_words": "count", "max_overlap": "share", "needs_link": "flag",
    },
    "link-among-body": {"min_words": "count"},
    "link-row": {"min_links": "count"},
    "page-chrome": {
        **_PAGE_DUMP, **_REGION, "end_rules": "prefixes", "end_after": "share",
        "side_share": "share", "side_max": "count",
    },
    "repeated-block": {
        **_PAGE_DUMP, **_REGION, "page_dumps_only": "flag", "min_words": "count",
        "max_repeats": "count", "family": "count",
    },
    "after-end": {
        **_PAGE_DUMP, "end_rules": "prefixes", "after": "share", "after_words": "share",
        "max_words": "count", "max_prose": "share",
    },
    "headline-list": {
        "evidence_rules": "prefixes", "after": "share", "min_run": "count", "max_words": "count",
        "min_title_ratio": "share",
    },
    "pipe-titles": {"after": "share", "min_run": "count", "max_words": "count"},
    "link-list": {
        "min_run": "count", "min_density": "share", "max_density": "share", "after": "share",
    },
    "comment-section": {
        "header_rules": "prefixes", "form_rules": "prefixes", "verbs": "words",
        "posted": "words", "actions": "words", "ago": "words", "reach": "count",
        "reach_words": "count", "min_signals": "count", "min_authors": "count",
        "min_prose": "count",
    },
}  # fmt: skip


def param_problem(detector: str | None, params: Mapping[str, Any]) -> tuple[str, str] | None:
    """(parameter, what is wrong) for the first bad parameter of a rule, else None. A detector
    with no entry in ``PARAMS`` takes its parameters unchecked (``tests/test_vocab_params.py``
    holds every shipped detector to having one)."""
    if params and detector is None:
        return next(iter(params)), "parameters need a detector"
    spec = PARAMS.get(detector or "")
    if spec is None:
        return None
    for name, value in params.items():
        kind = spec.get(name)
        if kind is None:
            return name, f"not a parameter of {detector} (it takes {', '.join(sorted(spec))})"
        problem = _kind_problem(kind, value)
        if problem:
            return name, problem
    return None


def _kind_problem(kind: Kind, value: Any) -> str | None:
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "count" and not (isinstance(value, int) and is_number and value >= 0):
        return f"must be a whole number >= 0, not {value!r}"
    if kind == "share" and not (is_number and 0 <= value <= 1):
        return f"must be a number from 0 to 1, not {value!r}"
    if kind == "number" and not is_number:
        return f"must be a number, not {value!r}"
    if kind == "flag" and not isinstance(value, bool):
        return f"must be true or false, not {value!r}"
    if kind == "prefixes" and not (
        isinstance(value, list) and value and all(isinstance(v, str) and v for v in value)
    ):
        return f"must be a non-empty list of rule-id prefixes, not {value!r}"
    if kind == "words" and not (
        isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value)
    ):
        return f"must be a non-empty list of words or phrases, not {value!r}"
    return None
