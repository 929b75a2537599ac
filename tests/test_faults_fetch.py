"""One bad URL is one record, and no URL costs minutes (issue 19 items 1, 2, 11; issue 17 items
10, 12), against real servers on loopback that wait far longer than any timeout under test."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from _server import LoopbackServer, Reply

import cleaner
from cleaner import FetchOptions, afetch
from cleaner.fetch._fetcher import Fetcher, _connect_failure

ROOT = Path(__file__).resolve().parents[1]
TEXT = ("content-type", "text/plain; charset=utf-8")
BODY = b"An ordinary paragraph of text that a plain cleaner keeps as it is.\n"
PLAIN = cleaner.Cleaner(default_rules=False)
OPTS = FetchOptions(read_timeout=10, connect_timeout=10, total_timeout=30, backoff=0.01,
                    retries=2, workers=0)


def _has_ipv6() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


def _routes(**extra: Reply) -> dict[str, object]:
    routes: dict[str, object] = {
        "/robots.txt": lambda r: Reply(headers=(TEXT,), body=b"User-agent: *\n"),
        "/plain": lambda r: Reply(headers=(TEXT,), body=BODY)}
    routes.update({path: (lambda reply: lambda r: reply)(reply) for path, reply in extra.items()})
    return routes


@pytest.fixture(scope="module")
def v6() -> Iterator[LoopbackServer]:
    if not _has_ipv6():
        pytest.skip("no IPv6 loopback here")
    server = LoopbackServer(_routes(), host="::1").start()  # type: ignore[arg-type]
    yield server
    server.stop()


@pytest.fixture(scope="module")
def v4(v6: LoopbackServer) -> Iterator[LoopbackServer]:
    server = LoopbackServer(_routes(**{  # type: ignore[arg-type]
        "/to-v6": Reply(302, headers=(("location", v6.url("/plain")),)),
        "/to-bad-port": Reply(302, headers=(("location", "http://127.0.0.1:99999/x"),)),
        "/slow": Reply(headers=(TEXT,), body=BODY, delay=60.0),
    })).start()
    yield server
    server.stop()


def _fetch(urls: list[str], **changes: object) -> list[cleaner.FetchResult]:
    options = replace(OPTS, **changes)  # type: ignore[arg-type]
    return asyncio.run(afetch(urls, options, cleaner=PLAIN))


def test_an_ipv6_literal_url_is_fetched_with_its_robots_txt(v6: LoopbackServer) -> None:
    [result] = _fetch([v6.url("/plain")])
    assert result.ok, result.error
    assert v6.hits["/robots.txt"] == 1


def test_a_redirect_to_an_ipv6_literal_is_followed(v4: LoopbackServer, v6: LoopbackServer) -> None:
    [result] = _fetch([v4.url("/to-v6")])
    assert result.ok and result.final_url == v6.url("/plain")


def test_a_bad_port_is_one_error_record_direct_or_by_redirect(v4: LoopbackServer) -> None:
    urls = ["http://127.0.0.1:99999/", v4.url("/plain"), v4.url("/to-bad-port"),
            "http://127.0.0.1:0/x"]
    results = _fetch(urls)
    assert [r.ok for r in results] == [False, True, False, False]
    assert results[0].stage == "url" and "port 99999 is out of range" in str(results[0].error)
    assert results[2].stage == "http" and "port 99999 is out of range" in str(results[2].error)
    assert results[3].stage == "url"


def test_the_cli_gives_every_url_its_record(v4: LoopbackServer, v6: LoopbackServer) -> None:
    urls = [v6.url("/plain"), "http://127.0.0.1:99999/", v4.url("/plain")]
    done = subprocess.run([sys.executable, "-m", "cleaner", "clean", "--format", "jsonl",
                           "--no-default-rules", *urls], capture_output=True, timeout=300,
                          check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["url"] for r in records] == urls
    assert [r["error"] is None for r in records] == [True, False, True]
    assert done.returncode == 1 and b"Traceback" not in done.stderr


class _Waits:
    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_refused_connection_says_so_and_is_not_retried() -> None:
    waits = _Waits()

    async def main() -> object:
        async with Fetcher(replace(OPTS, retries=3), sleep=waits) as fetcher:
            try:
                return await fetcher.fetch(f"http://127.0.0.1:{_closed_port()}/x")
            except cleaner.FetchError as exc:
                return exc

    error = asyncio.run(main())
    assert isinstance(error, cleaner.FetchError) and error.stage == "connect"
    assert "connection refused by 127.0.0.1 port" in str(error)
    assert "robots" not in str(error) and waits.seconds == []


def test_an_unknown_host_says_dns_and_is_not_retried() -> None:
    """The error chain httpx raises for a name that does not resolve (built here: the test may
    not ask a DNS server beyond loopback)."""
    try:
        try:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        except socket.gaierror as exc:
            raise httpx.ConnectError(str(exc)) from exc
    except httpx.ConnectError as exc:
        failure = _connect_failure(exc, httpx.URL("http://no-such-host.invalid/x"))
    assert (failure.stage, failure.retry) == ("connect", False)
    assert failure.why == "unknown host no-such-host.invalid (DNS: Name or service not known)"


def test_a_total_timeout_is_not_retried_and_says_where_it_fired(v4: LoopbackServer) -> None:
    before = v4.hits["/slow"]
    [result] = _fetch([v4.url("/slow")], total_timeout=0.5, retries=3)
    assert result.stage == "read"  # connected; the answer never came
    assert "total timeout: no complete answer within 0.5 s" in str(result.error)
    assert v4.hits["/slow"] - before == 1


def test_a_read_timeout_is_stage_read(v4: LoopbackServer) -> None:
    [result] = _fetch([v4.url("/slow")], read_timeout=0.5, retries=0)
    assert result.stage == "read" and "read timed out after 0.5 s" in str(result.error)


def test_a_robots_txt_that_never_answers_disallows_its_host_once() -> None:
    server = LoopbackServer(_routes(**{  # type: ignore[arg-type]
        "/robots.txt": Reply(headers=(TEXT,), body=b"User-agent: *\n", delay=60.0)})).start()
    try:
        urls = [server.url(f"/plain?n={n}") for n in range(3)]
        results = _fetch(urls, robots_timeout=0.5)
    finally:
        server.stop()
    assert [r.stage for r in results] == ["robots"] * 3
    assert all("no answer within robots_timeout 0.5 s" in str(r.error) for r in results)
    assert "RFC 9309" in str(results[0].error)
    assert server.hits["/robots.txt"] == 1 and server.hits["/plain"] == 0


def _cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "cleaner", "clean", "--format", "jsonl",
                           "--no-default-rules", *args], capture_output=True, timeout=300,
                          check=False, input=stdin, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_urls_the_tool_cannot_fetch_are_named_as_such(tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text("hello world\nftp://127.0.0.1/y\nwww.example.com/q.html\n", encoding="utf-8")
    done = _cli("ftp://127.0.0.1/x", "www.example.com/p.html", "--urls", str(listing))
    errors = [json.loads(line)["error"] for line in done.stdout.splitlines()]
    assert errors == [
        "ftp://127.0.0.1/x: unsupported URL scheme: ftp:// (only http:// and https:// are fetched)",
        "www.example.com/p.html: no such file: to fetch a web page, give its full URL "
        "(https://www.example.com/p.html)",
        f"{listing}:1: not a URL: 'hello world'",
        f"{listing}:2: unsupported URL scheme: ftp:// (only http:// and https:// are fetched)",
        f"{listing}:3: not a URL: 'www.example.com/q.html'; to fetch a web page, give its full URL "
        "(https://www.example.com/q.html)",
    ]
