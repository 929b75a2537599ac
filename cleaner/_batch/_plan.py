"""From the command line's sources to a stream of tasks, in a fixed, reproducible order.

A source is ``-`` (stdin), a file, a folder (searched recursively) or a glob pattern. What a file
holds is told by its first bytes (:func:`~cleaner.sources.sniff.sniff`), whatever its name:
JSON lines, a JSON document (an object or an array of them), a web archive (each optionally
gzip-compressed), or one text or HTML document. ``input_format`` says it instead, for every
file and for stdin. A file found in a folder that is none of these (an image, an archive) is
left out and named to ``skipped``, as are hidden files and folders; one named on the command
line is an input that fails. :func:`plan_units` leaves JSON lines in blocks, for the worker
process (local or Dask) that cleans them to cut apart; :func:`plan` cuts them here.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Literal

from .._errors import SourceError
from ..sources import Document
from ..sources._document import Kind
from ..sources.files import FileRef, Found, document_of, expand, plain_name, root_name
from ..sources.jsonl import BLOCK_BYTES, JsonLines, RecordFields, iter_blocks, iter_json_document
from ..sources.sniff import HEAD_BYTES, InputKind, gunzip, sniff
from ..sources.urls import is_url, other_scheme, url_document, url_name
from ._work import LineBlock, Task, Unit

InputFormat = Literal["auto", "text", "html", "jsonl", "json", "warc"]
Skipped = Callable[[str, str], None]
"""Told the name of each file a folder held that is not an input, and why."""


@dataclass(frozen=True, slots=True)
class Walk:
    """How files met in folders are treated: ``skipped`` is told each one left out and why;
    files at or below ``avoid`` (the run's own output file or folder) are never inputs."""

    skipped: Skipped | None = None
    avoid: tuple[Path, ...] = ()

    def leave_out(self, path: Path, why: str) -> None:
        if self.skipped is not None:
            self.skipped(str(path), why)

    def avoided(self, path: Path) -> bool:
        if not self.avoid:
            return False
        resolved = path.resolve()
        return any(resolved == a or resolved.is_relative_to(a) for a in self.avoid)
_KNOWN_SUFFIXES = (".jsonl", ".ndjson", ".json", ".warc", ".txt", ".text", ".md", ".html", ".htm",
                   ".xhtml", ".shtml")


def plan(
    sources: Iterable[str | Document], fields: RecordFields, input_format: InputFormat = "auto",
    stdin: IO[bytes] | None = None,
) -> Iterator[Task]:
    """Every input of every source, as tasks; containers (JSONL, WARC) are read as they go."""
    for unit in plan_units(sources, fields, input_format, stdin):
        yield from unit.tasks()


def plan_units(
    sources: Iterable[str | Document], fields: RecordFields, input_format: InputFormat = "auto",
    stdin: IO[bytes] | None = None, block_bytes: int = BLOCK_BYTES, walk: Walk = Walk(),
) -> Iterator[Unit]:
    """As :func:`plan`, but JSON lines stay in blocks of about ``block_bytes``. A source that
    fails in a way nobody foresaw gives one error task (``internal error``); the others go on."""
    for source in sources:
        if isinstance(source, Document):  # an input already known to be bad (a URL list line)
            yield Task(source, _stem(plain_name(Path(source.source))))
            continue
        try:
            yield from _source(source, fields, input_format, stdin, block_bytes, walk)
        except Exception as exc:  # noqa: BLE001 - one bad input must not stop the batch
            error = SourceError(source, f"internal error: {type(exc).__name__}: {exc}")
            yield Task(Document(source, error=error), _stem(plain_name(Path(source))))


def _source(source: str, fields: RecordFields, input_format: InputFormat,
            stdin: IO[bytes] | None, block_bytes: int, walk: Walk) -> Iterator[Unit]:
    if is_url(source):
        yield Task(url_document(source), url_name(source))
        return
    scheme = other_scheme(source)
    if scheme and not Path(source).exists():
        error = SourceError(source, f"unsupported URL scheme: {scheme}:// (only http:// and "
                                    f"https:// are fetched)")
        yield Task(Document(source, error=error), url_name(source))
        return
    if source == "-":
        yield from _stdin(stdin or sys.stdin.buffer, fields, input_format, block_bytes)
        return
    for found in expand(source):
        yield from _found(found, fields, input_format, block_bytes, walk)


def single_document(source: str, input_format: InputFormat = "auto") -> bool:
    """Whether a source holds one document (a URL, a text or HTML file, stdin unless told it
    holds JSON lines, JSON or WARC), not several (a folder, a pattern, a container)."""
    if is_url(source):
        return True
    if source == "-":
        return input_format in ("auto", "text", "html")
    path = Path(source)
    if not path.is_file():
        return False
    kind = input_format if input_format != "auto" else _sniff_file(path)
    return kind in ("text", "html", "binary")


def under_roots(sources: Iterable[str | Document],
                plan: Callable[[list[str | Document]], Iterator[Unit]]) -> Iterator[Unit]:
    """The units of each source, the names of a folder's or a pattern's inputs kept under the
    folder's own path (``col/a`` -> ``col/a/x``), so that ``-o DIR`` with several folders that
    hold the same names writes each apart."""
    for source in sources:
        named = isinstance(source, str) and not is_url(source) and source != "-"
        prefix = root_name(source) if isinstance(source, str) and named else ""
        for unit in plan([source]):
            yield _renamed(unit, f"{prefix}/") if prefix else unit


def distinct(units: Iterable[Unit]) -> Iterator[Unit]:
    """No two inputs with one output name under ``-o DIR``: a later file whose name is taken
    (``a.html`` beside ``a.txt``, both ``a``) keeps its suffix (``a.html``); one that still
    clashes (a file named twice) fails, naming the input that has the name. A JSON-lines file's
    records are told apart by line number, so a block is checked by its stem."""
    taken: dict[str, str] = {}
    for unit in units:
        key = f"{unit.stem}/" if isinstance(unit, LineBlock) else unit.rel
        if key in taken and isinstance(unit, Task):
            own = getattr(unit.item, "rel", None)
            if isinstance(own, str) and own not in taken:
                unit, key = Task(unit.item, own), own
            else:
                why = f"output name taken: {key!r} is written for {taken[key]}"
                unit = Task(Document(unit.item.source, error=SourceError(unit.item.source, why)), key)
        taken.setdefault(key, unit.lines.container if isinstance(unit, LineBlock) else unit.item.source)
        yield unit


def _renamed(unit: Unit, prefix: str) -> Unit:
    if isinstance(unit, LineBlock):
        return LineBlock(unit.lines, prefix + unit.stem)
    return Task(FileRef(unit.item.path, prefix + unit.item.rel, unit.item.kind)
                if isinstance(unit.item, FileRef) else unit.item, prefix + unit.rel)


def _found(found: Found, fields: RecordFields, input_format: InputFormat, block_bytes: int,
           walk: Walk) -> Iterator[Unit]:
    if found.error is not None:
        yield Task(Document(found.error.source, error=found.error), _stem(found.rel))
        return
    assert found.path is not None
    if found.hidden:
        walk.leave_out(found.path, "hidden")
        return
    if found.walked and walk.avoided(found.path):
        walk.leave_out(found.path, "output: this run writes it")
        return
    if input_format in ("text", "html"):
        yield Task(FileRef(str(found.path), found.rel, _kind(input_format)), _stem(found.rel))
        return
    kind = input_format if input_format != "auto" else _sniff_file(found.path)
    if kind == "binary" and found.walked:
        walk.leave_out(found.path, _binary_reason(found.path))
        return
    if kind == "json" and found.walked:
        yield from _walked_json(found.path, found.rel, fields, walk)
        return
    yield from _file(found.path, found.rel, fields, kind, block_bytes)


def _walked_json(path: Path, rel: str, fields: RecordFields, walk: Walk) -> Iterator[Unit]:
    """A JSON file met in a folder: its records, unless none of them holds a field to clean
    (a settings file, a list of expected results), which is left out, not failed."""
    docs = list(_json_file(path, fields))
    if all(doc.error is not None and doc.error.reason.startswith(_MISSING) for doc in docs):
        walk.leave_out(path, f"not records: JSON without {_field_names(fields)} fields")
        return
    stem = _stem(rel)
    for doc in docs:
        yield Task(doc, f"{stem}/{_number(doc.source)}" if doc.source.endswith("]") else stem)


_MISSING = "missing field"


def _field_names(fields: RecordFields) -> str:
    names = [repr(n) for n in (fields.html, fields.text, fields.url) if n]
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]


