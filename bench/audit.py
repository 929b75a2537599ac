"""Per-rule audit over the whole pool: where each rule fires and how often it takes gold text.

    python bench/audit.py                         # every rule, every dataset, every input
    python bench/audit.py --json audit.json       # ... and the same as JSON
    python bench/audit.py --rule teaser. --input article-text

For every rule and dataset: the pages it fired on, their distinct sites (``bench/_conventions``:
URL host; Mozilla's test-page name), its removals (blocks dropped, or DOM elements pruned) and
their words, and how many of them the gold keeps. A removal is judged as ``bench/analyze.py``
judges a dropped block (most of its 4-gram shingles in the gold, kept blocks claiming the gold
first; on trafilatura-eval, overlap with a "with" snippet, and unjudged unless it overlaps a
snippet). The pooled judgements sum only the datasets whose convention counts the rule's
category: a byline removal says nothing against Dragnet, whose gold keeps bylines by design
(``GOLD_KEEPS``); such a dataset's own line shows its judgements in parentheses. A removal
without a word (letters or digits: a rule of underscores, a lone symbol) is never judged.

Columns: ``pages``, ``sites``, ``removals``, ``words`` (all removals); ``judged`` (removals the
gold judges), ``hit`` (judged removals in the gold, share of judged), ``hit words`` (share of
judged words in gold removals). The ``(pool)`` line of a rule sums its datasets.

A run over the whole pool cleans every page three times (saved article text, full-page text,
raw HTML); raw HTML is most of the cost. ``--html-every N`` cleans only every N-th page's HTML.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _conventions, _data, _metric, _peers, analyze

INPUTS = ("article-text", "page-text", "html")
POOL = "(pool)"


@dataclass
class Tally:
    """One rule on one dataset (or the pool)."""

    pages: set[str] = field(default_factory=set)
    sites: set[str] = field(default_factory=set)
    removals: int = 0
    words: int = 0
    judged: int = 0
    hits: int = 0
    judged_words: int = 0
    hit_words: int = 0

    def add(self, other: Tally, judged: bool = True) -> None:
        """Add ``other``'s counts; its judgements only with ``judged``."""
        self.pages |= other.pages
        self.sites |= other.sites
        self.removals += other.removals
        self.words += other.words
        if judged:
            self.judged += other.judged
            self.hits += other.hits
            self.judged_words += other.judged_words
            self.hit_words += other.hit_words

    @property
    def hit_share(self) -> float | None:
        return self.hits / self.judged if self.judged else None

    @property
    def hit_word_share(self) -> float | None:
        return self.hit_words / self.judged_words if self.judged_words else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "pages": len(self.pages),
            "sites": len(self.sites),
            "removals": self.removals,
            "words": self.words,
            "judged": self.judged,
            "hits": self.hits,
            "hit_share": self.hit_share,
            "judged_words": self.judged_words,
            "hit_words": self.hit_words,
            "hit_word_share": self.hit_word_share,
        }


Tallies = dict[str, dict[str, Tally]]
"""rule id -> dataset -> tally."""


def page_decisions(inst: Any, page: _data.Page, kind: str, text: str) -> list[_peers.BlockDecision]:
    """The cleaner's block decisions on one page and input (pruned DOM elements first)."""
    if kind == "html":
        return _peers.cleaned_decisions(inst.clean_html(_data.page_html(page), url=page.url))
    return _peers.cleaned_decisions(inst.clean_text(text))


def tally_page(
    tallies: Tallies,
    page: _data.Page,
    site: str,
    blocks: Sequence[_peers.BlockDecision],
    gold: analyze.GoldIndex,
) -> None:
    """Add one page's removals (on one input) to ``tallies``."""
    labels = analyze.label_blocks(blocks, gold)
    key = f"{page.dataset}/{page.id}"
    for block, label in zip(blocks, labels, strict=True):
        if block.keep or not block.rule_id:
            continue
        t = tallies[block.rule_id][page.dataset]
        words = sum(1 for tok in _metric.tokenize(block.text) if tok.strip("_"))
        t.pages.add(key)
        t.sites.add(site)
        t.removals += 1
        t.words += words
        if label is None or not words:
            continue
        t.judged += 1
        t.judged_words += words
        if label:
            t.hits += 1
            t.hit_words += words


