"""What learning each site's furniture (``cleaner clean --learn``) adds on real multi-page sites.

    python bench/learn.py                          # dragnet-train: F1 plain vs --learn, speed
    python bench/learn.py --min-pages 4 --min-share 0.3 --show-rules

The site of a dragnet page is its canonical link or og:url (as ``_data`` reads it). Learning
reads every page; scores are over the pages of sites with at least ``--site-pages`` pages.
For each input (the HTML, and the saved texts ``article-text`` and ``page-text``) it prints F1
of plain cleaning and with the learned rules, the words the learned rules removed and the share
of them the gold keeps, and the CPU time of the learning pass against the cleaning pass.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _data, _metric
from cleaner import Cleaner
from cleaner._model import Cleaned
from cleaner.learning import Counts, Settings, count_document, finish, site_key
from cleaner.sources import Document


def _documents(pages: Sequence[_data.Page], kind: str, texts: dict[str, list[str]]) -> list[Document]:
    if kind == "html":
        return [Document(p.id, _data.page_html(p), "html", url=p.url) for p in pages]
    return [Document(p.id, texts[kind][i], "text", url=p.url) for i, p in enumerate(pages)]


def _clean(cleaner: Cleaner, doc: Document) -> Cleaned:
    if doc.kind == "html":
        return cleaner.clean_html(doc.content, url=doc.url)
    assert isinstance(doc.content, str)
    return cleaner.clean_text(doc.content, url=doc.url)


def _norm(text: str) -> str:
    return " ".join(_metric.tokenize(text))


def run(kind: str, pages: Sequence[_data.Page], docs: list[Document], scored: list[int],
        base: Cleaner, settings: Settings, show: bool) -> None:
    started = time.process_time()
    counts = Counts()
    for doc in docs:
        count_document(counts, base, doc)
    learn_cpu = time.process_time() - started
    learned = finish(counts, base, settings)
    with_learned = Cleaner([*base.rules, *learned.rules], default_rules=False)
    started = time.process_time()
    plain = [_clean(base, docs[i]) for i in scored]
    clean_cpu = time.process_time() - started
    after = [_clean(with_learned, docs[i]) for i in scored]
    golds = [pages[i].gold for i in scored]
    f1_plain = _metric.score_pages(zip(golds, [c.text for c in plain])).f1
    f1_after = _metric.score_pages(zip(golds, [c.text for c in after])).f1
    words = kept = 0
    by_rule: Counter[str] = Counter()
    texts: dict[str, tuple[str, bool]] = {}
    for gold, cleaned in zip(golds, after):
        gold_norm = f" {_norm(gold or '')} "
        for removal in cleaned.removed:
            if not removal.rule_id.startswith("site."):
                continue
            n = len(removal.text.split())
            in_gold = f" {_norm(removal.text)} " in gold_norm
            words += n
            kept += n if in_gold else 0
            by_rule[removal.rule_id] += 1
            texts[removal.rule_id] = (removal.text, in_gold or texts.get(removal.rule_id, ("", False))[1])
    share = kept / words if words else 0.0
    rate = len(docs) / learn_cpu if learn_cpu else 0.0
    clean_rate = len(scored) / clean_cpu if clean_cpu else 0.0
    print(f"{kind:12} F1 {f1_plain:.4f} -> {f1_after:.4f} ({f1_after - f1_plain:+.4f}); "
          f"{len(learned.rules)} rules, {sum(by_rule.values())} blocks / {words} words removed by them, "
          f"{share:.1%} of those words kept by the gold; learning {rate:.0f} pages/CPU-s, "
          f"cleaning {clean_rate:.0f} pages/CPU-s ({rate / clean_rate if clean_rate else 0:.2f}x)")
    if show:
        for rule in learned.rules:
            text, in_gold = texts.get(rule.id, (rule.examples_drop[0], False))
            mark = "GOLD" if in_gold else "    "
            print(f"  {mark} {by_rule[rule.id]:3} {rule.id} [{rule.category}] {text[:90]!r}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=_data.default_data_dir())
    parser.add_argument("--input", choices=["html", "article-text", "page-text", "all"], default="all")
    parser.add_argument("--min-pages", type=int, default=Settings().min_pages)
    parser.add_argument("--min-share", type=float, default=Settings().min_share)
    parser.add_argument("--site-pages", type=int, default=5,
                        help="Score the pages of sites with at least this many pages.")
    parser.add_argument("--show-rules", action="store_true")
    args = parser.parse_args(argv)
    problem = _data.missing_data(args.data, ["dragnet-train"])
    if problem:
        print(problem, file=sys.stderr)
        return 2
    pages = _data.load_dataset("dragnet-train", args.data)
    sites = [site_key(None, p.url, None) for p in pages]
    sizes = Counter(s for s in sites if s)
    scored = [i for i, s in enumerate(sites) if s and sizes[s] >= args.site_pages]
    big = sum(1 for n in sizes.values() if n >= args.site_pages)
    print(f"dragnet-train: {len(pages)} pages, {len(sizes)} sites; scoring {len(scored)} pages of "
          f"{big} sites with >= {args.site_pages} pages; K={args.min_pages}, f={args.min_share}")
    kinds = ["html", "article-text", "page-text"] if args.input == "all" else [args.input]
    text_kinds = [k for k in kinds if k != "html"]
    texts = _data.derived_texts(pages, text_kinds)[0] if text_kinds else {}
    base = Cleaner()
    settings = Settings(args.min_pages, args.min_share)
    for kind in kinds:
        run(kind, pages, _documents(pages, kind, texts), scored, base, settings, args.show_rules)
    return 0


if __name__ == "__main__":
    sys.exit(main())
