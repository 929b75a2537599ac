"""Error analysis for rule tuning: which blocks a system dropped wrongly and kept wrongly.

    python bench/analyze.py cleaner --dataset zyte --input article-text
    python bench/quality.py --explain-errors c4 --dataset mozilla --input page-text

A block is "in gold" when most (> 50 %) of its 4-gram shingles occur in the gold text (a block of
1-3 tokens: when its token sequence occurs in a gold line of at most 6 tokens, so a lone "Share"
is not in gold merely because a paragraph of the gold uses the word). Shingles are counted as a multiset, as
the metric does: kept blocks claim gold shingles first (in page order), dropped blocks are judged
against what is left, so dropping the second copy of a paragraph the gold has once is no false
drop, and keeping it is a false keep. On trafilatura-eval (no gold text) a block
is "in gold" when it overlaps a "with" snippet, and "boilerplate" when it contains a "without"
snippet (shown as ``[without: ...]``); other blocks are unlabelled and count nowhere. Blocks without any ``\\w`` token are ignored (they do
not change the metric).

Output lines, tab-separated, one record per line (grep by the first field):

    RULE   <rule_id>  drops=N  ok=O  false=F  ok_tokens=K  false_tokens=T  precision=O/(O+F)
    FDROP  <rule_id>  <dataset>/<page>  <tokens>  <text>      a dropped block that is in gold
    FKEEP  <dataset>/<page>  <tokens>  <text>                 a kept block that is not in gold
    TOTAL  ...
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _data, _metric, _peers

MAJORITY = 0.5
SHORT_LINE_TOKENS = 6
"""A gold line this short is where a block of 1-3 tokens may be found (a heading, a list item)."""


@dataclass(frozen=True, slots=True)
class GoldIndex:
    """What a page's gold text contains: its 4-gram shingles and the 1-3-token runs of its short lines."""

    shingles: Counter[tuple[str, ...]]
    short: frozenset[tuple[str, ...]]
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()


def gold_index(page: _data.Page) -> GoldIndex:
    if page.gold is None:
        return GoldIndex(
            Counter(),
            frozenset(),
            tuple(_metric.norm_ws(s) for s in page.with_snippets),
            tuple(_metric.norm_ws(s) for s in page.without_snippets),
        )
    short: set[tuple[str, ...]] = set()
    for line in page.gold.splitlines():
        words = _metric.tokenize(line)
        if len(words) <= SHORT_LINE_TOKENS:
            short.update(_runs(words, 3))
    return GoldIndex(_metric.shingles(_metric.tokenize(page.gold)), frozenset(short))


def _runs(tokens: Sequence[str], longest: int) -> Iterator[tuple[str, ...]]:
    """Every contiguous run of 1 to ``longest`` tokens."""
    for n in range(1, longest + 1):
        for i in range(len(tokens) - n + 1):
            yield tuple(tokens[i : i + n])


def in_gold(
    text: str, gold: GoldIndex, budget: Counter[tuple[str, ...]] | None = None
) -> bool | None:
    """True / False; None when the block has no token (or, for snippets, is not annotated).

    With ``budget`` (gold shingle counts not yet claimed), matched shingles are claimed from it.
    """
    tokens = _metric.tokenize(text)
    if not tokens:
        return None
    if gold.with_snippets or gold.without_snippets:
        return _snippet_label(text, gold)
    if len(tokens) < _metric.NGRAM_N:
        return tuple(tokens) in gold.short
    sh = _metric.shingles(tokens)
    pool = gold.shingles if budget is None else budget
    matched = {k: min(c, pool[k]) for k, c in sh.items() if pool[k] > 0}
    if budget is not None:
        budget.subtract(matched)
    return sum(matched.values()) / sum(sh.values()) > MAJORITY


def label_blocks(blocks: Sequence[_peers.BlockDecision], gold: GoldIndex) -> list[bool | None]:
    """In-gold label of each block; kept blocks claim gold shingles before dropped ones."""
    budget = Counter(gold.shingles)
    labels: list[bool | None] = [None] * len(blocks)
    kept = [i for i, b in enumerate(blocks) if b.keep]
    dropped = [i for i, b in enumerate(blocks) if not b.keep]
    for i in kept + dropped:
        labels[i] = in_gold(blocks[i].text, gold, budget)
    return labels


def _snippet_label(text: str, gold: GoldIndex) -> bool | None:
    norm = _metric.norm_ws(text)
    if any(s in norm or (norm in s and len(norm) >= 3) for s in gold.with_snippets):
        return True
    if any(s in norm for s in gold.without_snippets):
        return False
    return None


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str  # "FDROP" | "FKEEP"
    rule_id: str
    page: str
    tokens: int
    text: str


@dataclass
class RuleTally:
    drops: int = 0
    ok: int = 0
    false: int = 0
    false_tokens: int = 0
    ok_tokens: int = 0


def _with_matched_snippet(text: str, page: _data.Page) -> str:
    """For snippet-scored pages, prefix the "without" snippet that makes the block boilerplate."""
    norm = _metric.norm_ws(text)
    hits = [s for s in page.without_snippets if _metric.norm_ws(s) in norm]
    return f"[without: {hits[0]}] {text}" if hits else text


