"""Quality of the cleaner beside its peers on public extraction benchmarks.

    python bench/quality.py                       # the whole pool in one table (see below)
    python bench/quality.py --save                # ... and write it to bench/results/
    python bench/quality.py --mode text           # text inputs: identity, c4, c4-quotes, cleaner
    python bench/quality.py --mode html           # raw HTML: cleaner, trafilatura(-fast), readability
    python bench/quality.py --self-test           # metric check on Zyte's published trafilatura output
    python bench/quality.py --explain-errors cleaner --dataset zyte --input article-text

Zyte, Mozilla and CleanEval are scored with the Zyte shingle metric (F1/P/R of 4-gram shingles,
accuracy = exact token match); trafilatura-eval with its own snippet metric.

The pool table (``--mode pool``, the default) has one row per dataset and input (saved article
text, full-page text, raw HTML) and the F1 of: no cleaning (the input itself; for HTML, the
page's full text), the C4 line rules on that text, trafilatura on the page's HTML (the same
figure on every row of a dataset: the peer to beat), the cleaner, its gain over no cleaning,
and the same for the convention-fair output: the headline and the removals of the categories
that dataset's gold keeps put back (``bench/_conventions.py``). Targets: ``bench/_targets.py``.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _conventions, _data, _metric, _peers, _targets, analyze

SELF_TEST_F1 = 0.958
SELF_TEST_TOLERANCE = 0.001
POOL_INPUTS = ("article-text", "page-text", "html")
RESULTS_DIR = _data.REPO_ROOT / "bench" / "results"


@dataclass(frozen=True, slots=True)
class Row:
    dataset: str
    input: str
    system: str
    metric: str
    pages: int
    f1: float
    precision: float
    recall: float
    accuracy: float
    errors: int = 0
    pages_per_cpu_s: float | None = None


_Scores = _metric.Scores | _metric.SnippetScores
_T = TypeVar("_T")


def prepared_golds(pages: Sequence[_data.Page]) -> list[_metric.Shingled] | None:
    """Gold texts tokenised once per dataset (None for the snippet-scored trafilatura-eval)."""
    if not pages or pages[0].gold is None:
        return None
    return [_metric.prepare(p.gold) for p in pages]


def score(
    pages: Sequence[_data.Page],
    outputs: Sequence[str | None],
    golds: Sequence[_metric.Shingled] | None = None,
) -> tuple[str, _Scores]:
    """("shingle4", Zyte scores) for pages with gold text, ("snippet", ...) for trafilatura-eval."""
    if pages and pages[0].gold is None:
        counts = (
            _metric.snippet_counts(p.with_snippets, p.without_snippets, out)
            for p, out in zip(pages, outputs, strict=True)
        )
        return "snippet", _metric.score_snippets(counts)
    gold: Sequence[_metric.Shingled | str | None] = golds or [p.gold for p in pages]
    return "shingle4", _metric.score_pages(zip(gold, outputs, strict=True))


def _row(
    ds: str,
    kind: str,
    system: str,
    pages: Sequence[_data.Page],
    outputs: Sequence[str | None],
    errors: int,
    speed: float | None = None,
    golds: Sequence[_metric.Shingled] | None = None,
) -> Row:
    metric, s = score(pages, outputs, golds)
    return Row(
        ds, kind, system, metric, s.pages, s.f1, s.precision, s.recall, s.accuracy, errors, speed
    )


def run_each(fn: Callable[..., _T], args: tuple[object, ...], errors: list[str]) -> _T | None:
    """Run one extraction; a crash counts as empty output (None) and is recorded."""
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - as the benchmarks do: a crash is an empty output
        errors.append(f"{type(exc).__name__}: {exc}")
        return None


def text_rows(args: argparse.Namespace, notes: list[str], timings: dict[str, float]) -> list[Row]:
    kinds = list(_data.INPUT_KINDS) if args.input == "both" else [args.input]
    systems = _peers.text_systems(args.systems or list(_peers.TEXT_SYSTEMS), notes)
    rows: list[Row] = []
    for ds in args.dataset or list(_data.DATASETS):
        pages = _data.load_dataset(ds, args.data, args.limit)
        texts, report = _data.derived_texts(pages, kinds, workers=args.workers)
        timings[ds] = report.seconds
        golds = prepared_golds(pages)
        if report.computed:
            notes.append(f"{ds}: built {report.computed} cache entries in {report.seconds:.1f}s")
        for kind in kinds:
            for name, fn in systems.items():
                errors: list[str] = []
                outs = [run_each(fn, (t,), errors) for t in texts[kind]]
                _note_errors(notes, ds, kind, name, errors)
                rows.append(_row(ds, kind, name, pages, outs, len(errors), golds=golds))
    return rows


def html_rows(args: argparse.Namespace, notes: list[str]) -> list[Row]:
    systems = _peers.html_systems(args.systems or list(_peers.HTML_SYSTEMS), notes)
    rows: list[Row] = []
    for ds in args.dataset or list(_data.DATASETS):
        pages = _data.load_dataset(ds, args.data, args.limit)
        docs = [(_data.page_html(p), p.url) for p in pages]
        golds = prepared_golds(pages)
        for name, (outs, cpu, errors) in _timed_outputs(systems, docs).items():
            if docs and len(errors) == len(docs):
                notes.append(f"{name} skipped on {ds}: every page failed; first: {errors[0][:200]}")
                continue
            _note_errors(notes, ds, "html", name, errors)
            speed = len(docs) / cpu if cpu > 0 else None
            rows.append(_row(ds, "html", name, pages, outs, len(errors), speed, golds))
    return rows


@dataclass(frozen=True, slots=True)
class PoolRow:
    """One dataset and input of the pool table (F1 figures; gains are cleaner minus none)."""

    dataset: str
    input: str
    metric: str
    pages: int
    none: float
    c4: float
    trafilatura: float
    cleaner: float
    gain: float
    cleaner_fair: float
    gain_fair: float
    errors: int
    cleaner_cpu_s: float


def pool_rows(args: argparse.Namespace, notes: list[str], timings: dict[str, float]) -> list[PoolRow]:
    """The pool table: every dataset asked for, every input, one row each."""
    inst = _peers.load_cleaner(notes)
    if inst is None:
        return []
    rows: list[PoolRow] = []
    for ds in args.dataset or list(_data.DATASETS):
        start = time.perf_counter()
        pages = _data.load_dataset(ds, args.data, args.limit)
        kinds = [*_data.INPUT_KINDS, *_data.PEER_KINDS]
        texts, report = _data.derived_texts(pages, kinds, workers=args.workers)
        if report.computed:
            notes.append(f"{ds}: built {report.computed} cache entries in {report.seconds:.1f}s")
        golds = prepared_golds(pages)
        for kind in POOL_INPUTS:
            rows.append(_pool_row(inst, pages, texts, kind, golds, notes))
        timings[ds] = time.perf_counter() - start
    return rows


def _pool_row(
    inst: Any,
    pages: Sequence[_data.Page],
    texts: dict[str, list[str]],
    kind: str,
    golds: Sequence[_metric.Shingled] | None,
    notes: list[str],
) -> PoolRow:
    ds = pages[0].dataset if pages else ""
    plain = texts["page-text" if kind == "html" else kind]
    cleaned, cpu, errors = _clean_all(inst, pages, plain, kind)
    _note_errors(notes, ds, kind, "cleaner", errors)
    keeps = _conventions.gold_keeps(ds)
    outs = [c.text if c is not None else None for c in cleaned]
    fair = [_conventions.fair_text(c, keeps) if c is not None else None for c in cleaned]

    def f1(outputs: Sequence[str | None]) -> float:
        return score(pages, outputs, golds)[1].f1

    metric, none = score(pages, plain, golds)
    ours, ours_fair = f1(outs), f1(fair)
    return PoolRow(
        ds, kind, metric, none.pages, none.f1, f1([_peers.c4(t) for t in plain]),
        f1(texts["trafilatura"]), ours, ours - none.f1, ours_fair, ours_fair - none.f1,
        len(errors), cpu,
    )  # fmt: skip


def _clean_all(
    inst: Any, pages: Sequence[_data.Page], plain: Sequence[str], kind: str
) -> tuple[list[Any | None], float, list[str]]:
    """The cleaner's result per page (None where it crashed), its CPU seconds, the errors."""
    errors: list[str] = []
    fn = getattr(inst, "clean_html" if kind == "html" else "clean_text")
    start = time.process_time()
    if kind == "html":
        out = [run_each(fn, (_data.page_html(p), p.url), errors) for p in pages]
    else:
        out = [run_each(fn, (t,), errors) for t in plain]
    return out, time.process_time() - start, errors


