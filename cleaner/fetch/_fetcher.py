"""The ``Fetcher``: one URL in, one ``Fetched`` page out, or a ``FetchError`` naming the stage.

Per request hop: policy check (``deny_private``) → robots.txt → limiter slot → request under the
total timeout → status / type / body checks. Retries wrap one hop; redirects chain hops.
"""

from __future__ import annotations

import asyncio
import random
import ssl
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

import httpx

from .._errors import FetchError
from ._body import ACCEPT, ACCEPT_ENCODING, Body, page_kind, parse_content_type, read_body
from ._limits import Limiter, Sleep
from ._model import Fetched, PageKind
from ._options import FetchOptions
from ._policy import Resolver, check_peer, check_target, system_resolver
from ._retry import parse_retry_after, retry_delay
from ._robots import ROBOTS_MAX_BYTES, Robots, RobotsCache, parse_robots

if TYPE_CHECKING:
    from ._warc import WarcRecorder

REDIRECTS = frozenset({301, 302, 303, 307, 308})
POOL_SIZE = 4
"""Connections per ``httpx.AsyncClient``. httpcore's pool does work quadratic in its connections
on every request, so 64 requests in flight run on sixteen clients of four connections each
(measured on loopback: one client of 64 connections fetches about half as many pages a second)."""
RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError,
                    TimeoutError)


@dataclass(frozen=True, slots=True)
class _Reply:
    """What one request hop came back with."""

    url: httpx.URL
    status: int
    reason: str
    location: httpx.URL | None = None
    retry_after: float | None = None
    body: Body | None = None
    kind: PageKind = "html"
    content_type: str = ""
    charset: str | None = None


@dataclass(frozen=True, slots=True)
class _Mode:
    """What a hop checks: a page (robots, type, all redirects) or robots.txt itself."""

    robots: bool
    pages_only: bool
    max_redirects: int


