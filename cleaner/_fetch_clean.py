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
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from types import TracebackType

from ._cleaner import Cleaner
from ._decode import decode_html, decode_text, sniff_binary, web_codec
from ._errors import CleanerError, SourceError
from ._fetch_model import PageKind
from ._model import Cleaned

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


def _clean_in_worker(job: CleanJob) -> CleanOutcome:
    assert _Worker.cleaner is not None, "worker started without its Cleaner"
    return clean_fetched(_Worker.cleaner, job)


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class CleanPool:
    """Cleans jobs in ``workers`` processes (``None``: one per usable core; 0, or one core: one
    thread here). Use as ``async with CleanPool(cleaner, workers) as pool``.

    The workers are started when the pool is entered, alongside the first fetches. If they
    cannot start (a script without the ``if __name__ == "__main__":`` guard that
    multiprocessing needs), cleaning falls back to a thread with a ``RuntimeWarning``. A worker
    that dies later costs the page it was cleaning; the pool is restarted (three times at most,
    then a thread takes over).
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

    def _start(self) -> Executor:
        if self._pickled is None:
            self.processes = 0
            return ThreadPoolExecutor(1, thread_name_prefix="cleaner-clean")
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        return ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context(method),
                                   initializer=_init_worker, initargs=(self._pickled,))

    async def clean(self, job: CleanJob) -> CleanOutcome:
        if self._ready is not None:
            await asyncio.shield(self._ready)
        loop = asyncio.get_running_loop()
        executor = self._executor
        try:
            if self.processes == 0:
                return await loop.run_in_executor(executor, clean_fetched, self._cleaner, job)
            return await loop.run_in_executor(executor, _clean_in_worker, job)
        except BrokenProcessPool:
            if self._executor is executor:  # the first to notice restarts the pool
                self._restart(executor)
            return CleanOutcome(stage="clean", reason="the cleaning process died (out of memory?)")

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
        job = CleanJob("http://localhost/", b"warm up", "text")
        try:
            await asyncio.gather(*(loop.run_in_executor(self._executor, _clean_in_worker, job)
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
        if self._ready is not None and not self._ready.done():
            self._ready.cancel()
            await asyncio.gather(self._ready, return_exceptions=True)
        await asyncio.get_running_loop().run_in_executor(None, self.close)


def _pickled(cleaner: Cleaner) -> bytes | None:
    """The cleaner's rules as the workers receive them (each worker compiles its own ``Cleaner``
    from them: compiled matchers do not pickle); None when they cannot be pickled."""
    try:
        return pickle.dumps(cleaner.rules)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        warnings.warn(f"cleaner: the rules cannot be sent to worker processes ({exc}); "
                      "cleaning in a thread", RuntimeWarning, stacklevel=3)
        return None
