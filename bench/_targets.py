"""The quality targets of the pool (issue 14), checked against a pool table.

Targets live here, beside the bench that measures them; ``tests/test_quality_floors.py`` holds
floors (the measured figure less at least 0.01), so a test never chases a target.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

ARTICLE_FAIR_GAIN = 0.010
"""Saved article text: convention-fair gain over no cleaning, on every dataset."""
ZYTE_ARTICLE_F1 = 0.970
PAGE_TEXT_OVER_C4 = 0.05
"""Full-page text: the cleaner at least this far above the C4 line rules, on every dataset."""
ZYTE_HTML_F1 = 0.975
"""HTML: zyte at least this; every dataset at least trafilatura."""


class _Row(Protocol):
    @property
    def dataset(self) -> str: ...
    @property
    def input(self) -> str: ...
    @property
    def c4(self) -> float: ...
    @property
    def trafilatura(self) -> float: ...
    @property
    def cleaner(self) -> float: ...
    @property
    def gain_fair(self) -> float: ...


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    measured: float
    target: float

    @property
    def met(self) -> bool:
        return self.measured >= self.target


def checks(rows: Sequence[_Row]) -> list[Check]:
    """One check per (target, dataset) the rows allow."""
    out: list[Check] = []
    for r in rows:
        where = f"{r.dataset} {r.input}"
        if r.input == "article-text":
            out.append(Check(f"{where}: fair gain", r.gain_fair, ARTICLE_FAIR_GAIN))
            if r.dataset == "zyte":
                out.append(Check(f"{where}: F1", r.cleaner, ZYTE_ARTICLE_F1))
        elif r.input == "page-text":
            out.append(Check(f"{where}: F1 - C4", r.cleaner - r.c4, PAGE_TEXT_OVER_C4))
        elif r.input == "html":
            out.append(Check(f"{where}: F1 - trafilatura", r.cleaner - r.trafilatura, 0.0))
            if r.dataset == "zyte":
                out.append(Check(f"{where}: F1", r.cleaner, ZYTE_HTML_F1))
    return out


def format_checks(found: Sequence[Check]) -> str:
    lines = ["| target | measured | needed | met |", "|---|---:|---:|---|"]
    for c in found:
        lines.append(
            f"| {c.name} | {c.measured:.4f} | {c.target:.4f} | {'yes' if c.met else '**no**'} |"
        )
    return "\n".join(lines)