Job = tuple[_data.Page, str, dict[str, str]]
"""A page, its site, and its text per input to clean ("html": the page itself)."""

_WORKER_CLEANER: list[Any] = []


def _audit_chunk(jobs: Sequence[Job]) -> tuple[Tallies, list[str]]:
    """Tallies of a share of the pages (run in a worker process; one Cleaner per process)."""
    notes: list[str] = []
    if not _WORKER_CLEANER:
        inst = _peers.load_cleaner(notes)
        if inst is None:
            raise RuntimeError("; ".join(notes))
        _WORKER_CLEANER.append(inst)
    inst = _WORKER_CLEANER[0]
    tallies: Tallies = defaultdict(lambda: defaultdict(Tally))
    for page, site, texts in jobs:
        gold = analyze.gold_index(page)
        for kind, text in texts.items():
            try:
                blocks = page_decisions(inst, page, kind, text)
            except Exception as exc:  # noqa: BLE001 - one bad page never stops the audit
                notes.append(f"{page.dataset}/{page.id} ({kind}): {type(exc).__name__}: {exc}")
                continue
            tally_page(tallies, page, site, blocks, gold)
    return {rule: dict(per_ds) for rule, per_ds in tallies.items()}, notes


def audit(
    data_dir: Path,
    datasets: Sequence[str] = _data.DATASETS,
    inputs: Sequence[str] = INPUTS,
    limit: int | None = None,
    html_every: int = 1,
    notes: list[str] | None = None,
    workers: int = 2,
) -> Tallies:
    """Tallies of every rule that fired, per dataset and pooled (``POOL``); the pages are
    shared out among ``workers`` processes (1: all in this one)."""
    notes = notes if notes is not None else []
    chunks: list[list[Job]] = [[] for _ in range(max(1, workers) * 4)]
    for ds in datasets:
        for n, job in enumerate(_jobs(data_dir, ds, inputs, limit, html_every)):
            chunks[n % len(chunks)].append(job)
    if workers <= 1:
        results = [_audit_chunk(chunk) for chunk in chunks]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_audit_chunk, chunks))
    tallies: Tallies = defaultdict(lambda: defaultdict(Tally))
    for part, part_notes in results:
        notes.extend(part_notes)
        for rule_id, per_ds in part.items():
            for ds, t in per_ds.items():
                tallies[rule_id][ds].add(t)
    for rule_id, per_ds in tallies.items():
        pooled = Tally()
        for ds, t in list(per_ds.items()):
            pooled.add(t, judged=_conventions.counts_category(ds, category_of(rule_id)))
        per_ds[POOL] = pooled
    return tallies


def category_of(rule_id: str) -> str:
    """A rule's category: its id's first part (adblock filters remove advertisements)."""
    first = rule_id.split(".", 1)[0]
    return "advertisement" if first == "adblock" else first


def _jobs(
    data_dir: Path, dataset: str, inputs: Sequence[str], limit: int | None, html_every: int
) -> Iterator[Job]:
    pages = _data.load_dataset(dataset, data_dir, limit)
    kinds = [k for k in inputs if k != "html"]
    texts = _data.derived_texts(pages, kinds)[0] if kinds else {}
    for i, page in enumerate(pages):
        mine = {kind: texts[kind][i] for kind in kinds}
        if "html" in inputs and i % html_every == 0:
            mine["html"] = ""
        yield page, _conventions.site_of(page), mine


