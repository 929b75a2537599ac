"""Giving every block a verdict: phrase/pattern hits, position gates, detectors, runs.

Rules see only the blocks still kept, so judging is repeated until nothing more is dropped:
that fixpoint makes ``clean(clean(x)) == clean(x)`` hold by construction. What does not depend
on the neighbours (phrase hits, shapes, detector candidates) is computed once per block; each
pass then looks only at the candidate blocks.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._model import KEEP, Block, Verdict
from ._detectors import BLOCK_DETECTORS, DETECTOR_NAMES, DOCUMENT_DETECTORS
from ._match import Hit, TextMatcher
from ._rule import Rule
from ._shape import Shape, headline_end, shape
from ._view import View

DETECTORS = DETECTOR_NAMES

Found = tuple[Rule, tuple[int, int] | None]
_NO_RULES: tuple[Rule, ...] = ()


class RuleEngine:
    """All text rules compiled once; :meth:`judge` gives one verdict per block."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        rules = sorted(rules, key=lambda r: -r.priority)  # stable: equal priority, load order
        self.text_rules = [r for r in rules if r.phrases or r.pattern]
        self.matcher = TextMatcher(self.text_rules)
        self.block_rules = [r for r in rules if r.detector in BLOCK_DETECTORS]
        self.document_rules = [r for r in rules if r.detector in DOCUMENT_DETECTORS]
        limits = [r.max_words for r in self.text_rules]
        self._word_limit = 0 if (not limits or 0 in limits) else max(limits)

    def judge(self, blocks: Sequence[Block], host: str | None = None,
              shapes: Sequence[Shape] | None = None) -> list[Verdict]:
        """One verdict per block. ``shapes`` are the blocks' shapes when the caller needs them
        too (computed here otherwise)."""
        if shapes is None:
            shapes = [shape(b) for b in blocks]
        hits = self._hits(blocks, shapes)
        detect = self._candidates(blocks, shapes)
        candidates = sorted({i for i, found in enumerate(hits) if found}.union(detect))
        verdicts: list[Verdict] = [KEEP] * len(blocks)
        while True:
            active = [i for i, v in enumerate(verdicts) if v.keep]
            view = View([blocks[i] for i in active], [shapes[i] for i in active])
            position = {i: k for k, i in enumerate(active)}
            dropped: dict[int, Verdict] = {}
            for i in candidates:
                k = position.get(i)
                if k is None or active[k] in dropped:
                    continue
                found = self._first_rule(view, k, hits[i], detect.get(i, _NO_RULES), host)
                if found is not None:
                    self._drop(view, active, k, found, dropped)
            view.memo["dropped-by"] = {position[i]: v.rule_id or "" for i, v in dropped.items()}
            self._document_pass(view, active, host, dropped)
            if not dropped:
                return verdicts
            for i, verdict in dropped.items():
                verdicts[i] = verdict

    def _hits(self, blocks: Sequence[Block], shapes: Sequence[Shape]) -> list[Sequence[Hit]]:
        limit = self._word_limit
        lows = [None if limit and s.words > limit else s.low for s in shapes]
        return self.matcher.scan([b.text for b in blocks], lows, [s.words for s in shapes])

    def _candidates(self, blocks: Sequence[Block], shapes: Sequence[Shape]) -> dict[int, list[Rule]]:
        """The block rules each block is a candidate of (blocks with none left out)."""
        found: dict[int, list[Rule]] = {}
        for rule in self.block_rules:
            for i in BLOCK_DETECTORS[rule.detector or ""].candidates(blocks, shapes, rule.params):
                found.setdefault(i, []).append(rule)
        return found

    def _first_rule(
        self, view: View, k: int, hits: Sequence[Hit], detect: Sequence[Rule], host: str | None
    ) -> Found | None:
        words = view.shapes[k].words
        for hit in hits:
            rule = self.text_rules[hit.rule]
            if _gates_pass(rule, view, k, words, host):
                return rule, hit.span
        for rule in detect:
            check = BLOCK_DETECTORS[rule.detector or ""].check
            if _gates_pass(rule, view, k, words, host) and check(view, k, rule.params):
                return rule, None
        return None

    def _drop(self, view: View, active: list[int], k: int, found: Found,
              dropped: dict[int, Verdict]) -> None:
        rule, span = found
        dropped[active[k]] = Verdict(False, rule.id, rule.category, span)
        if rule.action == "drop-run":
            for j in _run_after(view, k, rule.run_max):
                dropped.setdefault(active[j], Verdict(False, rule.id, rule.category))

    def _document_pass(self, view: View, active: list[int], host: str | None,
                       dropped: dict[int, Verdict]) -> None:
        for rule in self.document_rules:
            for k in sorted(DOCUMENT_DETECTORS[rule.detector or ""](view, rule.params)):
                words = view.shapes[k].words
                if active[k] not in dropped and _gates_pass(rule, view, k, words, host):
                    dropped[active[k]] = Verdict(False, rule.id, rule.category)


def _gates_pass(rule: Rule, view: View, k: int, words: int | None, host: str | None) -> bool:
    if words is not None and rule.max_words and words > rule.max_words:
        return False
    if rule.kinds is not None and view.blocks[k].kind not in rule.kinds:
        return False
    if rule.where == "head" and k >= rule.window:
        return False
    if rule.where == "tail" and k < len(view.blocks) - rule.window:
        return False
    if rule.domains and not _host_in(host, rule.domains):
        return False
    return True


def _host_in(host: str | None, domains: Sequence[str]) -> bool:
    if not host:
        return False
    host = host.lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def _run_after(view: View, k: int, run_max: int) -> list[int]:
    """Positions of the short, list or link-like blocks right after position k (a list under a header)."""
    run: list[int] = []
    for j in range(k + 1, min(k + 1 + run_max, len(view.blocks))):
        block, s = view.blocks[j], view.shapes[j]
        link_like = block.is_link or block.link_density >= 0.5
        if block.kind == "h" and not link_like:
            break
        if not (block.kind == "li" or link_like or (s.words <= 20 and headline_end(s))):
            break
        if run and s.words <= 5 and not link_like and view.body_at(j + 1):
            break  # a short line right before body text is the next section's subheading
        run.append(j)
    return run
