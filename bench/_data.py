"""Benchmark datasets (read from the shared data dir, never copied) and the derived text inputs.

Datasets: ``zyte``, ``mozilla``, ``cleaneval`` (dev + final), ``trafilatura-eval``,
``dragnet-train`` (gold: the article part of the corrected text, cut at the comments marker).
Derived inputs, cached as JSONL under ``bench/.cache/`` (gitignored):

* ``article-text``: ``trafilatura.extract(html, url=url, favor_recall=True, include_comments=False,
  include_tables=True)`` (None -> "");
* ``page-text``: ``html_text.extract_text(html, guess_layout=True)``;
* ``trafilatura``: ``trafilatura.extract(html, url=url, include_comments=False)`` (None -> ""), the
  peer a cleaner of raw HTML is compared with (not an input: ``INPUT_KINDS`` are the inputs).

Each cache record carries the SHA-1 of the page's raw bytes, so a changed page is recomputed.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from lxml import etree  # type: ignore[import-untyped,unused-ignore]
from lxml import html as lxml_html  # type: ignore[import-untyped,unused-ignore]

REPO_ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = REPO_ROOT / "bench" / ".cache"
DATASETS = ("zyte", "mozilla", "cleaneval", "trafilatura-eval", "dragnet-train")
INPUT_KINDS = ("article-text", "page-text")
PEER_KINDS = ("trafilatura",)
CACHE_SCHEMA = "2"
MOZILLA_URL = "http://fakehost/test/page.html"  # the URL Readability.js's own tests use


@dataclass(frozen=True, slots=True)
class Page:
    """One benchmark page. ``raw`` is the (gunzipped) input bytes; decode with :func:`page_html`."""

    dataset: str
    id: str
    url: str | None
    raw: bytes
    encoding_hint: str | None = None
    gold: str | None = None
    """Plain-text gold body (None for trafilatura-eval, which has snippets instead)."""
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()

    @property
    def digest(self) -> str:
        return hashlib.sha1(self.raw).hexdigest()


def missing_data(data_dir: Path, datasets: Sequence[str] = DATASETS) -> str | None:
    """An error message when the data dir lacks one of ``datasets``, else None."""
    folders = {
        "zyte": "zyte-article-extraction-benchmark",
        "mozilla": "mozilla-readability-test-pages",
        "cleaneval": "cleaneval",
        "trafilatura-eval": "trafilatura-eval",
        "dragnet-train": "dragnet-train",
    }
    absent = [ds for ds in datasets if not (data_dir / folders[ds]).is_dir()]
    if absent:
        return f"benchmark data not found in {data_dir} ({', '.join(absent)}); use --data DIR"
    return None


def default_data_dir() -> Path:
    env = os.environ.get("CLEANER_BENCH_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "bench"


# --- decoding --------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_WEB_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
}


def _codec(name: str | None) -> str | None:
    """A Python codec for a declared charset (browsers read latin-1/ascii as windows-1252)."""
    if not name:
        return None
    label = name.strip().lower().removeprefix("unknown-")
    label = _WEB_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_bytes(data: bytes, hint: str | None = None, sniff_meta: bool = True) -> str:
    """BOM, else strict UTF-8, else the declared charset (hint, then <meta>), else detection."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    meta = _META_CHARSET_RE.search(data[:8192]) if sniff_meta else None
    for declared in (hint, meta.group(1).decode("ascii", "replace") if meta else None):
        codec = _codec(declared)
        if codec and codec not in ("utf-8", "utf-16", "utf-32"):
            return data.decode(codec, errors="replace")
    return _detect(data)


def _detect(data: bytes) -> str:
    import charset_normalizer  # lazy: only non-UTF-8 pages without a usable declaration

    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("cp1252", errors="replace")


def page_html(page: Page) -> str:
    return decode_bytes(page.raw, page.encoding_hint)


# --- HTML to block text (Mozilla gold, readability output) ------------------------------------

