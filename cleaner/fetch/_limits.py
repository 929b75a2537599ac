"""Politeness: a global limit on requests in flight, a per-host limit, and a per-host delay."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from ._options import FetchOptions

Sleep = Callable[[float], Awaitable[None]]


@dataclass(slots=True)
class _Host:
    slots: asyncio.Semaphore
    next_start: float = 0.0


class Limiter:
    """Hands out request slots. One per run; its per-host table lives and dies with it.

    A request takes its host's slot first and the global one second, so requests queued behind
    a busy host never hold global slots that other hosts could use. A global slot has a number
    (0 .. concurrency-1), held by one request at a time; the fetcher maps it to a client.
    """

    def __init__(self, options: FetchOptions, sleep: Sleep = asyncio.sleep) -> None:
        self._options = options
        self._sleep = sleep
        self._global = asyncio.Semaphore(options.concurrency)
        self._free = list(range(options.concurrency - 1, -1, -1))
        self._hosts: dict[str, _Host] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[int]:
        """Hold a request slot for ``host``; yields the slot's number."""
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host(asyncio.Semaphore(self._options.per_host))
        async with state.slots:
            await self._pace(state)
            async with self._global:
                number = self._free.pop()
                try:
                    yield number
                finally:
                    self._free.append(number)

    async def _pace(self, state: _Host) -> None:
        """Space request starts on one host at least ``per_host_delay`` apart."""
        delay = self._options.per_host_delay
        if delay <= 0:
            return
        now = asyncio.get_running_loop().time()
        start = max(now, state.next_start)
        state.next_start = start + delay
        if start > now:
            await self._sleep(start - now)
