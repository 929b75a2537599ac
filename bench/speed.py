"""Throughput of ``Cleaner().clean_text`` beside the C4 line rules, in MB/s per core.

    python bench/speed.py [--repeat 5] [--dataset zyte ...] [--limit N]

Corpus: the cached article-text of every dataset (built on first use). One ``Cleaner`` is
constructed before timing; the systems take turns over the whole corpus, ``--repeat`` passes
each, and the best CPU time (``time.process_time``, single process) counts: the shared VM's
speed wanders by a tenth from pass to pass, and five passes find a quiet one more often than
three. MB = 10**6 bytes of UTF-8 input.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _data, _peers


def corpus(data_dir: Path, datasets: Sequence[str], limit: int | None, workers: int) -> list[str]:
    texts: list[str] = []
    for ds in datasets:
        pages = _data.load_dataset(ds, data_dir, limit)
        texts.extend(
            _data.derived_texts(pages, ["article-text"], workers=workers)[0]["article-text"]
        )
    return texts


def best_cpu_seconds(
    systems: dict[str, Callable[[str], object]], texts: Sequence[str], repeat: int
) -> dict[str, float]:
    """Smallest CPU time of ``repeat`` passes of each system over ``texts``. The systems take
    turns pass by pass, so a change in the machine's load during the run (it is shared) falls
    on all of them rather than on whichever ran last."""
    best = dict.fromkeys(systems, float("inf"))
    for _ in range(max(1, repeat)):
        for name, fn in systems.items():
            start = time.process_time()
            for text in texts:
                fn(text)
            best[name] = min(best[name], time.process_time() - start)
    return best


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="MB/s per core: cleaner.clean_text vs C4 line rules")
    ap.add_argument("--data", type=Path, default=_data.default_data_dir())
    ap.add_argument(
        "--dataset", action="append", choices=_data.DATASETS, help="repeatable; default: all"
    )
    ap.add_argument("--repeat", type=int, default=5, help="best of N passes (default 5)")
    ap.add_argument("--limit", type=int, help="first N pages of each dataset")
    ap.add_argument("--workers", type=int, default=2, help="processes for building caches")
    ap.add_argument("--json", type=Path, help="write machine-readable results here")
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    problem = _data.missing_data(args.data, args.dataset or list(_data.DATASETS))
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    texts = corpus(args.data, args.dataset or list(_data.DATASETS), args.limit, args.workers)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"corpus: {len(texts)} article-text documents, {megabytes:.2f} MB, best of {args.repeat}")
    systems: dict[str, Callable[[str], object]] = {"c4": _peers.c4}
    notes: list[str] = []
    inst = _peers.load_cleaner(notes)
    if inst is not None:
        systems = {"cleaner": inst.clean_text, **systems}
    results: dict[str, float] = {}
    for name, seconds in best_cpu_seconds(systems, texts, args.repeat).items():
        results[name] = megabytes / seconds if seconds > 0 else float("inf")
        print(f"{name:<10}{results[name]:>10.2f} MB/s per core   ({seconds:.3f} CPU-s a pass)")
    if "cleaner" in results:
        print(f"ratio cleaner/c4: {results['cleaner'] / results['c4']:.3f}")
    for note in notes:
        print(f"note: {note}")
    if args.json:
        payload = {
            "documents": len(texts),
            "megabytes": megabytes,
            "repeat": args.repeat,
            "mb_per_s": results,
            "notes": notes,
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
