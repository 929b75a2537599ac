"""JSON lines (``.jsonl``, ``.jsonl.gz``, stdin): one record per line, one document per record.

Reading is split in two so that a batch can parse in its workers: :func:`iter_lines` only cuts the
stream into :class:`JsonLine` items (cheap, in order); :meth:`JsonLine.load` parses one line into
a :class:`Document`. Everything that can be wrong with a line becomes a document carrying a
:class:`~cleaner.SourceError` naming ``file:line``; a truncated or corrupt ``.gz`` ends the file
with one such error naming the line and the uncompressed byte offset.
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
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class RecordFields:
    """Which fields of a record hold what. ``html`` (when set) is preferred over ``text``; a
    record with neither but with ``url`` is a page still to be fetched."""

    text: str = "text"
    html: str | None = None
    url: str = "url"
    id: str = "id"


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


def iter_lines(
    path: str | Path, fields: RecordFields, stream: IO[bytes] | None = None,
    name: str | None = None, max_bytes: int = MAX_LINE_BYTES,
) -> Iterator[JsonLine | Document]:
    """Cut a file (or an open binary ``stream``, e.g. stdin) into lines; gzip is recognised by
    its magic bytes. Blank lines are not records and are skipped; a line longer than
    ``max_bytes`` is skipped as an error."""
    label = name or str(path)
    try:
        raw = stream if stream is not None else open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        yield Document(label, error=SourceError(label, f"cannot read: {exc.strerror or exc}"))
        return
    try:
        yield from _lines(_maybe_gunzip(raw), label, fields, max_bytes)
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


def _lines(stream: IO[bytes], label: str, fields: RecordFields,
           max_bytes: int) -> Iterator[JsonLine | Document]:
    number, offset = 0, 0
    while True:
        number += 1
        try:
            line = stream.readline(max_bytes + 1)
            if len(line) > max_bytes and not line.endswith(b"\n"):
                offset += len(line) + _skip_rest(stream)
                yield _error(label, number, f"too long: the line has more than {max_bytes} bytes")
                continue
        except EOFError:
            yield _error(label, number, f"truncated gzip: the file ends inside line {number}, "
                                        f"after {offset} bytes of uncompressed data")
            return
        except (gzip.BadGzipFile, zlib.error, OSError) as exc:
            yield _error(label, number, f"corrupt gzip at uncompressed offset {offset}: {exc}")
            return
        if not line:
            return
        offset += len(line)
        if line.strip():
            yield JsonLine(label, number, line, fields)


def _skip_rest(stream: IO[bytes]) -> int:
    skipped = 0
    while True:
        chunk = stream.readline(1024 * 1024)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


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
    return Document(source, content, kind, url=url, id=doc_id)


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
        raise SourceError(source, f"malformed JSON: {exc.msg} at column {exc.colno}") from exc
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
