"""From the command line's sources to a stream of tasks, in a fixed, reproducible order.

A source is ``-`` (stdin), a file, a folder (searched recursively) or a glob pattern. Files are
told apart by name: ``.jsonl``/``.ndjson`` (optionally ``.gz``) are JSON lines, ``.warc``/
``.warc.gz`` are web archives, anything else is one text or HTML document. ``input_format``
forces JSON lines or WARC for every file and for stdin. :func:`plan_units` leaves JSON lines in
blocks, for the worker process (local or Dask) that cleans them to cut apart; :func:`plan` cuts
them here.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Literal

from ..sources import Document
from ..sources.files import HTML_SUFFIXES, TEXT_SUFFIXES, FileRef, expand, has_suffix
from ..sources.jsonl import BLOCK_BYTES, JsonLines, RecordFields, iter_blocks
from ..sources.urls import is_url, url_document, url_name
from ._work import LineBlock, Task, Unit

InputFormat = Literal["auto", "jsonl", "warc"]
JSONL_SUFFIXES = frozenset({".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"})
WARC_SUFFIXES = frozenset({".warc", ".warc.gz"})
ALL_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | WARC_SUFFIXES


def plan(
    sources: Iterable[str], fields: RecordFields, input_format: InputFormat = "auto",
    stdin: IO[bytes] | None = None,
) -> Iterator[Task]:
    """Every input of every source, as tasks; containers (JSONL, WARC) are read as they go."""
    for unit in plan_units(sources, fields, input_format, stdin):
        yield from unit.tasks()


def plan_units(
    sources: Iterable[str], fields: RecordFields, input_format: InputFormat = "auto",
    stdin: IO[bytes] | None = None, block_bytes: int = BLOCK_BYTES,
) -> Iterator[Unit]:
    """As :func:`plan`, but JSON lines stay in blocks of about ``block_bytes``."""
    for source in sources:
        if is_url(source):
            yield Task(url_document(source), url_name(source))
            continue
        if source == "-":
            yield from _stdin(stdin or sys.stdin.buffer, fields, input_format, block_bytes)
            continue
        for found in expand(source, ALL_SUFFIXES):
            if found.error is not None:
                doc = Document(found.error.source, error=found.error)
                yield Task(doc, _stem(found.rel))
            elif found.path is not None:
                yield from _file(found.path, found.rel, fields, input_format, block_bytes)


def _stdin(stream: IO[bytes], fields: RecordFields, input_format: InputFormat,
           block_bytes: int) -> Iterator[Unit]:
    if input_format == "jsonl":
        blocks = iter_blocks("<stdin>", fields, stream=stream, name="<stdin>", size=block_bytes)
        yield from _blocks(blocks, "stdin")
    elif input_format == "warc":
        from ..sources.warc import iter_warc  # warcio (and fsspec, asyncio) cost ~0.3 s to import

        for doc in iter_warc("<stdin>", stream=stream):
            yield Task(doc, f"stdin/{_number(doc.source)}")
    else:
        yield Task(Document("<stdin>", stream.read()), "stdin")


def _file(path: Path, rel: str, fields: RecordFields, input_format: InputFormat,
          block_bytes: int) -> Iterator[Unit]:
    stem = _stem(rel)
    if input_format == "jsonl" or (input_format == "auto" and has_suffix(path, JSONL_SUFFIXES)):
        yield from _blocks(iter_blocks(path, fields, size=block_bytes), stem)
    elif input_format == "warc" or (input_format == "auto" and has_suffix(path, WARC_SUFFIXES)):
        from ..sources.warc import iter_warc  # warcio (and fsspec, asyncio) cost ~0.3 s to import

        for doc in iter_warc(path):
            yield Task(doc, f"{stem}/{_number(doc.source)}")
    else:
        yield Task(FileRef(str(path), rel), stem)


def _blocks(blocks: Iterable[JsonLines | Document], stem: str) -> Iterator[Unit]:
    """Blocks of lines, and the error documents between them (an overlong line, a bad gzip)."""
    for block in blocks:
        if isinstance(block, JsonLines):
            yield LineBlock(block, stem)
        else:
            yield Task(block, f"{stem}/{_number(block.source)}")


def _number(source: str) -> str:
    """``data.jsonl:17`` -> ``17``; ``crawl.warc.gz@5120`` -> ``5120``."""
    for mark in (":", "@"):
        _, sep, tail = source.rpartition(mark)
        if sep and tail.isdigit():
            return tail
    return "0"


def _stem(rel: str) -> str:
    """The name without its known suffix (``a/b.jsonl.gz`` -> ``a/b``)."""
    lower = rel.lower()
    for suffix in sorted(ALL_SUFFIXES, key=len, reverse=True):
        if lower.endswith(suffix):
            return rel[: -len(suffix)]
    return rel