def _share(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def format_table(tallies: Tallies, rule_filter: str = "") -> str:
    """Rules by pooled removals; one line per dataset under each rule's pooled line."""
    head = (
        f"{'rule':<38}{'dataset':<18}{'pages':>6}{'sites':>6}{'removals':>9}{'words':>7}"
        f"{'judged':>7}{'hit':>6}{'hit words':>10}"
    )
    lines = [head, "-" * len(head)]
    order = sorted(tallies, key=lambda r: (-tallies[r][POOL].removals, r))
    for rule in (r for r in order if r.startswith(rule_filter)):
        for ds in [POOL, *sorted(d for d in tallies[rule] if d != POOL)]:
            t = tallies[rule][ds]
            name = rule if ds == POOL else ""
            judged = (
                f"{t.judged:>7}{_share(t.hit_share):>6}{_share(t.hit_word_share):>10}"
                if _counted(ds, rule)
                else f"{f'({t.judged}':>7}{_share(t.hit_share):>6}{_share(t.hit_word_share) + ')':>10}"
            )
            lines.append(
                f"{name:<38}{ds:<18}{len(t.pages):>6}{len(t.sites):>6}{t.removals:>9}"
                f"{t.words:>7}{judged}"
            )
    return "\n".join(lines)


def to_json(tallies: Tallies, meta: dict[str, Any]) -> dict[str, Any]:
    """Per rule and dataset the tally, with ``counted``: does the dataset's convention count
    the rule's category (the pooled judgements sum only the datasets that do)."""
    return {
        **meta,
        "rules": {
            rule: {
                ds: {**t.to_dict(), "counted": _counted(ds, rule)}
                for ds, t in sorted(per_ds.items())
            }
            for rule, per_ds in sorted(tallies.items())
        },
    }


def _counted(dataset: str, rule_id: str) -> bool:
    return dataset == POOL or _conventions.counts_category(dataset, category_of(rule_id))


# --- admission of a shipped rule (rules/README.md) ---------------------------------------------

MAX_HIT_SHARE = 0.10
"""At most this share of a rule's judged removals, pooled over the datasets, may be gold text."""
MIN_SITES = 3
NAMED_CATEGORIES = frozenset({"correction", "syndication", "advertisement"})
"""The categories the product is named for: a rule of these may fire on fewer sites when its
examples show at least ``MIN_WORDINGS`` wordings."""
MIN_WORDINGS = 3


def admission_problems(rule: Any, pooled: dict[str, Any] | None) -> list[str]:
    """Why ``rule`` (a ``cleaner.rules.Rule``) is not admitted, given its pooled audit figures
    (``to_json`` form; None when it never fired); empty when it is."""
    pooled = pooled or {"sites": 0, "hits": 0, "judged": 0}
    problems: list[str] = []
    judged, hits = pooled["judged"], pooled["hits"]
    if judged and hits / judged > MAX_HIT_SHARE:
        problems.append(
            f"{hits} of {judged} judged removals ({100 * hits / judged:.0f}%) are gold text "
            f"(at most {100 * MAX_HIT_SHARE:.0f}%)"
        )
    named = rule.category in NAMED_CATEGORIES
    wordings = len(set(rule.examples_drop))
    if pooled["sites"] < MIN_SITES and not rule.domains:
        if not named:
            problems.append(
                f"fires on {pooled['sites']} site(s) of the pool (needs {MIN_SITES}, "
                "or `domains = [...]`)"
            )
        elif wordings < MIN_WORDINGS:
            problems.append(
                f"fires on {pooled['sites']} site(s) and its examples show {wordings} "
                f"wording(s) (a {rule.category} rule needs {MIN_WORDINGS})"
            )
    return problems


def admission_report(rules: Sequence[Any], report: dict[str, Any]) -> dict[str, list[str]]:
    """rule id -> problems, for every rule that is not admitted."""
    out: dict[str, list[str]] = {}
    for rule in rules:
        problems = admission_problems(rule, report["rules"].get(rule.id, {}).get(POOL))
        if problems:
            out[rule.id] = problems
    return out


# --- a cached whole-pool run (the admission test) ---------------------------------------------


def fingerprint(parts: Iterable[str]) -> str:
    """SHA-1 of the rules, the cleaner's code, the bench code that judges, the inputs' cache
    version and ``parts``: a cached audit is reused only while all of them are unchanged."""
    digest = hashlib.sha1()
    root = _data.REPO_ROOT
    files = sorted(
        [*(root / "rules").glob("*.toml"), *(root / "rules").glob("*.txt")]
        + sorted((root / "cleaner").rglob("*.py"))
        + [root / "bench" / f"{name}.py" for name in _JUDGING_MODULES]
    )
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    for part in (_data.cache_version(), *parts):
        digest.update(part.encode())
    return digest.hexdigest()


_JUDGING_MODULES = ("_data", "_conventions", "_metric", "_peers", "analyze", "audit")


def cached_audit(
    data_dir: Path, html_every: int, cache_dir: Path = _data.CACHE_DIR
) -> dict[str, Any]:
    """The whole pool's audit (``to_json`` form), from ``cache_dir`` when the rules, the code
    and the settings are those it was made with; computed and stored otherwise."""
    key = fingerprint([str(data_dir.resolve()), f"html_every={html_every}"])
    path = cache_dir / f"audit-{key}.json"
    if path.is_file():
        return dict(json.loads(path.read_text(encoding="utf-8")))
    start = time.perf_counter()
    notes: list[str] = []
    tallies = audit(data_dir, _data.DATASETS, INPUTS, None, html_every, notes)
    meta = {"html_every": html_every, "notes": notes, "seconds": time.perf_counter() - start}
    report = to_json(tallies, meta)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(report) + "\n", encoding="utf-8")
    tmp.replace(path)
    return report


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--data", type=Path, default=_data.default_data_dir())
    ap.add_argument(
        "--dataset", action="append", choices=_data.DATASETS, help="repeatable; default: all"
    )
    ap.add_argument("--input", action="append", choices=INPUTS, help="repeatable; default: all")
    ap.add_argument("--limit", type=int, help="first N pages of each dataset")
    ap.add_argument("--html-every", type=int, default=1, help="clean every N-th page's HTML")
    ap.add_argument("--workers", type=int, default=2, help="processes cleaning the pages")
    ap.add_argument("--rule", default="", help="show only rules whose id starts with this")
    ap.add_argument("--json", type=Path, help="write the tallies here as JSON")
    ap.add_argument(
        "--admission",
        action="store_true",
        help="also list the shipped rules that fail admission (rules/README.md)",
    )
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    datasets = args.dataset or list(_data.DATASETS)
    problem = _data.missing_data(args.data, datasets)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    notes: list[str] = []
    start = time.perf_counter()
    inputs = args.input or list(INPUTS)
    tallies = audit(args.data, datasets, inputs, args.limit, args.html_every, notes, args.workers)
    seconds = time.perf_counter() - start
    print(format_table(tallies, args.rule))
    for note in notes:
        print(f"note: {note}")
    if args.admission:
        _print_admission(tallies)
        if args.dataset or args.input or args.limit or args.html_every > 1:
            print("note: admission is judged on the whole pool; this run saw only part of it")
    print(f"({seconds:.1f}s)")
    if args.json:
        meta = {
            "datasets": datasets,
            "inputs": inputs,
            "limit": args.limit,
            "html_every": args.html_every,
            "gold_keeps": {k: sorted(v) for k, v in _conventions.GOLD_KEEPS.items()},
            "seconds": round(seconds, 1),
        }
        args.json.write_text(json.dumps(to_json(tallies, meta), indent=2) + "\n", "utf-8")
    return 0


def _print_admission(tallies: Tallies) -> None:
    from cleaner.rules import default_rules_dir, load_rules

    rules = load_rules(default_rules_dir())
    failing = admission_report(rules, to_json(tallies, {}))
    print(f"\nadmission: {len(rules) - len(failing)} of {len(rules)} shipped rules admitted")
    for rule_id, problems in failing.items():
        print(f"NOT ADMITTED\t{rule_id}\t" + "; ".join(problems))


if __name__ == "__main__":
    sys.exit(main())