def page_findings(
    page: _data.Page, blocks: Sequence[_peers.BlockDecision], tallies: dict[str, RuleTally]
) -> list[Finding]:
    out: list[Finding] = []
    for block, label in zip(blocks, label_blocks(blocks, gold_index(page)), strict=True):
        rule = block.rule_id or "-"
        ntok = len(_metric.tokenize(block.text))
        if not block.keep:
            tally = tallies[rule]
            tally.drops += 1
            if label:
                tally.false += 1
                tally.false_tokens += ntok
                out.append(Finding("FDROP", rule, f"{page.dataset}/{page.id}", ntok, block.text))
            elif label is False:
                tally.ok += 1
                tally.ok_tokens += ntok
        elif label is False:
            shown = _with_matched_snippet(block.text, page)
            out.append(Finding("FKEEP", "-", f"{page.dataset}/{page.id}", ntok, shown))
    return out


def _one_line(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def report(findings: Sequence[Finding], tallies: dict[str, RuleTally], args: Any) -> list[str]:
    lines: list[str] = []
    for rule, t in sorted(tallies.items(), key=lambda kv: (-kv[1].false_tokens, kv[0])):
        prec = t.ok / (t.ok + t.false) if t.ok + t.false else float("nan")
        lines.append(
            f"RULE\t{rule}\tdrops={t.drops}\tok={t.ok}\tfalse={t.false}\t"
            f"ok_tokens={t.ok_tokens}\tfalse_tokens={t.false_tokens}\tprecision={prec:.2f}"
        )
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.kind == "FDROP":
            by_rule[f.rule_id].append(f)
    for rule in sorted(by_rule, key=lambda r: -tallies[r].false_tokens):
        ranked = sorted(by_rule[rule], key=lambda f: -f.tokens)
        for f in ranked[: args.max_per_rule or None]:
            lines.append(f"FDROP\t{rule}\t{f.page}\t{f.tokens}\t{_one_line(f.text, args.width)}")
    keeps = sorted((f for f in findings if f.kind == "FKEEP"), key=lambda f: -f.tokens)
    for f in keeps[: args.max_keeps or None]:
        lines.append(f"FKEEP\t{f.page}\t{f.tokens}\t{_one_line(f.text, args.width)}")
    return lines


def _decisions_fn(system: str, mode: str, notes: list[str]) -> Any:
    """A function (page, text) -> list[BlockDecision] for the system, or None."""
    inst = _peers.load_cleaner(notes) if system == "cleaner" else None
    if system == "cleaner" and inst is None:
        return None
    if mode == "html":
        if inst is None or not hasattr(inst, "clean_html"):
            notes.append("html mode explains only cleaner (needs Cleaner.clean_html)")
            return None
        clean_html = inst.clean_html
        return lambda page, _text: _peers.cleaned_decisions(
            clean_html(_data.page_html(page), url=page.url)
        )
    if system not in _peers.TEXT_SYSTEMS:
        notes.append(f"no block decisions for {system!r}; choose from {_peers.TEXT_SYSTEMS}")
        return None
    return lambda _page, text: _peers.decisions(system, text, inst)


def explain(system: str, args: Any) -> int:
    """Run the analysis for ``system`` with the parsed CLI ``args``; print greppable lines."""
    notes: list[str] = []
    fn = _decisions_fn(system, getattr(args, "mode", "text"), notes)
    if fn is None:
        print("\n".join(f"note: {n}" for n in notes))
        return 2
    datasets = args.dataset or ["zyte"]
    kind = args.input if args.input in _data.INPUT_KINDS else "article-text"
    findings: list[Finding] = []
    tallies: dict[str, RuleTally] = defaultdict(RuleTally)
    n_pages = n_blocks = 0
    for ds in datasets:
        pages = _data.load_dataset(ds, args.data, args.limit)
        texts = _data.derived_texts(pages, [kind], workers=args.workers)[0][kind]
        for page, text in zip(pages, texts, strict=True):
            blocks = fn(page, text)
            n_pages += 1
            n_blocks += len(blocks)
            findings.extend(page_findings(page, blocks, tallies))
    out = report(findings, tallies, args)
    fd = [f for f in findings if f.kind == "FDROP"]
    fk = [f for f in findings if f.kind == "FKEEP"]
    src = "html" if getattr(args, "mode", "text") == "html" else kind
    out.append(
        f"TOTAL\t{system}\t{','.join(datasets)}\t{src}\tpages={n_pages}\tblocks={n_blocks}\t"
        f"false_drops={len(fd)}\tfalse_drop_tokens={sum(f.tokens for f in fd)}\t"
        f"false_keeps={len(fk)}\tfalse_keep_tokens={sum(f.tokens for f in fk)}"
    )
    print("\n".join(out + [f"note: {n}" for n in notes]))
    return 0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="False drops / false keeps of one system.")
    ap.add_argument("system", help="cleaner, c4, c4-quotes or identity")
    ap.add_argument("--data", type=Path, default=_data.default_data_dir())
    ap.add_argument(
        "--dataset", action="append", choices=_data.DATASETS, help="repeatable; default: zyte"
    )
    ap.add_argument("--input", choices=_data.INPUT_KINDS, default="article-text")
    ap.add_argument("--mode", choices=("text", "html"), default="text")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--workers", type=int, default=2)
    add_output_args(ap)
    return ap.parse_args(argv)


def add_output_args(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--max-per-rule", type=int, default=15, help="FDROP lines per rule (0 = all)")
    ap.add_argument("--max-keeps", type=int, default=40, help="FKEEP lines (0 = all)")
    ap.add_argument("--width", type=int, default=160, help="characters of block text shown")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    problem = _data.missing_data(args.data, args.dataset or ["zyte"])
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    return explain(args.system, args)


if __name__ == "__main__":
    sys.exit(main())
