"""Fetching from a real HTTP server the tests start on 127.0.0.1 (see ``_server.py``).

Timeouts and backoff are scaled down so the whole file runs in a few seconds.
"""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from _server import LoopbackServer, Reply, Route, Sequence

import cleaner
from cleaner import FetchOptions, FetchResult, afetch, fetch
from cleaner.fetch._fetcher import Fetcher

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HTML_PAGE = FIXTURES / "html" / "en-council-budget.html"
TEXT_PAGE = FIXTURES / "text" / "en-harbour-ferry-fares.txt"
HTML = ("content-type", "text/html; charset=utf-8")
TEXT = ("content-type", "text/plain; charset=utf-8")
MB = 1024 * 1024
PLAIN = cleaner.Cleaner(default_rules=False)
# Generous limits, so a busy machine never turns a slow answer into a failure; the one test of a
# read timeout sets SLOW_READ itself against a server that waits far longer than that.
OPTS = FetchOptions(read_timeout=10, connect_timeout=10, total_timeout=30, backoff=0.01,
                    retries=2, workers=0)
SLOW_READ = 0.5

LATIN1_HTML = ("<html><head><title>Caf\u00e9 cr\u00e8me</title></head><body><article>"
               "<h1>Le caf\u00e9 du port rouvre ses portes</h1>"
               "<p>Apr\u00e8s deux ans de travaux, le caf\u00e9 du port a rouvert mardi. "
               "Les habitu\u00e9s ont retrouv\u00e9 leur cr\u00e8me et leurs croissants.</p>"
               "<p>Le patron, Andr\u00e9 Lef\u00e8vre, promet des prix inchang\u00e9s jusqu'\u00e0 "
               "l'\u00e9t\u00e9 prochain, malgr\u00e9 la hausse du co\u00fbt du lait.</p>"
               "</article></body></html>").encode("latin-1")
LATIN1_TEXT = ("Le caf\u00e9 du port rouvre\n\nApr\u00e8s deux ans de travaux, le caf\u00e9 "
               "a rouvert mardi.\n").encode("latin-1")


def _html_page() -> bytes:
    if HTML_PAGE.is_file():
        return HTML_PAGE.read_bytes()
    paragraphs = "".join(f"<p>Paragraph {i} of a small article about the harbour ferry fares, "
                         "written for these tests.</p>" for i in range(6))
    return f"<html><head><title>Ferry fares</title></head><body><article>{paragraphs}" \
           "</article></body></html>".encode()


