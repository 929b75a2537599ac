"""Cleaning fetched pages off the event loop: decode (header charset, then the document, then
detection) and clean, in worker processes fed through ``run_in_executor``.

Each worker process builds its ``Cleaner`` once, from the parent's rules (the pool's
initializer); with one core, or ``workers=0``, pages are cleaned in one thread of this process.
"""

from __future__ import annotations

import asyncio
import codecs
import multiprocessing
import os
import pickle
import warnings
from collections import deque
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from types import TracebackType

from .._cleaner import Cleaner
from .._decode import decode_html, decode_text, sniff_binary, web_codec
from .._errors import CleanerError, SourceError
from .._model import Cleaned
from ._model import PageKind

_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True, slots=True)
class CleanJob:
    url: str
    body: bytes
    kind: PageKind
    charset: str | None = None
    """The charset the Content-Type header named, if any."""


@dataclass(frozen=True, slots=True)
class CleanOutcome:
    """A ``Cleaned``, or the stage (``decode`` / ``clean``) and reason it failed. Plain data, so
    it crosses the process boundary whatever went wrong."""

    cleaned: Cleaned | None = None
    stage: str | None = None
    reason: str | None = None


def decode_declared(body: bytes, charset: str | None) -> str | None:
    """A text/plain body decoded with the header's charset (read as browsers read it: latin-1
    means windows-1252); None when there is none, it is unknown, a byte-order mark outranks it,
    or the bytes do not fit it — detection then decides."""
    codec = web_codec(charset)
    if codec is None or body.startswith(_BOMS):
        return None
    for name in (codec, "latin-1") if codec == "cp1252" else (codec,):
        try:
            return body.decode(name)
        except UnicodeDecodeError:
            continue
    return None


def decode_page(job: CleanJob) -> str:
    """The page as text: header charset, then the document's own declaration, then detection
    (the same :func:`~cleaner._decode.decode_html` a saved page goes through). Raises
    ``SourceError`` when the bytes are not text."""
    what = sniff_binary(job.body)
    if what:
        raise SourceError(job.url, f"not text: looks like {what}")
    if job.kind == "html":
        return decode_html(job.body, job.url, charset=job.charset)
    text = decode_declared(job.body, job.charset)
    return text if text is not None else decode_text(job.body, job.url)


def clean_fetched(cleaner: Cleaner, job: CleanJob) -> CleanOutcome:
    """Decode and clean one page; never raises."""
    try:
        text = decode_page(job)
    except SourceError as exc:
        return CleanOutcome(stage="decode", reason=exc.reason)
    try:
        if job.kind == "text":
            return CleanOutcome(cleaner.clean_text(text, url=job.url))
        return CleanOutcome(cleaner.clean_html(text, url=job.url))
    except CleanerError as exc:
        return CleanOutcome(stage="clean", reason=str(exc))
    except Exception as exc:  # noqa: BLE001 - one bad page is a record, never the end of a run
        return CleanOutcome(stage="clean", reason=f"{type(exc).__name__}: {exc}")


class _Worker:
    """The ``Cleaner`` of a pool worker process, set once by the initializer. Module-level on
    purpose: a worker process exists to hold it, and nothing in the parent process touches it."""

    cleaner: Cleaner | None = None


def _init_worker(pickled_rules: bytes) -> None:
    _Worker.cleaner = Cleaner(pickle.loads(pickled_rules), default_rules=False)


def _clean_in_worker(jobs: list[CleanJob]) -> list[CleanOutcome]:
    assert _Worker.cleaner is not None, "worker started without its Cleaner"
    return clean_batch(_Worker.cleaner, jobs)


def clean_batch(cleaner: Cleaner, jobs: list[CleanJob]) -> list[CleanOutcome]:
    return [clean_fetched(cleaner, job) for job in jobs]


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


BATCH = 8
"""Pages one executor call carries at most. Under load pages queue while both workers are busy;
sending the queued ones together saves the parent a round trip through the executor's threads
and pipes for each page (measured: 0.4 ms of parent CPU a call, 0.09 ms a page in eights)."""


