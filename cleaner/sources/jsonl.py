"""JSON lines (``.jsonl``, ``.jsonl.gz``, stdin): one record per line, one document per record.

Reading is split so that a batch can parse in its workers: :func:`iter_blocks` cuts the stream
into :class:`JsonLines` blocks of whole lines (a few searches per megabyte, nothing per line),
:meth:`JsonLines.lines` cuts a block into :class:`JsonLine` items, and :meth:`JsonLine.load` parses
one line into a :class:`Document`; :func:`iter_lines` is the first two in one. Everything that can
be wrong with a line becomes a document carrying a :class:`~cleaner.SourceError` naming
``file:line``; a truncated or corrupt ``.gz`` ends the file with one such error naming the line and
the uncompressed byte offset.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from .._errors import SourceError
from ._document import Document, Kind

MAX_LINE_BYTES = 64 * 1024 * 1024
"""A longer line is refused (and skipped) instead of being held in memory."""
BLOCK_BYTES = 1 << 20
"""About how much a block holds (more when one line is longer)."""
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class RecordFields:
    """Which fields of a record hold what. ``html`` is preferred over ``text`` (``None``: the
    record's HTML is not read); a record with neither but with ``url`` is a page still to be
    fetched, and one that has either is never fetched."""

    text: str = "text"
    html: str | None = "html"
    url: str = "url"
    id: str = "id"
    site: str | None = None
    """The field naming the page's site (for learned site rules), if any."""


@dataclass(frozen=True, slots=True)
class JsonLine:
    """One line of a JSONL stream, not parsed yet."""

    container: str
    number: int
    raw: bytes
    fields: RecordFields

    @property
    def source(self) -> str:
        return f"{self.container}:{self.number}"

    def load(self) -> Document:
        return parse_line(self)


def iter_jsonl(path: str | Path, fields: RecordFields = RecordFields()) -> Iterator[Document]:
    """Every record of a JSONL (or JSONL.gz) file as a document, bad lines included as errors."""
    for item in iter_lines(path, fields):
        yield item.load()


@dataclass(frozen=True, slots=True)
class JsonLines:
    """Consecutive lines of a JSONL stream, not cut apart yet: ``raw`` holds whole lines, each
    ending in a newline (but the stream's last line may not), the first of them numbered
    ``first``. Blank lines are held too: they are not records, but they are counted."""

    container: str
    first: int
    raw: bytes
    fields: RecordFields

    @property
    def count(self) -> int:
        """The lines held, blank ones included (the last may lack its newline)."""
        return self.raw.count(b"\n") + (not self.raw.endswith(b"\n"))

    def lines(self) -> Iterator[JsonLine]:
        """The records, in order, each with its line number."""
        raw, number, start, end = self.raw, self.first, 0, len(self.raw)
        while start < end:
            stop = raw.find(b"\n", start) + 1 or end
            line = raw[start:stop]
            if line.strip():
                yield JsonLine(self.container, number, line, self.fields)
            number += 1
            start = stop

    def split(self, size: int) -> tuple[JsonLines, JsonLines | None]:
        """The whole lines within the first ``size`` bytes (at least one line), and the rest
        (if any)."""
        if size >= len(self.raw):
            return self, None
        cut = self.raw.rfind(b"\n", 0, size) + 1 or self.raw.find(b"\n") + 1
        if cut <= 0 or cut >= len(self.raw):
            return self, None
        rest = JsonLines(self.container, self.first + self.raw.count(b"\n", 0, cut),
                         self.raw[cut:], self.fields)
        return JsonLines(self.container, self.first, self.raw[:cut], self.fields), rest


def iter_lines(
    path: str | Path, fields: RecordFields, stream: IO[bytes] | None = None,
    name: str | None = None, max_bytes: int = MAX_LINE_BYTES,
) -> Iterator[JsonLine | Document]:
    """Cut a file (or an open binary ``stream``, e.g. stdin) into lines; gzip is recognised by
    its magic bytes. Blank lines are not records and are skipped; a line longer than
    ``max_bytes`` is skipped as an error."""
    for block in iter_blocks(path, fields, stream, name, max_bytes=max_bytes):
        if isinstance(block, JsonLines):
            yield from block.lines()
        else:
            yield block


def iter_blocks(
    path: str | Path, fields: RecordFields, stream: IO[bytes] | None = None,
    name: str | None = None, size: int = BLOCK_BYTES, max_bytes: int = MAX_LINE_BYTES,
) -> Iterator[JsonLines | Document]:
    """Cut a file (or an open binary ``stream``) into blocks of about ``size`` bytes of whole
    lines, as :func:`iter_lines` would cut it into lines: the same line numbers, and the same
    error documents (a line longer than ``max_bytes``, a truncated or corrupt gzip) in between."""
    label = name or str(path)
    try:
        raw = stream if stream is not None else open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        yield Document(label, error=SourceError(label, f"cannot read: {exc.strerror or exc}"))
        return
    try:
        yield from _Cutter(label, fields, size, max_bytes).cut(_maybe_gunzip(raw))
    finally:
        if stream is None:
            raw.close()


def _maybe_gunzip(raw: IO[bytes]) -> IO[bytes]:
    peek = getattr(raw, "peek", None)
    head = peek(2)[:2] if peek is not None else b""
    if not head and raw.seekable():
        head = raw.read(2)
        raw.seek(0)
    return cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb")) if head == _GZIP_MAGIC else raw


class _Cutter:
    """Cuts one stream into blocks. ``held`` is read but not handed on, from the start of line
    ``number``, which begins ``offset`` bytes into the (uncompressed) stream; ``skipped`` counts
    the bytes of an overlong line being passed over (``None``: none is)."""

    def __init__(self, label: str, fields: RecordFields, size: int, max_bytes: int) -> None:
        self.label, self.fields, self.size, self.max_bytes = label, fields, size, max_bytes
        self.number, self.offset = 1, 0
        self.held = bytearray()
        self.skipped: int | None = None

    def cut(self, stream: IO[bytes]) -> Iterator[JsonLines | Document]:
        read = getattr(stream, "read1", stream.read)
        while True:
            try:  # no more than fills a block, unless what is held is one long line so far
                data = read(self.size - len(self.held) if len(self.held) < self.size else self.size)
            except EOFError:
                yield from self._complete()
                yield self._error(f"truncated gzip: the file ends inside line {self.number}, "
                                  f"after {self.offset} bytes of uncompressed data")
                return
            except (gzip.BadGzipFile, zlib.error, OSError) as exc:
                yield from self._complete()
                yield self._error(f"corrupt gzip at uncompressed offset {self.offset}: {exc}")
                return
            if not data:
                yield from self._end()
                return
            yield from self._take(data)
            if len(self.held) >= self.size:
                yield from self._complete()

    def _take(self, data: bytes) -> Iterator[JsonLines | Document]:
        """Hold ``data``; or, while an overlong line is passed over, what follows its end."""
        if self.skipped is not None:
            end = data.find(b"\n")
            if end < 0:
                self.skipped += len(data)
                return
            yield from self._skip_done(end + 1)
            data = data[end + 1:]
        self.held += data
        tail = len(self.held) - (self.held.rfind(b"\n") + 1)
        if tail > self.max_bytes:  # the last line is too long already: pass over the rest of it
            yield from self._complete()
            self.skipped = len(self.held)
            self.held.clear()

    def _skip_done(self, rest: int) -> Iterator[Document]:
        assert self.skipped is not None
        yield self._error(f"too long: the line has more than {self.max_bytes} bytes")
        self.number += 1
        self.offset += self.skipped + rest
        self.skipped = None

    def _complete(self) -> Iterator[JsonLines | Document]:
        """Hand on the whole lines held; keep the last, unfinished one."""
        cut = self.held.rfind(b"\n") + 1
        if cut:
            yield from self._lines(bytes(self.held[:cut]))
            del self.held[:cut]

    def _end(self) -> Iterator[JsonLines | Document]:
        """The stream has ended: hand on the rest, the last line even without its newline."""
        if self.skipped is not None:
            yield from self._skip_done(0)
        if self.held:
            yield from self._lines(bytes(self.held))
            self.held.clear()

    def _lines(self, raw: bytes) -> Iterator[JsonLines | Document]:
        """Whole lines as blocks, with an error for each one longer than ``max_bytes`` (the
        block is searched for one only when it is long enough to hold one)."""
        start = 0
        if len(raw) > self.max_bytes + 1:
            for begin, stop in _long_lines(raw, self.max_bytes):
                yield from self._block(raw[start:begin])
                yield self._error(f"too long: the line has more than {self.max_bytes} bytes")
                self.number += 1
                self.offset += stop - begin
                start = stop
        yield from self._block(raw[start:] if start else raw)

    def _block(self, raw: bytes) -> Iterator[JsonLines]:
        if raw:
            block = JsonLines(self.label, self.number, raw, self.fields)
            yield block
            self.number += block.count
            self.offset += len(raw)

    def _error(self, message: str) -> Document:
        return _error(self.label, self.number, message)


def _long_lines(raw: bytes, max_bytes: int) -> Iterator[tuple[int, int]]:
    """Where each line of ``raw`` longer than ``max_bytes`` (without its newline) begins and ends."""
    start = 0
    while start < len(raw):
        stop = raw.find(b"\n", start) + 1 or len(raw)
        if stop - start - (raw[stop - 1] == 0x0A) > max_bytes:
            yield start, stop
        start = stop


def _error(label: str, number: int, message: str) -> Document:
    source = f"{label}:{number}"
    return Document(source, error=SourceError(source, message))


def parse_line(line: JsonLine) -> Document:
    """One line as a document; what is wrong with it becomes the document's error."""
    try:
        record = _decode(line)
    except SourceError as exc:
        return Document(line.source, error=exc)
    return record_document(record, line.fields, line.source)


def record_document(record: dict[str, Any], fields: RecordFields, source: str) -> Document:
    """A parsed record (from a line, a Dask bag, a dataset) as a document."""
    url = record.get(fields.url)
    url = url if isinstance(url, str) and url else None
    doc_id = _id(record.get(fields.id))
    try:
        content, kind = _content(record, fields, source)
    except SourceError as exc:
        return Document(source, url=url, id=doc_id, error=exc)
    if content is None:
        return Document(source, "", "html", url=url, id=doc_id, fetch=True)
    site = record.get(fields.site) if fields.site else None
    site = site.strip().lower() if isinstance(site, str) and site.strip() else None
    return Document(source, content, kind, url=url, id=doc_id, site=site)


def _decode(line: JsonLine) -> dict[str, Any]:
    source = line.source
    try:
        text = line.raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = line.raw[exc.start]
        raise SourceError(source, f"not valid UTF-8: byte 0x{bad:02x} at column {exc.start + 1}") from exc
    try:
        record = json.loads(text.lstrip("\ufeff") if line.number == 1 else text)
    except json.JSONDecodeError as exc:
        raise SourceError(source, f"malformed JSON: {_json_message(exc)} at column {exc.colno}") from exc
    except RecursionError as exc:
        raise SourceError(source, "malformed JSON: nested too deeply") from exc
    if not isinstance(record, dict):
        raise SourceError(source, f"not a JSON object: got {_json_type(record)}")
    return record


def _content(record: dict[str, Any], fields: RecordFields, source: str) -> tuple[str | None, Kind]:
    """The record's text or HTML; ``None`` when it names only a URL (to be fetched)."""
    candidates: tuple[tuple[str | None, Kind], ...] = ((fields.html, "html"), (fields.text, "text"))
    for name, kind in candidates:
        if name is None or record.get(name) is None:
            continue
        value = record[name]
        if not isinstance(value, str):
            raise SourceError(source, f"wrong type: field {name!r} is {_json_type(value)}, "
                                      f"expected a string")
        _check_unicode(value, name, source)
        return value, kind
    url = record.get(fields.url)
    if isinstance(url, str) and url:
        return None, "html"
    wanted = [n for n in (fields.html, fields.text, fields.url) if n]
    raise SourceError(source, f"missing field: the record has none of {', '.join(map(repr, wanted))}")


def _json_message(exc: json.JSONDecodeError) -> str:
    """The parser's message without its own trailing "at" ("Invalid control character at"),
    which the caller's "at column N" would double."""
    return exc.msg.removesuffix(" at")


def _check_unicode(value: str, name: str, source: str) -> None:
    """A ``\\ud800`` escape decodes to a lone surrogate, which no UTF-8 output can hold."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SourceError(source, f"not valid Unicode: field {name!r} holds a lone surrogate "
                                  f"(U+{ord(value[exc.start]):04X}) at character {exc.start + 1}") from exc


def _id(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def iter_json_document(data: bytes, label: str, fields: RecordFields) -> Iterator[Document]:
    """A whole JSON document (not JSON lines): one object is one record (``label``), an array
    of objects is one record each (``label[0]``, ``label[1]``, ...)."""
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        yield Document(label, error=SourceError(label, f"not valid UTF-8: at byte {exc.start}"))
        return
    except json.JSONDecodeError as exc:
        yield Document(label, error=SourceError(
            label, f"malformed JSON: {_json_message(exc)} at line {exc.lineno}, column {exc.colno}"))
        return
    except RecursionError:
        yield Document(label, error=SourceError(label, "malformed JSON: nested too deeply"))
        return
    records = value if isinstance(value, list) else [value]
    for index, record in enumerate(records):
        source = f"{label}[{index}]" if isinstance(value, list) else label
        if isinstance(record, dict):
            yield record_document(record, fields, source)
        else:
            yield Document(source, error=SourceError(
                source, f"not a JSON object: got {_json_type(record)}"))
