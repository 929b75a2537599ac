"""WARC in: one document per HTML response; everything else named by file@offset."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaner.cli import main
from cleaner.sources.warc import iter_warc

PAGE = ("<html><head><title>Harbour ferry fares</title></head><body><article>"
        "<h1>Harbour Ferry Fares Rise in Spring</h1>"
        "<p>The harbour council approved new ferry fares on Tuesday after a long debate.</p>"
        "<p>Boats will leave every twenty minutes during the morning rush, the operator said.</p>"
        "</article></body></html>")


def write_warc(path: Path, gz: bool = True) -> None:
    """response (HTML, UTF-8 charset), request, response (PNG), response (404), resource (HTML)."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gz)

        def put(url: str, kind: str, body: bytes, http: StatusAndHeaders | None = None,
                ctype: str = "") -> None:
            record = writer.create_warc_record(url, kind, payload=io.BytesIO(body),
                                               http_headers=http, warc_content_type=ctype)
            writer.write_record(record)
            record.raw_stream.close()  # warcio may spool the payload to a temporary file

        def response(url: str, status: str, ctype: str, body: bytes) -> None:
            put(url, "response", body, StatusAndHeaders(status, [("Content-Type", ctype)],
                                                        protocol="HTTP/1.1"))

        response("https://news.example/ferry", "200 OK", "text/html; charset=utf-8", PAGE.encode())
        put("https://news.example/ferry", "request", b"GET / HTTP/1.1\r\n\r\n")
        response("https://news.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n")
        response("https://news.example/gone", "404 Not Found", "text/html", b"<p>gone</p>")
        put("https://news.example/saved", "resource", PAGE.encode(), ctype="text/html")


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_one_document_per_response(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    write_warc(path, gz)
    docs = list(iter_warc(path))
    assert [d.url for d in docs] == ["https://news.example/ferry", "https://news.example/logo.png",
                                     "https://news.example/gone", "https://news.example/saved"]
    ferry, png, gone, saved = docs
    assert ferry.error is None and ferry.kind == "html" and isinstance(ferry.content, str)
    assert ferry.id is not None and ferry.id.startswith("<urn:uuid:") and ferry.status == 200
    assert ferry.source == f"{path}@0"
    assert str(png.error).endswith("not HTML: Content-Type image/png")
    assert str(gone.error).endswith("not a page: HTTP status 404")
    assert saved.error is None and saved.content == PAGE.encode()
    offsets = [int(d.source.rsplit("@", 1)[1]) for d in docs]
    assert offsets == sorted(offsets) and len(set(offsets)) == 4
    data = path.read_bytes()
    for doc, offset in zip(docs, offsets):  # the offset is where the record starts
        assert data[offset:offset + 2] == (b"\x1f\x8b" if gz else b"WA")


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_truncated_file_ends_with_an_error_at_the_broken_record(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    write_warc(path, gz)
    data = path.read_bytes()
    path.write_bytes(data[:-40])
    docs = list(iter_warc(path))
    assert [d.error is None for d in docs[:3]] == [True, False, False]
    last = docs[-1]
    assert last.error is not None and "broken WARC record" in str(last.error)
    assert "truncated" in str(last.error) and "@" in last.source


def test_garbage_is_an_error_naming_the_offset(tmp_path: Path) -> None:
    good = tmp_path / "good.warc.gz"
    write_warc(good)
    bad = tmp_path / "bad.warc.gz"
    data = good.read_bytes()
    first_end = data.index(b"\x1f\x8b", 10)  # the second gzip member (the request record)
    bad.write_bytes(data[:first_end] + b"this is not a WARC record\r\n\r\n" + data[first_end:])
    docs = list(iter_warc(bad))
    assert docs[0].error is None
    assert docs[-1].error is not None and docs[-1].source == f"{bad}@{first_end}"
    assert "broken WARC record" in str(docs[-1].error)


def test_not_a_warc_at_all(tmp_path: Path) -> None:
    path = tmp_path / "x.warc"
    path.write_bytes(b"hello, I am text\n")
    [doc] = list(iter_warc(path))
    assert doc.error is not None and str(doc.error).startswith(f"{path}@0: broken WARC record")


def test_cli_writes_one_record_per_response(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path)
    result = CliRunner().invoke(main, ["clean", "--format", "jsonl", "-j", "1", str(path)])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 1  # two responses are not pages
    assert [r["url"] for r in records] == ["https://news.example/ferry", "https://news.example/logo.png",
                                           "https://news.example/gone", "https://news.example/saved"]
    assert "twenty minutes" in records[0]["text"] and records[0]["error"] is None
    assert records[0]["id"].startswith("<urn:uuid:")
    assert [r["error"] is None for r in records] == [True, False, False, True]
    assert "not HTML" in result.stderr and "errors by kind: " in result.stderr
