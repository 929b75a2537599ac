"""One digest per dataset and mode of everything the cleaner outputs, to prove a refactor changed
nothing: the kept text and every removal (rule, category, text, block index, span) of every page.

    python bench/digest.py                      # all datasets, html + article-text + page-text
    PYTHONPATH=/path/to/other/checkout python bench/digest.py   # the same over another checkout

HTML mode cleans each page's decoded HTML with its URL; text mode cleans the derived texts from
the bench cache (``bench/_data.py``). A page that raises contributes its exception's type and
message. The script puts its own checkout last on ``sys.path``, so ``PYTHONPATH`` picks the code.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.append(str(Path(__file__).resolve().parents[1]))

import cleaner
from bench import _data


def fingerprint(run: Callable[[], object]) -> bytes:
    """The bytes one page contributes: its text and removals, or the error it raised."""
    try:
        cleaned = run()
    except Exception as exc:  # noqa: BLE001 - an error is output too
        return f"!{type(exc).__name__}: {exc}".encode()
    removals = "\x1e".join(
        f"{r.rule_id}\x1f{r.category}\x1f{r.text}\x1f{r.index}\x1f{r.span}"
        for r in getattr(cleaned, "removals", ())
    )
    return f"{getattr(cleaned, 'text', '')}\x1d{removals}".encode()


def digest(runs: Sequence[Callable[[], object]]) -> str:
    total = hashlib.sha256()
    for run in runs:
        total.update(hashlib.sha256(fingerprint(run)).digest())
    return total.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=_data.default_data_dir())
    parser.add_argument("--dataset", action="append", choices=_data.DATASETS)
    parser.add_argument("--mode", action="append", choices=("html", *_data.INPUT_KINDS))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    missing = _data.missing_data(args.data, args.dataset or _data.DATASETS)
    if missing:
        print(missing, file=sys.stderr)
        return 2
    print(f"# cleaner from {Path(cleaner.__file__).parent}", file=sys.stderr)
    inst = cleaner.Cleaner()
    modes = args.mode or ["html", *_data.INPUT_KINDS]
    kinds = [m for m in modes if m != "html"]
    for ds in args.dataset or _data.DATASETS:
        pages = _data.load_dataset(ds, args.data)
        if "html" in modes:
            docs = [(_data.page_html(p), p.url) for p in pages]
            runs = [lambda h=h, u=u: inst.clean_html(h, url=u) for h, u in docs]
            print(f"{ds:<17} html          {len(runs):>5}  {digest(runs)}", flush=True)
        if kinds:
            texts = _data.derived_texts(pages, kinds, workers=args.workers)[0]
            for kind in kinds:
                runs = [lambda t=t: inst.clean_text(t) for t in texts[kind]]
                print(f"{ds:<17} {kind:<13} {len(runs):>5}  {digest(runs)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