def format_pool(rows: Sequence[PoolRow]) -> str:
    """The pool table as Markdown."""
    lines = [
        "| dataset | input | pages | none | C4 | trafilatura | cleaner | gain | fair | fair gain "
        "| cleaner cpu-s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.dataset} | {r.input} | {r.pages} | {r.none:.4f} | {r.c4:.4f} | "
            f"{r.trafilatura:.4f} | {r.cleaner:.4f} | {r.gain:+.4f} | {r.cleaner_fair:.4f} | "
            f"{r.gain_fair:+.4f} | {r.cleaner_cpu_s:.1f} |"
        )
    return "\n".join(lines)


def _timed_outputs(
    systems: dict[str, _peers.HtmlSystem], docs: Sequence[tuple[str, str | None]]
) -> dict[str, tuple[list[str | None], float, list[str]]]:
    """Each system's outputs, CPU seconds spent inside its extractor calls only, and errors.

    The systems take turns page by page (the first to go changes from page to page), so a
    change in the shared machine's load falls on all of them, not on whichever ran last. One
    untimed call on the first page comes first, so one-time work (a lazy rule compile, a
    module imported on first use) is not charged to whichever system happens to run first."""
    names = list(systems)
    outs: dict[str, list[str | None]] = {name: [] for name in names}
    cpu = dict.fromkeys(names, 0.0)
    errors: dict[str, list[str]] = {name: [] for name in names}
    if docs:
        for fn in systems.values():
            run_each(fn, docs[0], [])
    for n, doc in enumerate(docs):
        for k in range(len(names)):
            name = names[(n + k) % len(names)]
            start = time.process_time()
            out = run_each(systems[name], doc, errors[name])
            cpu[name] += time.process_time() - start
            outs[name].append(out)
    return {name: (outs[name], cpu[name], errors[name]) for name in names}


