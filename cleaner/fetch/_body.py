"""Reading a response: the content-type check, then the body streamed under two caps — bytes on
the wire (``max_bytes``) and bytes after gzip/deflate decoding (bomb protection)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import httpx

from .._errors import FetchError
from ._model import PageKind
from ._options import FetchOptions

ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"
ACCEPT_ENCODING = "gzip, deflate"
"""Only what the standard library can decode; a server sending ``br`` anyway is refused."""

_KINDS: dict[str, PageKind] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
}


def parse_content_type(header: str | None) -> tuple[str, str | None]:
    """``"text/html; charset=UTF-8"`` -> ``("text/html", "utf-8")``; no header -> ``("", None)``."""
    if not header:
        return "", None
    mime, *params = header.split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("'\"").lower() or None
    return mime.strip().lower(), charset


def page_kind(url: str, mime: str, status: int) -> PageKind:
    """HTML or text for the accepted types (a missing type is taken as HTML and sniffed later);
    anything else raises ``FetchError(stage="type")``."""
    if not mime:
        return "html"
    kind = _KINDS.get(mime)
    if kind is None:
        raise FetchError(url, "type", f"content type {mime} is not HTML or plain text",
                         status=status)
    return kind


@dataclass(frozen=True, slots=True)
class Body:
    raw: bytes
    """As received (after de-chunking, before content decoding): what a WARC record stores."""
    decoded: bytes


class _Inflater:
    """gzip / deflate decoding that stops as soon as the output passes ``cap`` bytes."""

    def __init__(self, encoding: str, cap: int) -> None:
        self._encoding = encoding
        self._cap = cap
        self._total = 0
        self._z: zlib._Decompress | None = None

    def feed(self, data: bytes) -> bytes:
        if self._z is None:
            self._z = zlib.decompressobj(_wbits(self._encoding, data))
        out = bytearray()
        while data and not self._z.eof:
            part = self._z.decompress(data, self._cap - self._total + 1)
            self._total += len(part)
            if self._total > self._cap:
                raise OverflowError(self._total)
            out += part
            data = self._z.unconsumed_tail
        return bytes(out)

    def flush(self) -> bytes:
        if self._z is None:
            return b""
        tail = self._z.flush()
        self._total += len(tail)
        if self._total > self._cap:
            raise OverflowError(self._total)
        return tail


def _wbits(encoding: str, head: bytes) -> int:
    if encoding in ("gzip", "x-gzip"):
        return 16 + zlib.MAX_WBITS
    zlib_header = len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
    return zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS  # deflate: zlib-wrapped or raw


def _inflater(url: str, response: httpx.Response, cap: int) -> _Inflater | None:
    codings = [c.strip().lower() for c in response.headers.get("content-encoding", "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return None
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return _Inflater(codings[0], cap)
    raise FetchError(url, "decode", f"unsupported content encoding {', '.join(codings)!r}",
                     status=response.status_code)


async def read_body(url: str, response: httpx.Response, options: FetchOptions) -> Body:
    """Stream the body under the caps; ``FetchError`` stage ``size`` or ``decode`` past them."""
    status = response.status_code
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > options.max_bytes:
        raise FetchError(url, "size", f"Content-Length {declared} exceeds max_bytes "
                         f"{options.max_bytes}", status=status)
    if response.is_stream_consumed:
        return _pre_read(url, response, options)
    inflater = _inflater(url, response, options.decoded_cap)
    raw: list[bytes] = []
    decoded: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_raw():
            size += len(chunk)
            if size > options.max_bytes:
                raise FetchError(url, "size", f"body exceeds max_bytes {options.max_bytes}",
                                 status=status)
            raw.append(chunk)
            if inflater is not None:
                decoded.append(inflater.feed(chunk))
        if inflater is not None:
            decoded.append(inflater.flush())
    except OverflowError as exc:
        raise FetchError(url, "size", f"decoded body exceeds {options.decoded_cap} bytes "
                         "(compression bomb?)", status=status) from exc
    except zlib.error as exc:
        raise FetchError(url, "decode", f"corrupt {response.headers['content-encoding']} data: "
                         f"{exc}", status=status) from exc
    data = b"".join(raw)
    return Body(data, b"".join(decoded) if inflater is not None else data)


def _pre_read(url: str, response: httpx.Response, options: FetchOptions) -> Body:
    """A response whose body was read before it reached us (``httpx.MockTransport`` responses
    built with ``content=``): httpx has decoded it already; the caps still apply."""
    data = response.content
    if len(data) > options.decoded_cap:
        raise FetchError(url, "size", f"decoded body exceeds {options.decoded_cap} bytes",
                         status=response.status_code)
    return Body(data, data)