class CleanPool:
    """Cleans jobs in ``workers`` processes (``None``: one per usable core; 0, or one core: one
    thread here). Use as ``async with CleanPool(cleaner, workers) as pool``.

    Two calls per worker are in flight at once (one running, one queued in the executor), each
    carrying up to ``BATCH`` pages, so the workers never wait for the event loop. The workers are
    started when the pool is entered, alongside the first fetches; if they cannot start (a
    script without the ``if __name__ == "__main__":`` guard multiprocessing needs), cleaning
    falls back to a thread with a ``RuntimeWarning``. When a worker dies, the pool is restarted
    (three times at most, then a thread takes over) and the pages of that call are tried again
    one by one, so only the page that kills a worker is lost.
    """

    MAX_RESTARTS = 3

    def __init__(self, cleaner: Cleaner, workers: int | None = None) -> None:
        self._cleaner = cleaner
        count = usable_cpus() if workers is None else workers
        self._pickled = _pickled(cleaner) if count > 1 or workers == 1 else None
        self.processes = count if self._pickled is not None else 0
        self._restarts = 0
        self._executor: Executor = self._start()
        self._ready: asyncio.Task[None] | None = None
        self._queue: deque[tuple[CleanJob, asyncio.Future[CleanOutcome]]] = deque()
        self._calls: set[asyncio.Task[None]] = set()
        self._closing = False

    async def clean(self, job: CleanJob) -> CleanOutcome:
        if self._ready is not None:
            await asyncio.shield(self._ready)
        future: asyncio.Future[CleanOutcome] = asyncio.get_running_loop().create_future()
        self._queue.append((job, future))
        self._dispatch()
        return await future

    def _dispatch(self) -> None:
        while self._queue and not self._closing and len(self._calls) < 2 * max(1, self.processes):
            batch = [self._queue.popleft() for _ in range(min(BATCH, len(self._queue)))]
            call = asyncio.get_running_loop().create_task(self._call(batch))
            self._calls.add(call)
            call.add_done_callback(self._finished)

    def _finished(self, call: asyncio.Task[None]) -> None:
        self._calls.discard(call)
        self._dispatch()  # its place is free now: the next batch can go

    async def _call(self, batch: list[tuple[CleanJob, asyncio.Future[CleanOutcome]]]) -> None:
        jobs = [job for job, _ in batch]
        try:
            outcomes = await self._submit(jobs) or await self._one_by_one(jobs)
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if not future.done():
                    future.set_result(outcome)
        finally:
            for _, future in batch:
                future.cancel()  # no-op for the answered ones

    async def _one_by_one(self, jobs: list[CleanJob]) -> list[CleanOutcome]:
        """After a worker died with these jobs: each again alone, so only its killer fails."""
        outcomes = []
        for job in jobs:
            single = await self._submit([job])
            outcomes.append(single[0] if single else _DIED)
        return outcomes

    async def _submit(self, jobs: list[CleanJob]) -> list[CleanOutcome] | None:
        """The jobs' outcomes, or None when the worker process died (the pool is restarted)."""
        loop = asyncio.get_running_loop()
        executor = self._executor
        try:
            if self.processes == 0:
                return await loop.run_in_executor(executor, clean_batch, self._cleaner, jobs)
            return await loop.run_in_executor(executor, _clean_in_worker, jobs)
        except BrokenProcessPool:
            if self._executor is executor:  # the first to notice restarts the pool
                self._restart(executor)
            return None

    def _start(self) -> Executor:
        if self._pickled is None:
            self.processes = 0
            return ThreadPoolExecutor(1, thread_name_prefix="cleaner-clean")
        methods = multiprocessing.get_all_start_methods()
        method = "forkserver" if "forkserver" in methods else "spawn"
        return ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context(method),
                                   initializer=_init_worker, initargs=(self._pickled,))

    def _restart(self, broken: Executor) -> None:
        broken.shutdown(wait=True, cancel_futures=True)
        self._restarts += 1
        if self._restarts > self.MAX_RESTARTS:
            self._pickled = None
        self._executor = self._start()

    async def _warm_up(self) -> None:
        """Start every worker now; fall back to a thread when they cannot start."""
        if self.processes == 0:
            return
        loop = asyncio.get_running_loop()
        try:
            await asyncio.gather(*(loop.run_in_executor(self._executor, _clean_in_worker, [])
                                   for _ in range(self.processes)))
        except BrokenProcessPool:
            warnings.warn("cleaner: cleaning worker processes could not start (does the script "
                          "lack the 'if __name__ == \"__main__\":' guard?); cleaning in a thread",
                          RuntimeWarning, stacklevel=1)
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._pickled = None
            self._executor = self._start()

    async def ready(self) -> None:
        """Wait until the workers are up (a benchmark calls this before it starts timing)."""
        if self._ready is not None:
            await asyncio.shield(self._ready)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    async def __aenter__(self) -> CleanPool:
        self._ready = asyncio.ensure_future(self._warm_up())
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closing = True
        pending = [*self._calls, *([self._ready] if self._ready is not None else [])]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for _, future in self._queue:
            future.cancel()
        await asyncio.get_running_loop().run_in_executor(None, self.close)


_DIED = CleanOutcome(stage="clean", reason="the cleaning process died (out of memory?)")


def _pickled(cleaner: Cleaner) -> bytes | None:
    """The cleaner's rules as the workers receive them (each worker compiles its own ``Cleaner``
    from them: compiled matchers do not pickle); None when they cannot be pickled."""
    try:
        return pickle.dumps(cleaner.rules)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        warnings.warn(f"cleaner: the rules cannot be sent to worker processes ({exc}); "
                      "cleaning in a thread", RuntimeWarning, stacklevel=3)
        return None