def _bomb(size: int = 64 * MB) -> bytes:
    """gzip of ``size`` zero bytes: about a thousandth of its decoded size."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(MB)
    return b"".join(packer.compress(block) for _ in range(size // MB)) + packer.flush()


def _chunks(total: int) -> AsyncIterator[bytes]:
    async def gen() -> AsyncIterator[bytes]:
        for _ in range(total // MB):
            yield b"<p>" + b"x" * (MB - 7) + b"</p>\n"
    return gen()


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    page, text = _html_page(), TEXT_PAGE.read_bytes()
    bomb = _bomb()  # built once: building it per request cost the client its read timeout
    routes: dict[str, Route] = {
        "/robots.txt": lambda r: Reply(headers=(TEXT,),
                                       body=b"User-agent: *\nDisallow: /private/\n"),
        "/article": lambda r: Reply(headers=(HTML,), body=page),
        "/article.gz": lambda r: Reply(headers=(HTML, ("content-encoding", "gzip")),
                                       body=gzip.compress(page)),
        "/plain": lambda r: Reply(headers=(TEXT,), body=text),
        "/missing": lambda r: Reply(404, headers=(TEXT,), body=b"no such page"),
        "/flaky": Sequence([Reply(500, body=b"oops"), Reply(headers=(TEXT,), body=text)]),
        "/busy": Sequence([Reply(429, headers=(("retry-after", "1"),)),
                           Reply(headers=(TEXT,), body=text)]),
        "/slow": lambda r: Reply(headers=(TEXT,), body=text, delay=60.0),
        "/redirect/1": lambda r: Reply(302, headers=(("location", "/redirect/2"),)),
        "/redirect/2": lambda r: Reply(301, headers=(("location", "/redirect/3"),)),
        "/redirect/3": lambda r: Reply(302, headers=(("location", "/plain"),)),
        "/loop/a": lambda r: Reply(302, headers=(("location", "/loop/b"),)),
        "/loop/b": lambda r: Reply(302, headers=(("location", "/loop/a"),)),
        "/huge": lambda r: Reply(headers=(HTML,), body=b"x" * (30 * MB)),
        "/huge-chunked": lambda r: Reply(headers=(HTML,), chunks=lambda: _chunks(30 * MB)),
        "/bomb": lambda r: Reply(headers=(HTML, ("content-encoding", "gzip")), body=bomb),
        "/latin1": lambda r: Reply(headers=(("content-type", "text/html; charset=iso-8859-1"),),
                                   body=LATIN1_HTML),
        "/latin1.txt": lambda r: Reply(headers=(("content-type", "text/plain; charset=latin-1"),),
                                       body=LATIN1_TEXT),
        "/binary": lambda r: Reply(headers=(HTML,), body=bytes(range(256)) * 64),
        "/image": lambda r: Reply(headers=(("content-type", "image/png"),), body=b"\x89PNG\r\n"),
        "/private/page": lambda r: Reply(headers=(TEXT,), body=text),
    }
    running = LoopbackServer(routes).start()
    yield running
    running.stop()


def one(server: LoopbackServer, path: str, **changes: object) -> FetchResult:
    options = replace(OPTS, **changes)  # type: ignore[arg-type]
    [result] = asyncio.run(afetch([server.url(path)], options, cleaner=PLAIN))
    return result


# --- what a page gives --------------------------------------------------------------------------


def test_plain_text_page_equals_the_same_bytes_cleaned_from_a_file(server: LoopbackServer) -> None:
    default = cleaner.Cleaner()
    [result] = asyncio.run(afetch([server.url("/plain")], OPTS, cleaner=default))
    assert result.ok and result.status == 200 and result.final_url == server.url("/plain")
    assert result.cleaned is not None
    local = default.clean_text(TEXT_PAGE.read_text(encoding="utf-8"), url=result.final_url)
    assert result.cleaned.to_dict() == local.to_dict()


@pytest.mark.parametrize("path", ["/article", "/article.gz"])
def test_html_page_equals_the_same_bytes_cleaned_from_a_file(server: LoopbackServer,
                                                             path: str) -> None:
    pytest.importorskip("cleaner.html")
    default = cleaner.Cleaner()
    [result] = asyncio.run(afetch([server.url(path)], OPTS, cleaner=default))
    assert result.ok, result.error
    assert result.cleaned is not None and result.cleaned.text
    local = default.clean_html(_html_page(), url=result.final_url)
    assert result.cleaned.to_dict() == local.to_dict()


def test_cleaning_in_worker_processes_gives_the_same_records(server: LoopbackServer) -> None:
    urls = [server.url(p) for p in ("/plain", "/latin1.txt", "/missing", "/binary", "/plain")]
    threaded = asyncio.run(afetch(urls, OPTS, cleaner=PLAIN))
    processes = asyncio.run(afetch(urls, replace(OPTS, workers=2), cleaner=PLAIN))
    assert [r.to_record() for r in processes] == [r.to_record() for r in threaded]


def test_header_charset_decodes_a_page_without_meta(server: LoopbackServer) -> None:
    result = one(server, "/latin1.txt")
    assert result.ok and result.cleaned is not None
    assert "Apr\u00e8s deux ans de travaux, le caf\u00e9" in result.cleaned.text


def test_header_charset_decodes_an_html_page_without_meta(server: LoopbackServer) -> None:
    pytest.importorskip("cleaner.html")
    result = one(server, "/latin1")
    assert result.ok and result.cleaned is not None
    assert "Andr\u00e9 Lef\u00e8vre" in result.cleaned.text


# --- every failure is one record with its stage -------------------------------------------------


@pytest.mark.parametrize(("path", "stage", "status", "words"), [
    ("/missing", "http", 404, "HTTP 404 Not Found"),
    ("/loop/a", "http", 302, "redirect loop"),
    ("/huge", "size", 200, "Content-Length 31457280 exceeds max_bytes"),
    ("/huge-chunked", "size", 200, "body exceeds max_bytes"),
    ("/bomb", "size", 200, "compression bomb"),
    ("/image", "type", 200, "content type image/png"),
    ("/binary", "decode", 200, "not text"),
    ("/private/page", "robots", None, "disallowed by robots.txt"),
    ("/slow", "connect", None, "read timed out after 0.5 s"),
])
def test_failures_name_their_stage(server: LoopbackServer, path: str, stage: str,
                                   status: int | None, words: str) -> None:
    result = one(server, path, retries=0, read_timeout=SLOW_READ if path == "/slow" else 10)
    assert not result.ok and result.cleaned is None
    assert (result.stage, result.status) == (stage, status)
    assert words in str(result.error)
    record = result.to_record()
    assert record["error"].startswith(f"{server.url(path)}: {stage}: ")
    assert record["url"] == server.url(path)


def test_500_then_200_is_retried(server: LoopbackServer) -> None:
    before = server.hits["/flaky"]
    result = one(server, "/flaky")
    assert result.ok and server.hits["/flaky"] - before == 2


def test_429_waits_for_retry_after(server: LoopbackServer) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def main() -> cleaner.FetchError | object:
        async with Fetcher(replace(OPTS, backoff=0.001), sleep=sleep) as fetcher:
            return await fetcher.fetch(server.url("/busy"))

    page = asyncio.run(main())
    assert not isinstance(page, cleaner.FetchError)
    assert waits == [1.0]


def test_redirect_chain_gives_the_final_url(server: LoopbackServer) -> None:
    result = one(server, "/redirect/1")
    assert result.ok and result.status == 200
    assert result.final_url == server.url("/plain")


def test_robots_is_fetched_once_per_run_and_can_be_ignored(server: LoopbackServer) -> None:
    before = server.hits["/robots.txt"]
    urls = [server.url(p) for p in ("/plain", "/private/page", "/plain", "/private/page")]
    results = asyncio.run(afetch(urls, OPTS, cleaner=PLAIN))
    assert [r.ok for r in results] == [True, False, True, False]
    assert server.hits["/robots.txt"] - before == 1
    assert one(server, "/private/page", obey_robots=False).ok


def test_deny_private_refuses_loopback(server: LoopbackServer) -> None:
    before = server.hits["/plain"]
    result = one(server, "/plain", deny_private=True)
    assert (result.stage, result.status) == ("connect", None)
    assert "refused by deny_private: 127.0.0.1 is a loopback address" in str(result.error)
    assert server.hits["/plain"] == before  # nothing was sent
    assert one(server, "/plain").ok


def test_one_record_per_url_in_input_order(server: LoopbackServer) -> None:
    paths = ["/plain", "/missing", "/slow", "/redirect/1", "/image", "/plain"]
    urls = [server.url(p) for p in paths] + ["ftp://example.invalid/x"]
    results = list(fetch(urls, replace(OPTS, retries=0, read_timeout=SLOW_READ), cleaner=PLAIN))
    assert [r.url for r in results] == urls
    assert [r.stage for r in results] == [None, "http", "connect", None, "type", None, "connect"]


# --- --save-raw ---------------------------------------------------------------------------------


def test_save_raw_writes_replayable_warc(server: LoopbackServer, tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    warc = tmp_path / "run.warc.gz"
    urls = [server.url(p) for p in ("/plain", "/redirect/3", "/missing")]
    results = asyncio.run(afetch(urls, replace(OPTS, save_raw=warc, obey_robots=False),
                                 cleaner=PLAIN))
    with warc.open("rb") as stream:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                    r.http_headers.get_statuscode() if r.http_headers else None,
                    r.content_stream().read())
                   for r in ArchiveIterator(stream)]
    responses = [r for r in records if r[0] == "response"]
    assert [(uri, status) for _, uri, status, _ in responses] == [
        (server.url("/plain"), "200"), (server.url("/redirect/3"), "302"),
        (server.url("/plain"), "200")]
    assert responses[0][3] == TEXT_PAGE.read_bytes()
    assert records[0][0] == "warcinfo" and results[2].stage == "http"


def test_save_raw_keeps_the_wire_encoding(server: LoopbackServer, tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    warc = tmp_path / "gz.warc.gz"
    asyncio.run(afetch([server.url("/article.gz")], replace(OPTS, save_raw=warc,
                                                             obey_robots=False), cleaner=PLAIN))
    with warc.open("rb") as stream:
        [(encoding, body)] = [(r.http_headers.get_header("Content-Encoding"),
                               r.content_stream().read())
                              for r in ArchiveIterator(stream) if r.rec_type == "response"]
    assert (encoding, body) == ("gzip", _html_page())


def test_a_saved_run_replays_to_the_same_bodies(server: LoopbackServer, tmp_path: Path) -> None:
    from cleaner._pipeline import clean_document
    from cleaner.sources.warc import iter_warc

    pytest.importorskip("cleaner.html")
    warc = tmp_path / "replay.warc.gz"
    urls = [server.url(p) for p in ("/article", "/article.gz", "/latin1")]
    fetched = asyncio.run(afetch(urls, replace(OPTS, save_raw=warc, obey_robots=False),
                                 cleaner=PLAIN))
    replayed = [clean_document(PLAIN, doc) for doc in iter_warc(warc)]
    # Records are written as responses complete, so the archive's order is not the input's.
    assert sorted(r.document.url or "" for r in replayed) == sorted(urls)
    by_url = {r.document.url: r.cleaned.to_dict() for r in replayed if r.cleaned}
    assert by_url == {f.url: f.cleaned.to_dict() for f in fetched if f.cleaned}


# --- fetch only: documents for a batch to clean -------------------------------------------------


def test_fetch_documents_loads_urls_and_passes_the_rest(server: LoopbackServer) -> None:
    from cleaner._pipeline import clean_document
    from cleaner.sources import Document
    from cleaner.fetch import fetch_documents
    from cleaner.sources.urls import url_document

    saved = Document("saved.txt", "Some saved text.\n\nAnother paragraph.")
    docs = [url_document(server.url("/redirect/3")), saved,
            url_document(server.url("/missing")), url_document(server.url("/binary")),
            url_document(server.url("/latin1.txt"))]
    out = list(fetch_documents(docs, OPTS))
    assert [d.source for d in out] == [d.source for d in docs]
    assert out[1] is saved
    first = out[0]
    assert (first.kind, first.status, first.final_url) == ("text", 200, server.url("/plain"))
    assert first.content == TEXT_PAGE.read_text(encoding="utf-8")
    assert [d.error.stage if isinstance(d.error, cleaner.FetchError) else None for d in out] == [
        None, None, "http", "decode", None]
    assert "caf\u00e9 a rouvert" in str(out[4].content)
    [direct] = asyncio.run(afetch([server.url("/redirect/3")], OPTS, cleaner=PLAIN))
    assert direct.cleaned is not None
    assert clean_document(PLAIN, first).cleaned == direct.cleaned


def test_fetch_document_one_at_a_time(server: LoopbackServer) -> None:
    from cleaner.fetch import fetch_document
    from cleaner.sources.urls import url_document

    doc = fetch_document(url_document(server.url("/plain")), OPTS)
    assert doc.error is None and doc.status == 200 and doc.content
    again = fetch_document(doc, OPTS)
    assert again is doc  # already loaded: nothing to do