def _sniff_file(path: Path) -> InputKind:
    """What the file holds, by its first bytes (one that cannot be read is left to fail when
    it is read, as a document). Only a regular file is opened here: opening a FIFO waits for a
    writer, and a device is refused when it is read."""
    if not path.is_file():
        return "text"
    try:
        with path.open("rb") as file:
            return sniff(file.read(HEAD_BYTES)).kind
    except OSError:
        return "text"


def _binary_reason(path: Path) -> str:
    try:
        with path.open("rb") as file:
            what = sniff(file.read(HEAD_BYTES)).what
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    return f"not text: looks like {what}"


def _stdin(stream: IO[bytes], fields: RecordFields, input_format: InputFormat,
           block_bytes: int) -> Iterator[Unit]:
    head = _read_head(stream)
    kind = input_format if input_format != "auto" else sniff(head).kind
    whole = io.BufferedReader(_Rejoined(head, stream))
    if kind == "jsonl":
        blocks = iter_blocks("<stdin>", fields, stream=whole, name="<stdin>", size=block_bytes)
        yield from _blocks(blocks, "stdin")
    elif kind == "warc":
        from ..sources.warc import iter_warc  # warcio (and fsspec, asyncio) cost ~0.3 s to import

        for doc in iter_warc("<stdin>", stream=whole):
            yield Task(doc, f"stdin/{_number(doc.source)}")
    elif kind == "json":
        for doc in iter_json_document(_gunzipped(whole.read(), "<stdin>"), "<stdin>", fields):
            yield Task(doc, f"stdin/{_number(doc.source)}")
    else:
        yield Task(document_of("<stdin>", whole.read(), _kind(input_format)), "stdin")


