"""HTML bytes to text: the cleaner's decoding beside bs4's UnicodeDammit, on the benchmark pages.

    python bench/decoding.py            # every dataset with gold text

"dammit-fallback" is the cleaner's decoding with UnicodeDammit only where the cleaner guesses.

A page's bytes are decoded without any outside hint (as a saved file is), and the decoding is
scored by the gold text's non-ASCII words (``café``, ``Zürich``, ``—``): the share of them that
occur in the decoded page (entities resolved). ASCII words say nothing about the charset, so
pages whose gold is plain ASCII do not count. A page decoded wrongly loses most of its
non-ASCII words (mojibake), one decoded rightly keeps nearly all.
"""

from __future__ import annotations

import argparse
import codecs
import html
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bs4 import UnicodeDammit

from bench import _data
from cleaner._decode import declared_charset, decode_html

_WORD = re.compile(r"[^\s<>&;,.:!?()\[\]\"'“”‘’«»]+")
Decoder = Callable[[bytes], str]


def cleaner_decode(data: bytes) -> str:
    return decode_html(data, "<page>")


def dammit_decode(data: bytes) -> str:
    markup = UnicodeDammit(data, is_html=True).unicode_markup
    return markup if markup is not None else data.decode("cp1252", errors="replace")


def dammit_fallback(data: bytes) -> str:
    """The cleaner's decoding, but UnicodeDammit where the cleaner would guess (no byte-order
    mark, no declared charset, not UTF-8)."""
    if data.startswith(_BOMS) or declared_charset(data) is not None:
        return cleaner_decode(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return dammit_decode(data)


_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
DECODERS: dict[str, Decoder] = {"cleaner": cleaner_decode, "UnicodeDammit": dammit_decode,
                                "dammit-fallback": dammit_fallback}


def gold_words(page: _data.Page) -> set[str]:
    text = page.gold if page.gold is not None else "\n".join(page.with_snippets)
    return {w for w in _WORD.findall(text) if not w.isascii()}


def score(pages: Sequence[_data.Page], decode: Decoder) -> tuple[int, int, int, float]:
    """(pages with non-ASCII gold, words found, words in all, seconds)."""
    counted = found = total = 0
    seconds = 0.0
    for page in pages:
        words = gold_words(page)
        if not words:
            continue
        started = time.perf_counter()
        text = html.unescape(decode(page.raw))
        seconds += time.perf_counter() - started
        counted += 1
        total += len(words)
        found += sum(1 for w in words if w in text)
    return counted, found, total, seconds


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--data", type=Path, default=_data.default_data_dir())
    args = ap.parse_args(argv)
    print(f"{'dataset':17} {'decoder':14} {'pages':>5} {'words found':>14} {'share':>7} {'ms/page':>8}")
    for name in ("zyte", "mozilla", "cleaneval", "trafilatura-eval"):
        pages = _data.load_dataset(name, args.data)
        for label, decode in DECODERS.items():
            counted, found, total, seconds = score(pages, decode)
            share = found / total if total else 0.0
            per_page = 1000 * seconds / counted if counted else 0.0
            print(f"{name:17} {label:14} {counted:5} {found:6}/{total:<7} {share:7.4f} {per_page:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