_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "caption",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
    }
)
_CELL_TAGS = frozenset({"td", "th"})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head"})


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: block elements on their own lines, spaces normalised."""
    if not markup.strip():
        return ""
    try:
        root = lxml_html.fromstring(markup)
    except (etree.ParserError, ValueError):
        return ""
    parts: list[str] = []
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _SKIP_TAGS:
                walker.skip_subtree()
                continue
            parts.append("\n" if tag in _BLOCK_TAGS else " " if tag in _CELL_TAGS else "")
            parts.append(el.text or "")
        else:
            if event == "end" and tag in _BLOCK_TAGS:
                parts.append("\n")
            if el is not root:
                parts.append(el.tail or "")
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


# --- loaders ---------------------------------------------------------------------------------


def _gunzip(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def load_zyte(data_dir: Path) -> Iterator[Page]:
    root = data_dir / "zyte-article-extraction-benchmark"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(truth):
        raw = _gunzip(root / "html" / f"{key}.html.gz")
        item = truth[key]
        yield Page("zyte", key, item.get("url"), raw, "utf-8", item.get("articleBody") or "")


def load_mozilla(data_dir: Path) -> Iterator[Page]:
    root = data_dir / "mozilla-readability-test-pages" / "test-pages"
    for folder in sorted(p for p in root.iterdir() if (p / "source.html.gz").is_file()):
        expected = decode_bytes((folder / "expected.html").read_bytes())
        raw = _gunzip(folder / "source.html.gz")
        yield Page("mozilla", folder.name, MOZILLA_URL, raw, None, html_to_text(expected))


_WRAPPER_RE = re.compile(rb'\A\s*<text\b((?:[^>"]|"[^"]*")*)>[^\n]*\n?')
_WRAPPER_ATTR_RE = re.compile(rb'(\w+)="([^"]*)"')
_WRAPPER_END_RE = re.compile(rb"</text>\s*\Z")
_CLEANEVAL_MARK_RE = re.compile(r"<[phl]>")


def split_cleaneval_wrapper(raw: bytes) -> tuple[bytes, str | None, str | None]:
    """Drop the ``<text id=URL title=... encoding=...>`` first line and the closing ``</text>``;
    return (html bytes, url, declared encoding)."""
    match = _WRAPPER_RE.match(raw)
    if not match:
        return raw, None, None
    attrs = {k.decode(): v.decode("latin-1") for k, v in _WRAPPER_ATTR_RE.findall(match.group(1))}
    body = _WRAPPER_END_RE.sub(b"", raw[match.end() :])
    return body, attrs.get("id") or None, attrs.get("encoding") or None


def cleaneval_gold(text: str) -> str:
    """Gold text without the first ``URL:`` line and the ``<p>``/``<h>``/``<l>`` marks."""
    lines = text.splitlines()
    if lines and lines[0].startswith("URL:"):
        lines = lines[1:]
    body = _CLEANEVAL_MARK_RE.sub("\n", "\n".join(lines))
    kept = (line.strip() for line in body.split("\n"))
    return "\n".join(line for line in kept if line)


def load_cleaneval(data_dir: Path) -> Iterator[Page]:
    root = data_dir / "cleaneval"
    for split in ("dev", "final"):
        gold_dir = root / split / "GoldStandard"
        paths = sorted(gold_dir.glob("*.txt"), key=lambda p: (len(p.stem), p.stem))
        for gold_path in paths:
            html_path = root / split / "input" / f"{gold_path.stem}.html.gz"
            if not html_path.is_file():
                continue
            body, url, enc = split_cleaneval_wrapper(_gunzip(html_path))
            gold = cleaneval_gold(decode_bytes(gold_path.read_bytes(), sniff_meta=False))
            yield Page("cleaneval", f"{split}/{gold_path.stem}", url, body, enc, gold)


def load_trafilatura_eval(data_dir: Path) -> Iterator[Page]:
    root = data_dir / "trafilatura-eval"
    evaldata = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    with (root / "index.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    for row in rows:
        item = evaldata[row["url"]]
        key: str = row["url"]
        url = key if key.startswith(("http://", "https://")) else None
        raw = _gunzip(root / row["path"])
        yield Page(
            "trafilatura-eval",
            key,
            url,
            raw,
            None,
            None,
            tuple(item["with"]),
            tuple(item["without"]),
        )


_DRAGNET_MARKER_RE = re.compile(r"^[ \t]*[!@#$%^&*() ]{4,}[ \t]*COMMENTS[ \t]*$", re.MULTILINE)
_CANONICAL_RE = re.compile(
    rb"""<link\b(?=[^>]*\brel\s*=\s*["']?canonical\b)[^>]*\bhref\s*=\s*["']?([^"'\s>]+)""",
    re.IGNORECASE,
)
_OG_URL_RE = re.compile(
    rb"""<meta\b(?=[^>]*\bproperty\s*=\s*["']?og:url\b)[^>]*\bcontent\s*=\s*["']?([^"'\s>]+)""",
    re.IGNORECASE,
)


def dragnet_gold(text: str) -> str:
    """The article part of a Dragnet corrected text: everything before the comments marker line
    (``!@#$%^&*()  COMMENTS``, typed with small variations), stripped of trailing blank space."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    match = _DRAGNET_MARKER_RE.search(text)
    return (text[: match.start()] if match else text).strip()


def page_url(raw: bytes) -> str | None:
    """The page's own address from its canonical link, else its og:url; None without either."""
    head = raw[:200_000]
    for pattern in (_CANONICAL_RE, _OG_URL_RE):
        match = pattern.search(head)
        if match:
            url = match.group(1).decode("ascii", "replace").strip()
            if url.startswith(("http://", "https://")):
                return url.replace("&amp;", "&")
    return None


def load_dragnet(data_dir: Path) -> Iterator[Page]:
    root = data_dir / "dragnet-train"
    names = (root / "names.txt").read_text(encoding="ascii").split()
    for name in names:
        raw = _gunzip(root / "HTML" / f"{name}.html.gz")
        corrected = (root / "Corrected" / f"{name}.html.corrected.txt").read_bytes()
        gold = dragnet_gold(decode_bytes(corrected, sniff_meta=False))
        yield Page("dragnet-train", name, page_url(raw), raw, None, gold)


def load_dataset(name: str, data_dir: Path, limit: int | None = None) -> list[Page]:
    loaders = {
        "zyte": load_zyte,
        "mozilla": load_mozilla,
        "cleaneval": load_cleaneval,
        "trafilatura-eval": load_trafilatura_eval,
        "dragnet-train": load_dragnet,
    }
    if name not in loaders:
        raise ValueError(f"unknown dataset {name!r}; choose from {', '.join(DATASETS)}")
    pages: list[Page] = []
    for page in loaders[name](data_dir):
        if limit is not None and len(pages) >= limit:
            break
        pages.append(page)
    return pages


# --- derived inputs and their cache ----------------------------------------------------------


_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def derive(kind: str, html: str, url: str | None) -> str:
    """The derived text input of one page."""
    if kind == "article-text":
        import trafilatura

        text = trafilatura.extract(
            html, url=url, favor_recall=True, include_comments=False, include_tables=True
        )
        return text or ""
    if kind == "trafilatura":
        import trafilatura

        return trafilatura.extract(html, url=url, include_comments=False) or ""
    if kind == "page-text":
        import html_text

        try:
            return str(html_text.extract_text(html, guess_layout=True))
        except ValueError:  # lxml refuses NUL / control characters: drop them and retry
            return str(html_text.extract_text(_CONTROL_RE.sub("", html), guess_layout=True))
    raise ValueError(f"unknown input kind {kind!r}")


def _derive_worker(args: tuple[tuple[str, ...], bytes, str | None, str | None]) -> dict[str, str]:
    kinds, raw, hint, url = args
    html = decode_bytes(raw, hint)
    out: dict[str, str] = {}
    for kind in kinds:
        try:
            out[kind] = derive(kind, html, url)
        except Exception as exc:  # noqa: BLE001 - a crashing extractor counts as empty output
            print(f"note: {kind} failed on a page ({url}): {exc!r}", file=sys.stderr)
            out[kind] = ""
    return out


def cache_version() -> str:
    from importlib.metadata import version

    return f"s{CACHE_SCHEMA}-traf{version('trafilatura')}-htmltext{version('html-text')}"


def cache_path(dataset: str, kind: str, cache_dir: Path = CACHE_DIR) -> Path:
    return cache_dir / f"{dataset}--{kind}--{cache_version()}.jsonl"


def _read_cache(path: Path) -> dict[tuple[str, str], str]:
    """(page id, raw digest) -> text."""
    out: dict[tuple[str, str], str] = {}
    if not path.is_file():
        return out
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue  # a torn last line from an interrupted build
            out[(rec["id"], rec["sha1"])] = rec["text"]
    return out


@dataclass(frozen=True, slots=True)
class BuildReport:
    dataset: str
    computed: int
    cached: int
    seconds: float


def derived_texts(
    pages: Sequence[Page], kinds: Sequence[str], workers: int = 2, cache_dir: Path = CACHE_DIR
) -> tuple[dict[str, list[str]], BuildReport]:
    """Derived texts per kind, parallel to ``pages``; missing ones computed and appended."""
    start = time.perf_counter()
    dataset = pages[0].dataset if pages else ""
    caches = {k: _read_cache(cache_path(dataset, k, cache_dir)) for k in kinds}
    digests = [p.digest for p in pages]
    todo = [
        i for i, p in enumerate(pages) if any((p.id, digests[i]) not in caches[k] for k in kinds)
    ]
    if todo:
        _build(pages, digests, todo, kinds, caches, workers, cache_dir)
    texts = {k: [caches[k][(p.id, d)] for p, d in zip(pages, digests, strict=True)] for k in kinds}
    seconds = time.perf_counter() - start
    return texts, BuildReport(dataset, len(todo), len(pages) - len(todo), seconds)


def _build(
    pages: Sequence[Page],
    digests: Sequence[str],
    todo: Sequence[int],
    kinds: Sequence[str],
    caches: dict[str, dict[tuple[str, str], str]],
    workers: int,
    cache_dir: Path,
) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    jobs = ((tuple(kinds), pages[i].raw, pages[i].encoding_hint, pages[i].url) for i in todo)
    handles: dict[str, TextIO] = {
        k: cache_path(pages[0].dataset, k, cache_dir).open("a", encoding="utf-8", buffering=1)
        for k in kinds
    }
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for i, result in zip(todo, pool.map(_derive_worker, jobs, chunksize=2), strict=True):
                _append(handles, caches, pages[i].id, digests[i], result)
    finally:
        for fh in handles.values():
            fh.close()


def _append(
    handles: dict[str, TextIO],
    caches: dict[str, dict[tuple[str, str], str]],
    page_id: str,
    digest: str,
    result: dict[str, str],
) -> None:
    for kind, text in result.items():
        if (page_id, digest) in caches[kind]:
            continue
        caches[kind][(page_id, digest)] = text
        rec = json.dumps({"id": page_id, "sha1": digest, "text": text}, ensure_ascii=False)
        handles[kind].write(rec + "\n")
