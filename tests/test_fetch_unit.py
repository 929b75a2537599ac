"""Fetching with ``httpx.MockTransport``: retries, backoff, limits, robots, redirects, policy.

Waits go through an injected ``sleep`` that records instead of sleeping, so backoff and
``Retry-After`` are asserted exactly and cost no time.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

import cleaner
from cleaner import FetchOptions, FetchResult, afetch, fetch
from cleaner.fetch._body import parse_content_type
from cleaner.fetch._clean import (
    BATCH,
    CleanJob,
    CleanOutcome,
    CleanPool,
    clean_fetched,
    decode_declared,
)
from cleaner.fetch._fetcher import Fetcher
from cleaner.fetch._options import make_options
from cleaner.fetch._policy import non_public
from cleaner.fetch._retry import parse_retry_after, retry_delay
from cleaner.sources.urls import is_url, read_url_list

PAGE = ("Harbour Council Approves New Ferry Timetable\n\n"
        "The council approved the timetable on Tuesday after a long debate.\n\n"
        "Boats will leave every twenty minutes during the morning rush.\n")
TEXT = {"content-type": "text/plain; charset=utf-8"}
PLAIN = cleaner.Cleaner(default_rules=False)
"""Unit tests are about fetching: no rules, so they hold whatever the shipped rules do."""
FAST = FetchOptions(backoff=0.001, retries=3, workers=0, obey_robots=False)


def opts(**changes: object) -> FetchOptions:
    return replace(FAST, **changes)  # type: ignore[arg-type]

def run_all(urls: list[str], options: FetchOptions | None = None,
            **kw: object) -> list[FetchResult]:
    """Fetch and clean in this process (``workers=0``) unless ``options`` say otherwise."""
    if options is None:
        kw.setdefault("workers", 0)
    return asyncio.run(afetch(urls, options, cleaner=PLAIN, **kw))


Handler = Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]


class Recorder:
    """Stands in for ``asyncio.sleep``: remembers every wait, waits for none."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def run_fetch(handler: Handler, url: str, options: FetchOptions = FAST,
              **seams: object) -> cleaner.FetchError | object:
    async def main() -> object:
        async with Fetcher(options, transport=httpx.MockTransport(handler), **seams) as f:  # type: ignore[arg-type]
            try:
                return await f.fetch(url)
            except cleaner.FetchError as exc:
                return exc
    return asyncio.run(main())