def _note_errors(notes: list[str], ds: str, kind: str, name: str, errors: list[str]) -> None:
    if errors:
        notes.append(
            f"{name} crashed on {len(errors)} {ds}/{kind} pages (counted as empty); "
            f"first: {errors[0][:200]}"
        )


def format_table(rows: Sequence[Row]) -> str:
    head = (
        f"{'dataset':<17}{'input':<14}{'system':<18}{'metric':<10}{'pages':>6}"
        f"{'F1':>8}{'P':>8}{'R':>8}{'acc':>8}{'err':>5}"
    )
    with_speed = any(r.pages_per_cpu_s is not None for r in rows)
    if with_speed:
        head += f"{'pages/cpu-s':>13}"
    lines = [head, "-" * len(head)]
    for r in rows:
        line = (
            f"{r.dataset:<17}{r.input:<14}{r.system:<18}{r.metric:<10}{r.pages:>6}"
            f"{r.f1:>8.3f}{r.precision:>8.3f}{r.recall:>8.3f}{r.accuracy:>8.3f}{r.errors:>5}"
        )
        if with_speed:
            line += f"{r.pages_per_cpu_s:>13.1f}" if r.pages_per_cpu_s else f"{'-':>13}"
        lines.append(line)
    return "\n".join(lines)


def load_published(path: Path) -> dict[str, dict[str, str]]:
    """A Zyte prediction file: ``{id: {"articleBody": ...}}`` or ``{"version", "output"}``."""
    data = json.loads(
        gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    )
    if isinstance(data, dict) and "output" in data and "version" in data:
        data = data["output"]
    return dict(data)


