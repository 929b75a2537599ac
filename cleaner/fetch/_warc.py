"""``save_raw``: every response read during a run, written as a WARC ``response`` record.

The payload is stored as it came off the wire after de-chunking: a gzip-encoded body stays
gzip-encoded and keeps its ``Content-Encoding`` header, so readers (``warcio``'s
``content_stream()``) decode it exactly as a browser would. ``Transfer-Encoding`` is dropped
because the stored payload is no longer chunked.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import BinaryIO

import httpx
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .._errors import SourceError


class WarcRecorder:
    """Writes one gzipped WARC file. Call :meth:`close` when the run ends."""

    def __init__(self, path: Path, software: str) -> None:
        self.path = path
        try:
            self._file: BinaryIO = path.open("wb")
        except OSError as exc:
            raise SourceError(str(path), f"cannot write WARC file: {exc.strerror}") from exc
        self._writer = WARCWriter(self._file, gzip=True)
        info = self._writer.create_warcinfo_record(path.name, {"software": software,
                                                               "format": "WARC File Format 1.1"})
        self._writer.write_record(info)
        self.records = 0

    def record(self, url: str, response: httpx.Response, raw: bytes) -> None:
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw
                   if k.lower() != b"transfer-encoding"]
        version = response.http_version
        protocol = version if version.startswith("HTTP/") else "HTTP/1.1"
        http_headers = StatusAndHeaders(f"{response.status_code} {response.reason_phrase}",
                                        headers, protocol=protocol)
        warc_headers = {}
        peer = _peer(response)
        if peer:
            warc_headers["WARC-IP-Address"] = peer
        record = self._writer.create_warc_record(
            url, "response", payload=BytesIO(raw), length=len(raw),
            http_headers=http_headers, warc_headers_dict=warc_headers)
        self._writer.write_record(record)
        self.records += 1

    def close(self) -> None:
        self._file.close()


def _peer(response: httpx.Response) -> str | None:
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None
    addr = stream.get_extra_info("server_addr")
    return str(addr[0]) if addr else None