def scripted(*replies: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    """A handler giving ``replies`` in turn (the last one repeats), and the requests it saw."""
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        reply = replies[min(len(seen), len(replies)) - 1]
        if isinstance(reply, Exception):
            raise reply
        return reply
    return handler, seen


# --- retries and backoff ----------------------------------------------------------------------


def test_retries_503_until_success_and_counts_attempts() -> None:
    handler, seen = scripted(httpx.Response(503), httpx.Response(503),
                             httpx.Response(200, text=PAGE, headers=TEXT))
    sleep = Recorder()
    page = run_fetch(handler, "http://news.test/a", sleep=sleep)
    assert not isinstance(page, cleaner.FetchError)
    assert len(seen) == 3
    assert len(sleep.waits) == 2
    assert all(0 <= w <= 0.001 * 2 ** i for i, w in enumerate(sleep.waits))


def test_gives_up_after_the_retries_with_the_last_status() -> None:
    handler, seen = scripted(httpx.Response(502))
    error = run_fetch(handler, "http://news.test/a", opts(retries=2),
                      sleep=Recorder())
    assert isinstance(error, cleaner.FetchError)
    assert (error.stage, error.status, len(seen)) == ("http", 502, 3)


def test_404_is_not_retried() -> None:
    handler, seen = scripted(httpx.Response(404))
    error = run_fetch(handler, "http://news.test/a", sleep=Recorder())
    assert isinstance(error, cleaner.FetchError)
    assert (error.stage, error.status, len(seen)) == ("http", 404, 1)


def test_retry_after_is_honoured_exactly() -> None:
    handler, seen = scripted(httpx.Response(429, headers={"Retry-After": "7"}),
                             httpx.Response(200, text=PAGE, headers=TEXT))
    sleep = Recorder()
    page = run_fetch(handler, "http://news.test/a", sleep=sleep)
    assert not isinstance(page, cleaner.FetchError)
    assert sleep.waits == [7.0] and len(seen) == 2


def test_retry_after_beyond_the_limit_ends_the_retries() -> None:
    handler, seen = scripted(httpx.Response(503, headers={"Retry-After": "3600"}))
    error = run_fetch(handler, "http://news.test/a", opts(retry_after_max=60),
                      sleep=Recorder())
    assert isinstance(error, cleaner.FetchError)
    assert error.status == 503 and len(seen) == 1
    assert "Retry-After 3600" in str(error)


def test_connect_errors_and_timeouts_are_retried() -> None:
    handler, seen = scripted(httpx.ConnectError("refused"), httpx.ReadTimeout("slow"),
                             httpx.Response(200, text=PAGE, headers=TEXT))
    page = run_fetch(handler, "http://news.test/a", sleep=Recorder())
    assert not isinstance(page, cleaner.FetchError) and len(seen) == 3


def test_connect_error_after_retries_names_the_stage() -> None:
    handler, seen = scripted(httpx.ConnectError("connection refused"))
    error = run_fetch(handler, "http://news.test/a", opts(retries=1),
                      sleep=Recorder())
    assert isinstance(error, cleaner.FetchError)
    assert error.stage == "connect" and error.status is None and len(seen) == 2
    assert "connection refused" in str(error) and "2 attempts" in str(error)


def test_backoff_is_exponential_with_jitter_and_capped() -> None:
    backoff = FetchOptions(backoff=1.0, backoff_max=5.0, retries=10)
    rng = random.Random(4)
    for attempt in range(8):
        waits = [retry_delay(attempt, None, backoff, rng) for _ in range(200)]
        ceiling = min(5.0, 2.0 ** attempt)
        assert all(w is not None and 0 <= w <= ceiling for w in waits)
        assert max(w for w in waits if w is not None) > ceiling * 0.8  # jitter spans the range
    assert retry_delay(10, None, backoff, rng) is None


def test_retry_after_forms() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


# --- limits -------------------------------------------------------------------------------------


def test_per_host_and_global_limits_are_never_exceeded() -> None:
    in_flight: Counter[str] = Counter()
    peak: Counter[str] = Counter()

    async def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        in_flight[host] += 1
        in_flight["*"] += 1
        peak[host] = max(peak[host], in_flight[host])
        peak["*"] = max(peak["*"], in_flight["*"])
        await asyncio.sleep(0.01)
        in_flight[host] -= 1
        in_flight["*"] -= 1
        return httpx.Response(200, text=PAGE, headers=TEXT)

    urls = [f"http://site{i % 3}.test/{i}" for i in range(36)]
    options = FetchOptions(concurrency=5, per_host=2, workers=0, obey_robots=False)
    results = run_all(urls, options, transport=httpx.MockTransport(handler))
    assert all(r.ok for r in results)
    assert max(peak[f"site{i}.test"] for i in range(3)) == 2
    assert peak["*"] == 5


def test_per_host_delay_spaces_request_starts() -> None:
    """Five requests to one host at once: each waits one more delay than the one before (the
    waits are recorded, not slept, so a busy machine cannot blur them)."""
    handler, seen = scripted(httpx.Response(200, text=PAGE, headers=TEXT))
    sleep = Recorder()

    async def main() -> None:
        options = opts(per_host=5, per_host_delay=0.5)
        async with Fetcher(options, transport=httpx.MockTransport(handler), sleep=sleep) as f:
            await asyncio.gather(*(f.fetch(f"http://slowpoke.test/{i}") for i in range(5)))

    asyncio.run(main())
    assert len(seen) == 5
    assert sleep.waits == pytest.approx([0.5, 1.0, 1.5, 2.0], abs=0.05)


# --- robots.txt ---------------------------------------------------------------------------------


def robots_site(robots: httpx.Response) -> tuple[Handler, Counter[str]]:
    hits: Counter[str] = Counter()

    async def handler(request: httpx.Request) -> httpx.Response:
        hits[request.url.path] += 1
        if request.url.path == "/robots.txt":
            await asyncio.sleep(0.01)  # every page request arrives while this one is in flight
            return robots
        return httpx.Response(200, text=PAGE, headers=TEXT)
    return handler, hits


def test_robots_is_fetched_once_per_origin_and_obeyed() -> None:
    handler, hits = robots_site(httpx.Response(200, text="User-agent: *\nDisallow: /private/\n"))
    urls = [f"http://news.test/{'private/' if i % 2 else ''}{i}" for i in range(20)]
    results = run_all(urls, transport=httpx.MockTransport(handler))
    assert hits["/robots.txt"] == 1
    assert [r.ok for r in results] == [i % 2 == 0 for i in range(20)]
    assert {r.stage for r in results if not r.ok} == {"robots"}


def test_robots_for_our_user_agent_only() -> None:
    handler, _ = robots_site(httpx.Response(200, text="User-agent: otherbot\nDisallow: /\n"))
    [result] = run_all(["http://news.test/a"], transport=httpx.MockTransport(handler))
    assert result.ok
    handler, _ = robots_site(httpx.Response(200, text="User-agent: mybot\nDisallow: /\n"))
    [result] = run_all(["http://news.test/a"], transport=httpx.MockTransport(handler),
                       user_agent="mybot/2.0")
    assert result.stage == "robots"


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (403, True), (503, False)])
def test_robots_status_rules(status: int, allowed: bool) -> None:
    handler, _ = robots_site(httpx.Response(status))
    [result] = run_all(["http://news.test/a"], transport=httpx.MockTransport(handler),
                       retries=0)
    assert result.ok is allowed
    if not allowed:
        assert "robots.txt answered HTTP 503" in str(result.error)


