"""robots.txt: fetched once per origin and kept for the run, in the object that owns the run.

Status handling follows RFC 9309: a 2xx body is parsed (first 500 KiB); 4xx means no rules
(everything allowed); 5xx or an unreachable server means everything is disallowed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

import httpx

ROBOTS_MAX_BYTES = 500 * 1024


@dataclass(frozen=True, slots=True)
class Robots:
    """The rules of one origin: a parser, or everything allowed/refused with the reason why."""

    parser: RobotFileParser | None = None
    allow_all: bool = False
    why: str = ""

    def allows(self, url: str, agent: str) -> bool:
        if self.parser is not None:
            return self.parser.can_fetch(agent, url)
        return self.allow_all


def parse_robots(status: int | None, text: str, error: str | None = None) -> Robots:
    """Rules from a robots.txt answer (``status`` None and ``error``: it could not be fetched)."""
    if status is None:
        return Robots(why=f"robots.txt unreachable ({error})")
    if 200 <= status < 300:
        parser = RobotFileParser()
        parser.parse(text.splitlines())
        return Robots(parser, why="disallowed by robots.txt")
    if 400 <= status < 500:
        return Robots(allow_all=True)
    return Robots(why=f"robots.txt answered HTTP {status}")


RobotsLoader = Callable[[httpx.URL], Awaitable[Robots]]


def origin_of(url: httpx.URL) -> str:
    port = f":{url.port}" if url.port else ""
    return f"{url.scheme}://{url.host}{port}"


class RobotsCache:
    """One ``Robots`` per origin; concurrent requests for a new origin share one fetch."""

    def __init__(self, load: RobotsLoader) -> None:
        self._load = load
        self._origins: dict[str, asyncio.Future[Robots]] = {}

    async def rules(self, url: httpx.URL) -> Robots:
        origin = origin_of(url)
        future = self._origins.get(origin)
        if future is None:
            future = self._origins[origin] = asyncio.ensure_future(
                self._load(httpx.URL(origin + "/robots.txt")))
        return await asyncio.shield(future)

    @property
    def fetched(self) -> int:
        """How many origins had their robots.txt asked for."""
        return len(self._origins)

    def close(self) -> None:
        """Cancel robots.txt fetches still running (the run is over)."""
        for future in self._origins.values():
            if not future.done():
                future.cancel()
