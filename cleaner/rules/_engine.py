"""Giving every block a verdict: phrase/pattern hits, position gates, detectors, runs.

Rules see only the blocks still kept, so cleaning is repeated until nothing more is dropped:
that fixpoint makes ``clean(clean(x)) == clean(x)`` hold by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .._model import KEEP, Block, Verdict
from ._load import Rule
from ._match import Hit, TextMatcher
from ._shape import Shape, headline_like, shape


@dataclass(slots=True)
class Context:
    """The blocks of one document as the rules see them during one pass."""

    blocks: Sequence[Block]
    shapes: Sequence[Shape]
    active: list[int]
    """Indices of the blocks still kept, in order."""
    host: str | None
    memo: dict[str, Any] = field(default_factory=dict)
    """Per-pass results that detectors share across blocks (for example the main region)."""

    def neighbour(self, k: int, step: int) -> int | None:
        j = k + step
        return self.active[j] if 0 <= j < len(self.active) else None

    def body_at(self, k: int, step: int) -> bool:
        j = self.neighbour(k, step)
        return j is not None and self.shapes[j].body_like


Detector = Callable[[Context, int, Mapping[str, Any]], bool]


def _headline_among_body(ctx: Context, k: int, params: Mapping[str, Any]) -> bool:
    i = ctx.active[k]
    block = ctx.blocks[i]
    if block.kind not in ("p", "h"):
        return False
    s = ctx.shapes[i]
    ok = headline_like(
        s,
        block.text,
        min_words=int(params.get("min_words", 8)),
        max_words=int(params.get("max_words", 30)),
        min_ratio=float(params.get("min_title_ratio", 0.75)),
    )
    # Section subheadings are title case too; teasers are longer or carry a colon, quote or comma.
    marked = s.colon_or_quote or "," in block.text or s.words >= int(params.get("long_words", 14))
    return ok and marked and ctx.body_at(k, -1) and ctx.body_at(k, 1)


def _link_among_body(ctx: Context, k: int, params: Mapping[str, Any]) -> bool:
    i = ctx.active[k]
    block = ctx.blocks[i]
    if not block.is_link or block.kind not in ("p", "li", "h"):
        return False
    if ctx.shapes[i].words < int(params.get("min_words", 3)):
        return False
    return ctx.body_at(k, -1) and ctx.body_at(k, 1)


def _page_chrome(ctx: Context, k: int, params: Mapping[str, Any]) -> bool:
    region = ctx.memo.get("page-chrome")
    if region is None:
        region = ctx.memo["page-chrome"] = _main_region(ctx, params)
    start, stop = region
    return not start <= k < stop


def _main_region(ctx: Context, params: Mapping[str, Any]) -> tuple[int, int]:
    """The run of blocks with the most prose in it (a maximum-sum segment), as [start, stop).

    Only on a dump of a whole page, where many blocks are menu-like (a few words, no full
    stop); on an extracted article the whole document is the region.
    """
    shapes = [ctx.shapes[i] for i in ctx.active]
    n = len(shapes)
    if not _is_page_dump(ctx, params):
        return 0, n
    menu = _menu_flags(ctx)
    penalty = float(params.get("penalty", 4))
    best, best_span = 0.0, (0, n)
    total, start = 0.0, 0
    for k, s in enumerate(shapes):
        if total <= 0:
            total, start = 0.0, k
        if menu[k]:
            total -= penalty
        elif (s.terminal and s.words >= 8) or s.words >= 20:
            total += min(s.words, 120)
        else:
            total += 0.5
        if total > best:
            best, best_span = total, (start, k + 1)
    return best_span


def _menu_flags(ctx: Context) -> list[bool]:
    flags = ctx.memo.get("menu-like")
    if flags is None:
        flags = ctx.memo["menu-like"] = [_menu_like(ctx.blocks[i], ctx.shapes[i]) for i in ctx.active]
    return list(flags)


def _is_page_dump(ctx: Context, params: Mapping[str, Any]) -> bool:
    """Many menu-like blocks: a dump of a whole page rather than an extracted article."""
    menu = _menu_flags(ctx)
    n = len(menu)
    return n >= int(params.get("min_blocks", 12)) and sum(menu) >= float(params.get("min_share", 0.35)) * n


_CODE_CHARS = frozenset("{}();=<>[]|\\/_$#")


def _menu_like(block: Block, s: Shape) -> bool:
    """A few words with no full stop and nothing code-like: a menu entry, a footer link."""
    if block.kind != "p" or s.words > 4 or s.terminal:
        return False
    return not _CODE_CHARS.intersection(block.text)


def _repeated_block(ctx: Context, k: int, params: Mapping[str, Any]) -> bool:
    """The same text (of a few words at least) already stood earlier in the document."""
    i = ctx.active[k]
    if ctx.shapes[i].words < int(params.get("min_words", 3)):
        return False
    if params.get("page_dumps_only", True) and not _is_page_dump(ctx, params):
        return False
    first = ctx.memo.get("repeated-block")
    if first is None:
        first = ctx.memo["repeated-block"] = {}
        for j, index in enumerate(ctx.active):
            first.setdefault(ctx.blocks[index].text, j)
    return bool(first[ctx.blocks[i].text] < k)


DETECTORS: dict[str, Detector] = {
    "repeated-block": _repeated_block,
    "headline-among-body": _headline_among_body,
    "link-among-body": _link_among_body,
    "page-chrome": _page_chrome,
}


class RuleEngine:
    """All text rules compiled once; :meth:`judge` gives one verdict per block."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.text_rules = [r for r in rules if r.phrases or r.pattern]
        self.matcher = TextMatcher(self.text_rules)
        self.detectors = [(r, DETECTORS[r.detector]) for r in rules if r.detector]
        limits = [r.max_words for r in self.text_rules]
        self._word_limit = 0 if (not limits or 0 in limits) else max(limits)

    def judge(self, blocks: Sequence[Block], host: str | None = None) -> list[Verdict]:
        shapes = [shape(b) for b in blocks]
        hits = [self._hits(b, s) for b, s in zip(blocks, shapes)]
        verdicts: list[Verdict] = [KEEP] * len(blocks)
        while True:
            active = [i for i, v in enumerate(verdicts) if v.keep]
            ctx = Context(blocks, shapes, active, host)
            dropped = self._one_pass(ctx, hits)
            if not dropped:
                return verdicts
            for i, verdict in dropped.items():
                verdicts[i] = verdict

    def _hits(self, block: Block, s: Shape) -> list[Hit]:
        if self._word_limit and s.words > self._word_limit:
            return []
        return self.matcher.hits(block.text)

    def _one_pass(self, ctx: Context, hits: Sequence[list[Hit]]) -> dict[int, Verdict]:
        dropped: dict[int, Verdict] = {}
        for k, i in enumerate(ctx.active):
            if i in dropped:
                continue
            found = self._first_rule(ctx, k, hits[i])
            if found is None:
                continue
            rule, span = found
            dropped[i] = Verdict(False, rule.id, rule.category, span)
            if rule.action == "drop-run":
                for j in _run_after(ctx, k, rule.run_max):
                    dropped[j] = Verdict(False, rule.id, rule.category)
        return dropped

    def _first_rule(
        self, ctx: Context, k: int, hits: list[Hit]
    ) -> tuple[Rule, tuple[int, int] | None] | None:
        i = ctx.active[k]
        for hit in hits:
            rule = self.text_rules[hit.rule]
            if _gates_pass(rule, ctx, k, ctx.shapes[i].words):
                return rule, hit.span
        for rule, detect in self.detectors:
            if _gates_pass(rule, ctx, k, None) and detect(ctx, k, rule.params):
                return rule, None
        return None


def _gates_pass(rule: Rule, ctx: Context, k: int, words: int | None) -> bool:
    block = ctx.blocks[ctx.active[k]]
    if words is not None and rule.max_words and words > rule.max_words:
        return False
    if rule.kinds is not None and block.kind not in rule.kinds:
        return False
    if rule.where == "head" and k >= rule.window:
        return False
    if rule.where == "tail" and k < len(ctx.active) - rule.window:
        return False
    if rule.domains and not _host_in(ctx.host, rule.domains):
        return False
    return True


def _host_in(host: str | None, domains: Sequence[str]) -> bool:
    if not host:
        return False
    host = host.lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def _run_after(ctx: Context, k: int, run_max: int) -> list[int]:
    """The short, list or link-like blocks right after position k (a list under a header)."""
    run = []
    for j in ctx.active[k + 1 : k + 1 + run_max]:
        block, s = ctx.blocks[j], ctx.shapes[j]
        link_like = block.is_link or block.link_density >= 0.5
        if block.kind == "h" and not link_like:
            break
        if not (block.kind == "li" or link_like or (s.words <= 20 and not s.terminal)):
            break
        run.append(j)
    return run