def test_ignore_robots() -> None:
    handler, hits = robots_site(httpx.Response(200, text="User-agent: *\nDisallow: /\n"))
    [result] = run_all(["http://news.test/a"], transport=httpx.MockTransport(handler),
                       obey_robots=False)
    assert result.ok and hits["/robots.txt"] == 0


# --- redirects and the private-address policy ---------------------------------------------------


def redirects(table: dict[str, str]) -> Handler:
    async def handler(request: httpx.Request) -> httpx.Response:
        target = table.get(str(request.url))
        if target:
            return httpx.Response(302, headers={"Location": target})
        return httpx.Response(200, text=PAGE, headers=TEXT)
    return handler


def test_redirect_chain_and_limit() -> None:
    chain = {f"http://a.test/{i}": f"/{i + 1}" for i in range(4)}
    page = run_fetch(redirects(chain), "http://a.test/0")
    assert not isinstance(page, cleaner.FetchError)
    assert page.final_url == "http://a.test/4" and len(page.redirects) == 4  # type: ignore[attr-defined]
    error = run_fetch(redirects(chain), "http://a.test/0", opts(max_redirects=3))
    assert isinstance(error, cleaner.FetchError)
    assert error.stage == "http" and "more than 3 redirects" in str(error)


def test_redirect_loop_is_detected() -> None:
    loop = {"http://a.test/x": "http://a.test/y", "http://a.test/y": "/x"}
    error = run_fetch(redirects(loop), "http://a.test/x")
    assert isinstance(error, cleaner.FetchError)
    assert error.stage == "http" and "redirect loop" in str(error)


async def fake_dns(host: str, port: int) -> list[str]:
    return {"public.test": ["93.184.216.34"], "sneaky.test": ["93.184.216.34", "10.1.2.3"]}[host]


def test_deny_private_checks_every_redirect_hop() -> None:
    options = opts(deny_private=True)
    ok = run_fetch(redirects({}), "http://public.test/a", options, resolver=fake_dns)
    assert not isinstance(ok, cleaner.FetchError)
    hop = redirects({"http://public.test/a": "http://169.254.169.254/latest/meta-data"})
    error = run_fetch(hop, "http://public.test/a", options, resolver=fake_dns)
    assert isinstance(error, cleaner.FetchError)
    assert error.stage == "connect" and "link-local" in str(error)
    error = run_fetch(redirects({}), "http://sneaky.test/a", options, resolver=fake_dns)
    assert isinstance(error, cleaner.FetchError) and "private address (10.1.2.3)" in str(error)


def test_non_public_addresses() -> None:
    import ipaddress

    for address, why in [("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.0.0.8", "private"),
                         ("192.168.1.1", "private"), ("169.254.1.1", "link-local"),
                         ("fe80::1", "link-local"), ("::ffff:127.0.0.1", "loopback"),
                         ("100.64.0.1", "not a public"), ("0.0.0.0", "private")]:
        assert why in (non_public(ipaddress.ip_address(address)) or ""), address
    assert non_public(ipaddress.ip_address("93.184.216.34")) is None


@pytest.mark.parametrize("url", ["ftp://a.test/x", "mailto:x@a.test", "http://", "not a url"])
def test_bad_urls_are_records_not_crashes(url: str) -> None:
    [result] = run_all([url], transport=httpx.MockTransport(redirects({})))
    assert result.stage == "connect" and result.url == url


# --- types, encodings, decoding -----------------------------------------------------------------


@pytest.mark.parametrize(("content_type", "stage"), [
    ("application/pdf", "type"), ("image/png", "type"), ("text/plain; charset=utf-8", None),
    ("application/xhtml+xml", None), ("TEXT/HTML; Charset=\"UTF-8\"", None), (None, None)])
def test_content_type_check(content_type: str | None, stage: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    body = b"<html><body><p>Hello there, this is the body.</p></body></html>"
    handler, _ = scripted(httpx.Response(200, content=body, headers=headers))
    page = run_fetch(handler, "http://a.test/x")
    assert (page.stage if isinstance(page, cleaner.FetchError) else None) == stage


def test_unsupported_content_encoding() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=httpx.ByteStream(b"\x8b\x00"),
                              headers={"content-type": "text/html", "content-encoding": "br"})
    error = run_fetch(handler, "http://a.test/x")
    assert isinstance(error, cleaner.FetchError)
    assert error.stage == "decode" and "'br'" in str(error)


