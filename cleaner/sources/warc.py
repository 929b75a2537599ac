"""WARC files (``.warc``, ``.warc.gz``), read with warcio: one document per HTML response.

Response (and resource) records are the documents; request, metadata, warcinfo, revisit and
conversion records are not documents and are passed over. A response that is not an HTML page
with a 2xx status becomes a document carrying a :class:`~cleaner.SourceError` named
``file@offset``; a record warcio cannot parse ends the file with one such error, since the
records after it cannot be found reliably.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from .._errors import SourceError
from ._document import Document

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
DOCUMENT_RECORDS = frozenset({"response", "resource"})
MAX_BODY_BYTES = 64 * 1024 * 1024
"""A larger page is refused instead of being held in memory."""
_BROKEN = (ArchiveLoadFailed, StatusAndHeadersParserException, EOFError, OSError, zlib.error,
           ValueError, IndexError)
"""What warcio raises on a damaged file (it has no single base class for them)."""


def iter_warc(path: str | Path, stream: IO[bytes] | None = None) -> Iterator[Document]:
    """Every HTML response of a WARC file as a document (``source`` is ``file@offset``)."""
    label = str(path)
    try:
        raw = stream if stream is not None else open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        yield Document(label, error=SourceError(label, f"cannot read: {exc.strerror or exc}"))
        return
    try:
        yield from _records(raw, label)
    finally:
        if stream is None:
            raw.close()


def _records(raw: IO[bytes], label: str) -> Iterator[Document]:
    records = ArchiveIterator(raw)
    end = 0
    while True:
        try:
            record = next(records)
            doc = _read(record, label, records.offset) if record.rec_type in DOCUMENT_RECORDS else None
            offset = records.get_record_offset()
            end = offset + records.get_record_length()
            short = getattr(record.raw_stream, "limit", 0)
        except StopIteration:
            break
        except _BROKEN as exc:
            source = f"{label}@{records.offset}"
            yield Document(source, error=SourceError(source, f"broken WARC record: {_say(exc)}"))
            return
        except AttributeError:  # warcio reads a response's HTTP headers by its target URI
            source = f"{label}@{records.offset}"
            yield Document(source, error=SourceError(
                source, "broken WARC record: warcio cannot read it (a response record needs a "
                        "WARC-Target-URI header)"))
            return
        if short:
            source = f"{label}@{offset}"
            yield Document(source, error=SourceError(
                source, f"broken WARC record: truncated ({short} bytes of its block missing)"))
            return
        if doc is not None:
            yield doc
    left = _leftover(raw, end)
    if left:
        source = f"{label}@{end}"
        yield Document(source, error=SourceError(
            source, f"broken WARC record: truncated or unreadable ({left} bytes after the last "
                    f"complete record)"))


def _leftover(raw: IO[bytes], end: int) -> int:
    """Bytes after the last complete record that are not blank (0 when it cannot be told)."""
    if not raw.seekable():
        return 0
    raw.seek(end)
    tail = raw.read(4096)
    more = len(raw.read()) if len(tail) == 4096 else 0
    return len(tail.strip()) + more if tail.strip() else 0


def _read(record: Any, label: str, offset: int) -> Document:
    """The document of a response or resource record; its body is read only when it may be a
    page (a PNG or a 404 is refused by its headers, a body over ``MAX_BODY_BYTES`` by size)."""
    source = f"{label}@{offset}"
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI") or None
    record_id = headers.get_header("WARC-Record-ID") or None
    http = record.http_headers
    content_type = http.get_header("Content-Type") if http is not None else None
    if content_type is None and record.rec_type == "resource":
        content_type = headers.get_header("Content-Type")
    status = _status(http)
    problem = _problem(status, content_type)
    body = b"" if problem else record.content_stream().read(MAX_BODY_BYTES + 1)
    if not problem and len(body) > MAX_BODY_BYTES:
        problem = f"too large: the body has more than {MAX_BODY_BYTES} bytes"
    if not problem and not content_type and not _looks_like_html(body):
        problem = "not HTML: no Content-Type and the body does not start like a web page"
    if problem:
        return Document(source, url=url, id=record_id, status=status,
                        error=SourceError(source, problem))
    return Document(source, _decode(body, content_type), "html", url=url, id=record_id, status=status)


def _status(http: Any) -> int | None:
    if http is None:
        return None
    try:
        return int(http.get_statuscode())
    except (TypeError, ValueError):
        return None


def _problem(status: int | None, content_type: str | None) -> str | None:
    """Why the headers say this response is not a page to clean, or None."""
    if status is not None and not 200 <= status < 300:
        return f"not a page: HTTP status {status}"
    media = (content_type or "").split(";")[0].strip().lower()
    if media and media not in HTML_TYPES:
        return f"not HTML: Content-Type {media}"
    return None


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<!--"))


def _decode(body: bytes, content_type: str | None) -> str | bytes:
    """Text when the HTTP header names a charset that decodes the body; bytes otherwise (the
    HTML reader then looks at the page's own ``<meta charset>``)."""
    for param in (content_type or "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            try:
                return body.decode(value.strip().strip("\"'"))
            except (LookupError, UnicodeDecodeError):
                return body
    return body


def _say(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 100 else text[:99] + "…"