def _kind(input_format: InputFormat) -> Kind | None:
    """The document kind ``--input-format`` forces, if it forces one."""
    return "html" if input_format == "html" else "text" if input_format == "text" else None


def _read_head(stream: IO[bytes]) -> bytes:
    """The first :data:`HEAD_BYTES` of a stream (a pipe may hand them over in pieces)."""
    head = b""
    while len(head) < HEAD_BYTES and (piece := stream.read(HEAD_BYTES - len(head))):
        head += piece
    return head


class _Rejoined(io.RawIOBase):
    """A stream whose first bytes were read already: those, then the rest."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head = head
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        data = self.rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _gunzipped(data: bytes, source: str) -> bytes:
    return gunzip(data, source) if sniff(data[:HEAD_BYTES]).gzip else data


def _file(path: Path, rel: str, fields: RecordFields, kind: InputKind | InputFormat,
          block_bytes: int) -> Iterator[Unit]:
    stem = _stem(rel)
    if kind == "jsonl":
        yield from _blocks(iter_blocks(path, fields, size=block_bytes), stem)
    elif kind == "warc":
        from ..sources.warc import iter_warc  # warcio (and fsspec, asyncio) cost ~0.3 s to import

        for doc in iter_warc(path):
            yield Task(doc, f"{stem}/{_number(doc.source)}")
    elif kind == "json":
        for doc in _json_file(path, fields):
            yield Task(doc, f"{stem}/{_number(doc.source)}" if doc.source.endswith("]") else stem)
    else:
        yield Task(FileRef(str(path), rel), stem)


def _json_file(path: Path, fields: RecordFields) -> Iterator[Document]:
    try:
        data = _gunzipped(path.read_bytes(), str(path))
    except OSError as exc:
        yield Document(str(path), error=SourceError(str(path), f"cannot read: {exc.strerror}"))
        return
    except SourceError as exc:
        yield Document(str(path), error=exc)
        return
    yield from iter_json_document(data, str(path), fields)


def _blocks(blocks: Iterable[JsonLines | Document], stem: str) -> Iterator[Unit]:
    """Blocks of lines, and the error documents between them (an overlong line, a bad gzip)."""
    for block in blocks:
        if isinstance(block, JsonLines):
            yield LineBlock(block, stem)
        else:
            yield Task(block, f"{stem}/{_number(block.source)}")


def _number(source: str) -> str:
    """``data.jsonl:17`` -> ``17``; ``crawl.warc.gz@5120`` -> ``5120``; ``list.json[3]`` -> ``3``."""
    for mark in (":", "@", "["):
        _, sep, tail = source.removesuffix("]").rpartition(mark)
        if sep and tail.isdigit():
            return tail
    return "0"


def _stem(rel: str) -> str:
    """The name without its known suffix (``a/b.jsonl.gz`` -> ``a/b``, ``c.html`` -> ``c``); an
    unknown one is kept (``page.php``), so that two inputs never share a name."""
    lower = rel.lower().removesuffix(".gz")
    for suffix in _KNOWN_SUFFIXES:
        if lower.endswith(suffix):
            return rel[: len(lower) - len(suffix)]
    return rel