def test_parse_content_type() -> None:
    assert parse_content_type("text/html; charset=ISO-8859-1") == ("text/html", "iso-8859-1")
    assert parse_content_type("text/plain;charset='utf-8' ; format=flowed") == (
        "text/plain", "utf-8")
    assert parse_content_type(None) == ("", None)


def test_decode_declared() -> None:
    assert decode_declared("café".encode("latin-1"), "iso-8859-1") == "café"
    assert decode_declared(b"\x93quoted\x94", "latin-1") == "\u201cquoted\u201d"  # as browsers do
    assert decode_declared("ü".encode(), "utf-8") == "ü"
    assert decode_declared(b"\xff\xfe", "utf-8") is None  # the bytes do not fit: look further
    assert decode_declared(b"x", "no-such-charset") is None
    assert decode_declared(b"\xef\xbb\xbfx", "latin-1") is None  # the BOM outranks the header


def test_clean_fetched_stages() -> None:
    plain = cleaner.Cleaner(default_rules=False)
    binary = clean_fetched(plain, CleanJob("http://a.test/", b"\x89PNG\r\n\x1a\n\x00\x00", "html"))
    assert (binary.stage, binary.cleaned) == ("decode", None)
    assert "PNG" in (binary.reason or "")
    text = clean_fetched(plain, CleanJob("http://a.test/", "Grüße\n\nAus Köln.".encode("latin-1"),
                                         "text", "iso-8859-1"))
    assert text.cleaned is not None and "Köln" in text.cleaned.text


@pytest.mark.parametrize("workers", [0, 2])
def test_clean_pool_drains_a_backlog(workers: int) -> None:
    """More pages at once than the calls in flight carry: every one is cleaned, in order."""

    async def main() -> list[CleanOutcome]:
        async with CleanPool(PLAIN, workers) as pool:
            jobs = [CleanJob("http://a.test/", f"Paragraph {i}.".encode(), "text")
                    for i in range(5 * BATCH * 2 * max(1, workers))]
            return await asyncio.wait_for(asyncio.gather(*(pool.clean(j) for j in jobs)), 30)

    outcomes = asyncio.run(main())
    assert [o.cleaned.text if o.cleaned else None for o in outcomes] == [
        f"Paragraph {i}." for i in range(len(outcomes))]


# --- the public front -----------------------------------------------------------------------------


def test_sync_fetch_yields_one_record_per_url_in_order() -> None:
    handler, _ = scripted(httpx.Response(200, text=PAGE, headers=TEXT))
    urls = ["http://a.test/1", "ftp://nope", "http://a.test/2"]
    results = list(fetch(urls, cleaner=PLAIN, transport=httpx.MockTransport(handler), workers=0))
    assert [r.url for r in results] == urls
    assert [r.ok for r in results] == [True, False, True]
    record = results[0].to_record()
    fields = {"url", "final_url", "status", "text", "title", "metadata", "removed", "error"}
    assert fields <= set(record)
    assert record["error"] is None and record["status"] == 200
    assert results[1].to_record()["error"] == "ftp://nope: connect: not an http(s) URL"


def test_sync_fetch_can_stop_early() -> None:
    handler, seen = scripted(httpx.Response(200, text=PAGE, headers=TEXT))
    stream = fetch(cleaner=PLAIN, urls=(f"http://a.test/{i}" for i in range(10_000)),
                   transport=httpx.MockTransport(handler), workers=0, concurrency=4)
    first = next(stream)
    stream.close()
    assert first.ok and len(seen) < 1000


def test_unordered_results_are_all_there() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.2 if request.url.path == "/0" else 0)
        return httpx.Response(200, text=PAGE, headers=TEXT)
    urls = [f"http://a.test/{i}" for i in range(6)]
    results = run_all(urls, transport=httpx.MockTransport(handler), ordered=False,
                      obey_robots=False)
    assert sorted(r.url for r in results) == urls and results[-1].url == urls[0]


def test_options_are_checked() -> None:
    with pytest.raises(cleaner.CleanerError, match="unknown fetch option"):
        make_options(None, {"concurency": 3})
    with pytest.raises(cleaner.CleanerError, match="per_host"):
        FetchOptions(per_host=0)


def test_url_sources(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert is_url("https://a.test/x") and is_url("HTTP://a.test") and not is_url("a.html")
    listing = tmp_path / "urls.txt"
    listing.write_text("# news\nhttp://a.test/1\n\n  http://a.test/2  \n", encoding="utf-8")
    assert list(read_url_list(str(listing))) == ["http://a.test/1", "http://a.test/2"]
    with pytest.raises(cleaner.SourceError):
        list(read_url_list(str(tmp_path / "missing.txt")))
