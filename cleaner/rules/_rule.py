"""A rule as the engine runs it: what :mod:`._load` reads from rule files (and the adblock
reader from filter lists), and what matching, selecting and checking take."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Match = Literal["contains", "start", "whole"]
Where = Literal["anywhere", "head", "tail"]
Action = Literal["drop", "drop-run"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule. See ``rules/README.md`` for what each field means."""

    id: str
    category: str
    description: str
    languages: tuple[str, ...]
    phrases: tuple[str, ...] = ()
    pattern: str | None = None
    selectors: tuple[str, ...] = ()
    detector: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    match: Match = "contains"
    where: Where = "anywhere"
    window: int = 6
    max_words: int = 40
    kinds: frozenset[str] | None = None
    action: Action = "drop"
    run_max: int = 15
    domains: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()
    """Domains where a selector rule must not prune (adblock ``#@#``)."""
    examples_drop: tuple[str, ...] = ()
    examples_keep: tuple[str, ...] = ()
    path: str | None = None
    line: int | None = None
    priority: int = 0
    """Which rule wins when several match one block: the higher priority; at equal priority,
    the rule loaded first."""
    pattern_source: str | None = None
    """The pattern as written, naming shared vocabularies (``{{months}}``); ``pattern`` is it
    with the vocabularies spelled out."""

    @property
    def is_text_rule(self) -> bool:
        return bool(self.phrases or self.pattern or self.detector)