class Fetcher:
    """Fetches pages politely: ``async with Fetcher(options) as f: page = await f.fetch(url)``.

    The seams: ``transport`` (e.g. ``httpx.MockTransport``), ``resolver`` (host -> addresses, for
    ``deny_private``), ``sleep`` (backoff and per-host delay waits) and ``rng`` (backoff jitter).
    Everything the run learns (robots.txt per origin, per-host slots) lives in this object.
    """

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver = system_resolver,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.options = options or FetchOptions()
        self._transport = transport
        self._resolver = resolver
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._clients: list[httpx.AsyncClient] = []
        self._limiter: Limiter | None = None
        self._warc: WarcRecorder | None = None
        self.robots = RobotsCache(self._load_robots)

    async def __aenter__(self) -> Fetcher:
        opts = self.options
        shards = -(-opts.concurrency // POOL_SIZE)
        tls = httpx.create_ssl_context(trust_env=not opts.deny_private)  # one for all clients
        self._clients = [self._client(-(-opts.concurrency // shards), tls) for _ in range(shards)]
        self._limiter = Limiter(opts, self._sleep)
        if opts.save_raw is not None:
            from ._warc import WarcRecorder  # warcio only when a run is recorded

            self._warc = WarcRecorder(opts.save_raw, software=opts.user_agent)
        return self

    def _client(self, connections: int, tls: ssl.SSLContext) -> httpx.AsyncClient:
        opts = self.options
        return httpx.AsyncClient(
            transport=self._transport, verify=tls,
            timeout=httpx.Timeout(opts.read_timeout, connect=opts.connect_timeout, pool=None),
            limits=httpx.Limits(max_connections=connections,
                                max_keepalive_connections=connections),
            follow_redirects=False,
            trust_env=not opts.deny_private,  # a proxy would hide the real target's address
            headers={"User-Agent": opts.user_agent, "Accept": ACCEPT,
                     "Accept-Encoding": ACCEPT_ENCODING})

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        self.robots.close()
        clients, self._clients = self._clients, []
        for client in clients:
            await client.aclose()
        if self._warc is not None:
            self._warc.close()
            self._warc = None

    async def fetch(self, url: str) -> Fetched:
        """Fetch one page. Raises ``FetchError`` with the stage that stopped it."""
        target = _parse_url(url)
        mode = _Mode(self.options.obey_robots, True, self.options.max_redirects)
        reply, redirects = await self._follow(url, target, mode)
        if not 200 <= reply.status < 300:
            raise FetchError(url, "http", _status_text(reply), status=reply.status)
        assert reply.body is not None
        return Fetched(url, str(reply.url), reply.status, reply.body.decoded, reply.kind,
                       reply.content_type, reply.charset, redirects)

    async def _follow(
        self, url: str, target: httpx.URL, mode: _Mode
    ) -> tuple[_Reply, tuple[str, ...]]:
        """Hops until a non-redirect answer; loops and overlong chains are refused."""
        chain = [target]
        while True:
            await self._admit(url, target, mode)
            reply = await self._with_retries(url, target, mode)
            if reply.location is None:
                return reply, tuple(str(u) for u in chain[:-1])
            target = reply.location
            if target in chain:
                loop = " -> ".join(str(u) for u in [*chain[chain.index(target):], target])
                raise FetchError(url, "http", f"redirect loop: {loop}", status=reply.status)
            chain.append(target)
            if len(chain) > mode.max_redirects + 1:
                raise FetchError(url, "http", f"more than {mode.max_redirects} redirects",
                                 status=reply.status)

    async def _admit(self, url: str, target: httpx.URL, mode: _Mode) -> None:
        if self.options.deny_private:
            await check_target(target, self._resolver)
        if mode.robots:
            rules = await self.robots.rules(target)
            if not rules.allows(str(target), self.options.user_agent):
                raise FetchError(url, "robots", f"{rules.why}: {target}")

    async def _with_retries(self, url: str, target: httpx.URL, mode: _Mode) -> _Reply:
        attempt = 0
        while True:
            try:
                reply = await self._attempt(url, target, mode)
            except RETRYABLE_ERRORS as exc:
                delay = retry_delay(attempt, None, self.options, self._rng)
                if delay is None:
                    raise FetchError(url, "connect", _describe(exc, self.options, attempt)) from exc
            except httpx.HTTPError as exc:  # not worth another try (a malformed request, say)
                raise FetchError(url, "connect", _describe(exc, self.options, attempt)) from exc
            else:
                if reply.status not in self.options.retry_statuses:
                    return reply
                delay = retry_delay(attempt, reply.retry_after, self.options, self._rng)
                if delay is None:
                    return reply
            await self._sleep(delay)
            attempt += 1

    async def _attempt(self, url: str, target: httpx.URL, mode: _Mode) -> _Reply:
        assert self._clients and self._limiter is not None, "use 'async with Fetcher()'"
        async with self._limiter.slot(target.host) as number:
            client = self._clients[number % len(self._clients)]
            async with asyncio.timeout(self.options.total_timeout):
                request = client.build_request("GET", target)
                response = await client.send(request, stream=True)
                try:
                    return await self._reply(url, target, response, mode)
                finally:
                    await response.aclose()

    async def _reply(
        self, url: str, target: httpx.URL, response: httpx.Response, mode: _Mode
    ) -> _Reply:
        if self.options.deny_private:
            check_peer(target, response)
        status, reason = response.status_code, response.reason_phrase
        location = response.headers.get("location")
        if status in REDIRECTS and location:
            await self._record(url, target, response)
            return _Reply(target, status, reason, location=_join(url, target, location))
        if not 200 <= status < 300:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            return _Reply(target, status, reason, retry_after=retry_after)
        mime, charset = parse_content_type(response.headers.get("content-type"))
        kind = page_kind(url, mime, status) if mode.pages_only else "text"
        body = await self._record(url, target, response)
        return _Reply(target, status, reason, body=body, kind=kind, content_type=mime,
                      charset=charset)

    async def _record(self, url: str, target: httpx.URL, response: httpx.Response) -> Body:
        body = await read_body(url, response, self.options)
        if self._warc is not None:
            self._warc.record(str(target), response, body.raw)
        return body

    async def _load_robots(self, robots_url: httpx.URL) -> Robots:
        """robots.txt of one origin (up to 5 redirects, as RFC 9309 asks); never raises."""
        mode = _Mode(robots=False, pages_only=False, max_redirects=5)
        try:
            reply, _ = await self._follow(str(robots_url), robots_url, mode)
        except FetchError as exc:
            if exc.stage == "connect":
                return parse_robots(None, "", exc.reason)
            return parse_robots(200, "")  # oversized or undecodable: no usable rules
        body = reply.body.decoded[:ROBOTS_MAX_BYTES] if reply.body else b""
        return parse_robots(reply.status, body.decode("utf-8", "replace"))


def _parse_url(url: str) -> httpx.URL:
    try:
        target = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError(url, "connect", f"not a valid URL: {exc}") from exc
    if target.scheme not in ("http", "https") or not target.host:
        raise FetchError(url, "connect", "not an http(s) URL")
    return target.copy_with(fragment=None)


def _join(url: str, base: httpx.URL, location: str) -> httpx.URL:
    try:
        target = base.join(location).copy_with(fragment=None)
    except (httpx.InvalidURL, ValueError) as exc:
        raise FetchError(url, "http", f"bad redirect Location {location!r}") from exc
    if target.scheme not in ("http", "https"):
        raise FetchError(url, "http", f"redirect to a non-http(s) URL: {target}")
    return target


def _status_text(reply: _Reply) -> str:
    text = f"HTTP {reply.status} {reply.reason}".rstrip()
    if reply.retry_after is not None:
        text += f" (Retry-After {reply.retry_after:g} s)"
    return text


def _describe(exc: BaseException, options: FetchOptions, attempt: int) -> str:
    tries = f" (after {attempt + 1} attempts)" if attempt else ""
    if isinstance(exc, httpx.ConnectTimeout):
        return f"connect timed out after {options.connect_timeout:g} s{tries}"
    if isinstance(exc, httpx.ReadTimeout):
        return f"read timed out after {options.read_timeout:g} s{tries}"
    if isinstance(exc, TimeoutError):
        return f"no complete answer within total_timeout {options.total_timeout:g} s{tries}"
    kind = type(exc).__name__
    return f"{kind}: {exc}{tries}" if str(exc) else f"{kind}{tries}"