def self_test(data_dir: Path) -> int:
    """Score Zyte's published trafilatura output; 0 when F1 reproduces 0.958 +- 0.001."""
    root = data_dir / "zyte-article-extraction-benchmark"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pred = load_published(root / "published-outputs" / "trafilatura.json.gz")
    if pred.keys() != truth.keys():
        print("self-test FAILED: prediction keys do not match ground truth")
        return 1
    pairs = [(truth[k].get("articleBody", ""), pred[k].get("articleBody", "")) for k in truth]
    s = _metric.score_pages(pairs)
    f1_sd, p_sd, r_sd = _metric.bootstrap_std([_metric.page_counts(t, p) for t, p in pairs])
    ok = abs(s.f1 - SELF_TEST_F1) <= SELF_TEST_TOLERANCE
    print(
        f"zyte published trafilatura 2.0.0: F1={s.f1:.3f} ± {f1_sd:.3f}  "
        f"P={s.precision:.3f} ± {p_sd:.3f}  R={s.recall:.3f} ± {r_sd:.3f}  "
        f"accuracy={s.accuracy:.3f}  pages={s.pages}"
    )
    print(
        f"expected (README): F1=0.958 ± 0.006  P=0.938  R=0.978  accuracy=0.293 -> "
        f"{'OK' if ok else 'FAILED'}"
    )
    return 0 if ok else 1


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument(
        "--data",
        type=Path,
        default=_data.default_data_dir(),
        help="benchmark data dir (default: ../shared/bench from the repo root, "
        "or $CLEANER_BENCH_DATA)",
    )
    ap.add_argument(
        "--dataset", action="append", choices=_data.DATASETS, help="repeatable; default: all"
    )
    ap.add_argument("--input", choices=(*_data.INPUT_KINDS, "both"), default="both")
    ap.add_argument(
        "--mode",
        choices=("pool", "text", "html"),
        default="pool",
        help="pool (default): one table, every dataset and input, with C4, trafilatura and the "
        "gain over no cleaning; text / html: every system per input, with P, R, accuracy",
    )
    ap.add_argument(
        "--save",
        action="store_true",
        help="pool mode: also write the table (Markdown) and the rows (JSON) to bench/results/, "
        "named by date and commit",
    )
    ap.add_argument(
        "--systems",
        type=lambda s: [x.strip() for x in s.split(",") if x.strip()],
        help="comma list (text: identity,c4,c4-quotes,cleaner; "
        "html: cleaner,trafilatura,trafilatura-fast,readability)",
    )
    ap.add_argument("--limit", type=int, help="first N pages of each dataset")
    ap.add_argument("--json", type=Path, help="write machine-readable results here")
    ap.add_argument("--workers", type=int, default=2, help="processes for building caches")
    ap.add_argument(
        "--self-test",
        action="store_true",
        help="check the metric on Zyte's published trafilatura output and exit",
    )
    ap.add_argument(
        "--explain-errors",
        metavar="SYSTEM",
        help="list false drops / false keeps of SYSTEM on --dataset (default zyte) and "
        "--input (default article-text); see bench/analyze.py",
    )
    analyze.add_output_args(ap)
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    needed = ["zyte"] if args.self_test else args.dataset or list(_data.DATASETS)
    problem = _data.missing_data(args.data, needed)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if args.self_test:
        return self_test(args.data)
    if args.explain_errors:
        return analyze.explain(args.explain_errors, args)
    if args.mode == "pool":
        return run_pool(args)
    notes: list[str] = []
    timings: dict[str, float] = {}
    start = time.perf_counter()
    rows = text_rows(args, notes, timings) if args.mode == "text" else html_rows(args, notes)
    print(format_table(rows))
    for note in notes:
        print(f"note: {note}")
    print(f"({time.perf_counter() - start:.1f}s)")
    if args.json:
        payload = {
            "mode": args.mode,
            "data": str(args.data),
            "limit": args.limit,
            "cache_version": _data.cache_version(),
            "input_seconds": timings,
            "notes": notes,
            "rows": [asdict(r) for r in rows],
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


def run_pool(args: argparse.Namespace) -> int:
    """Print the pool table and the targets; with --json / --save, write them too."""
    notes: list[str] = []
    timings: dict[str, float] = {}
    start = time.perf_counter()
    commit = _commit()  # the code that runs: taken before, as a commit may land meanwhile
    rows = pool_rows(args, notes, timings)
    if not rows:
        print("\n".join(f"note: {n}" for n in notes), file=sys.stderr)
        return 2
    seconds = time.perf_counter() - start
    found = _targets.checks(rows)
    table, checks = format_pool(rows), _targets.format_checks(found)
    print(f"{table}\n\n{checks}")
    for note in notes:
        print(f"note: {note}")
    print(f"({seconds:.1f}s; per dataset: " + ", ".join(f"{k} {v:.0f}s" for k, v in timings.items()) + ")")
    payload = {
        "mode": "pool",
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
        "limit": args.limit,
        "cache_version": _data.cache_version(),
        "gold_keeps": {k: sorted(v) for k, v in _conventions.GOLD_KEEPS.items()},
        "seconds": round(seconds, 1),
        "dataset_seconds": {k: round(v, 1) for k, v in timings.items()},
        "notes": notes,
        "rows": [asdict(r) for r in rows],
        "targets": [{**asdict(c), "met": c.met} for c in found],
    }
    if args.json:
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    if args.save:
        _save(payload, table, checks)
    return 0


def _commit() -> str:
    """The checkout's commit (short), with ``+dirty`` when tracked files differ from it."""
    def git(*cmd: str) -> str:
        done = subprocess.run(
            ["git", *cmd], cwd=_data.REPO_ROOT, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    head = git("rev-parse", "--short=9", "HEAD") or "unknown"
    return head + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def _save(payload: dict[str, object], table: str, checks: str) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    day = str(payload["date"])[:10]
    stem = RESULTS_DIR / f"quality-{day}-{str(payload['commit']).replace('+', '-')}"
    stem.with_suffix(".json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    head = (
        f"# Quality of the pool, {payload['date']}, commit {payload['commit']}\n\n"
        f"`python bench/quality.py --save` (limit: {payload['limit']}); inputs cached as "
        f"`{payload['cache_version']}`; took {payload['seconds']} s. F1 (Zyte shingle metric; "
        "trafilatura-eval: its snippet metric). *none* = the input uncleaned (for HTML: the page's "
        "full text); *trafilatura* = trafilatura on the page's HTML; *fair* = the cleaner with "
        f"the headline and the categories the gold keeps put back: {payload['gold_keeps']}.\n\n"
    )
    stem.with_suffix(".md").write_text(f"{head}{table}\n\n{checks}\n", encoding="utf-8")
    print(f"saved {stem}.md and .json")


if __name__ == "__main__":
    sys.exit(main())
