"""What an input is, from its first bytes rather than its name: gzip (and what it holds), a WARC
archive, JSON lines, one JSON document, HTML, plain text, or binary data that is none of them.

The name of a file says little once it has been saved by a crawler (``page.php``, ``index``,
``a.html.gz``, ``-`` for a pipe), so every input is sniffed; ``--input-format`` overrides.
"""

from __future__ import annotations

import codecs
import json
import re
import zlib
from dataclasses import dataclass
from typing import Literal

from .._decode import sniff_binary
from .._errors import SourceError

InputKind = Literal["text", "html", "jsonl", "json", "warc", "binary"]
HEAD_BYTES = 8192
"""How much of an input is read to tell what it is."""
MAX_GUNZIP_BYTES = 256 * 1024 * 1024
"""A gzip-compressed document that expands beyond this is refused (a decompression bomb)."""

_GZIP_MAGIC = b"\x1f\x8b"
_HTML_START = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|\?xml|!--|meta|title|link|script|style|div|p|article|"
    rb"main|section|header|nav|span|table|ul|ol|h[1-6]|a|br|img|form|iframe|noscript|base)[\s>/]",
    re.IGNORECASE,
)
_HTML_INSIDE = re.compile(rb"<(?:!doctype\s+html|html|body)[\s>]", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Sniffed:
    """What the first bytes say: the ``kind`` of input, whether it is gzip-compressed (``kind``
    is then what the compressed data holds), and for binary data what it looks like."""

    kind: InputKind
    gzip: bool = False
    what: str | None = None


def sniff(head: bytes) -> Sniffed:
    """Tell what an input is from its first bytes (:data:`HEAD_BYTES` are plenty)."""
    if head.startswith(_GZIP_MAGIC):
        inner = _gunzip_head(head)
        if inner is None:
            return Sniffed("binary", True, "gzip-compressed data that does not decompress")
        found = sniff(inner)
        return Sniffed(found.kind, True, found.what)
    what = sniff_binary(head)
    if what is not None:
        return Sniffed("binary", what=what)
    return Sniffed(_kind_of_text(head))


def _kind_of_text(head: bytes) -> InputKind:
    start = head.lstrip(codecs.BOM_UTF8).lstrip()
    if start.startswith(b"WARC/"):
        return "warc"
    if start.startswith(b"{"):
        return "jsonl" if _first_line_is_object(start) and _more_lines(start) else "json"
    if start.startswith(b"[") and start[1:].lstrip().startswith((b"{", b"]")):
        return "json"
    if _HTML_START.match(start) or _HTML_INSIDE.search(head) or _is_utf16_html(head):
        return "html"
    return "text"


def _first_line_is_object(start: bytes) -> bool:
    """A JSON-lines stream holds a whole object on its first line; a pretty-printed JSON
    document (``{`` alone, or an object cut by a newline) does not. A first line longer than
    the head read is taken as one record (JSON lines of whole pages are long)."""
    line, newline, _ = start.partition(b"\n")
    if not newline and len(start) >= HEAD_BYTES // 2:
        return start.startswith((b'{"', b"{ \""))
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def _more_lines(start: bytes) -> bool:
    """JSON lines hold more than one line, or more than was read; one short line alone is one
    JSON document (the same record, named by the file alone)."""
    return bool(start.partition(b"\n")[2].strip()) or len(start) >= HEAD_BYTES // 2


def _is_utf16_html(head: bytes) -> bool:
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            text = head[2:len(head) & ~1].decode(codec, errors="ignore").encode("utf-8")
            return bool(_HTML_START.match(text.lstrip()) or _HTML_INSIDE.search(text))
    return False


def _gunzip_head(head: bytes) -> bytes | None:
    try:
        return zlib.decompressobj(wbits=31).decompress(head, HEAD_BYTES)
    except zlib.error:
        return None


def gunzip(data: bytes, source: str) -> bytes:
    """The whole of a gzip-compressed input (every member of it); a damaged or oversized one
    raises :class:`SourceError` naming ``source``."""
    parts: list[bytes] = []
    size = 0
    while data:
        unzip = zlib.decompressobj(wbits=31)
        try:
            part = unzip.decompress(data, MAX_GUNZIP_BYTES - size + 1)
        except zlib.error as exc:
            raise SourceError(source, f"corrupt gzip: {exc}") from exc
        size += len(part)
        if size > MAX_GUNZIP_BYTES:
            raise SourceError(source, f"too large: expands to more than {MAX_GUNZIP_BYTES} bytes")
        if not unzip.eof:
            raise SourceError(source, f"truncated gzip: the data ends after {size} bytes")
        parts.append(part)
        data = unzip.unused_data
    return b"".join(parts)
