"""The local process pool: N worker processes, chunks of tasks, results in input order.

Each worker owns two one-way pipes (tasks in, outcomes out) and a two-number shared state (the
sequence number it is cleaning and when it started). The parent writes chunks from one sender
thread per worker, so its loop never waits on a full pipe while another worker has outcomes to
hand back. It keeps at most two chunks queued per worker and a bounded window of unfinished
inputs, so memory stays flat however long the input is. A worker that overruns the time limit by a margin (stuck in C code, where the in-worker
timer cannot reach) is stopped and replaced: its input becomes a timeout error and the other
inputs it held are handed out again. A worker that dies the same way costs one error outcome.
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Self

from .._errors import CleanerError
from .._pipeline import Result
from ..sources import Document
from ..sources.jsonl import JsonLine, parse_line
from ._work import Job, Outcome, Task, Worker, outcome, timeout_error

Numbered = tuple[int, Task]


@dataclass(frozen=True, slots=True)
class PoolSettings:
    jobs: int
    ordered: bool = True
    chunk_docs: int = 64
    chunk_bytes: int = 1 << 20
    grace: float = 2.0
    """Seconds past the time limit before a worker is stopped from outside."""


@dataclass(slots=True)
class _Proc:
    process: BaseProcess
    tasks: Connection
    results: Connection
    state: Any
    """Shared ``[seq being cleaned or -1, time.monotonic() when it started]``."""
    outbox: queue.SimpleQueue[list[Numbered] | None]
    chunks: deque[list[Numbered]] = field(default_factory=deque)

    def send(self, chunk: list[Numbered]) -> None:
        self.chunks.append(chunk)
        self.outbox.put(chunk)

    def stop(self) -> None:
        """No more chunks: the sender closes the pipe, and the worker ends after its last one."""
        self.outbox.put(None)


def run_local(tasks: Iterable[Task], job: Job, settings: PoolSettings) -> Iterator[Outcome]:
    """Clean every task; in input order unless ``settings.ordered`` is false. ``jobs == 1``
    cleans in this process."""
    numbered = enumerate(tasks)
    if settings.jobs <= 1:
        worker = Worker(job)
        for seq, task in numbered:
            yield worker.run(seq, task)
        return
    with _Pool(job, settings) as pool:
        yield from pool.run(numbered)


def _worker_main(job: Job, tasks: Connection, results: Connection, state: Any) -> None:
    """A worker process: clean chunks until the task pipe ends. Ctrl-C is left to the parent,
    which stops the workers itself after writing what is done."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker = Worker(job)
    while True:
        try:
            chunk: list[Numbered] = tasks.recv()
        except EOFError:
            return
        done = []
        for seq, task in chunk:
            state[1] = time.monotonic()
            state[0] = seq
            done.append(worker.run(seq, task))
            state[0] = -1
        results.send(done)


def _sender(tasks: Connection, outbox: queue.SimpleQueue[list[Numbered] | None]) -> None:
    """Parent side: write queued chunks to one worker's pipe (blocking only this thread)."""
    try:
        while (chunk := outbox.get()) is not None:
            tasks.send(chunk)
    except OSError:
        pass  # the worker died; its sentinel tells the parent
    finally:
        _close(tasks)


class _Pool:
    def __init__(self, job: Job, settings: PoolSettings) -> None:
        self.job = job
        self.settings = settings
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["cleaner._batch._pool"])
        self.procs: list[_Proc] = []
        self.retry: deque[Numbered] = deque()
        self.exhausted = False
        self.failed_starts = 0

    def __enter__(self) -> Self:
        self.procs = [self._start() for _ in range(self.settings.jobs)]
        return self

    def __exit__(self, *exc: object) -> None:
        busy = any(p.chunks for p in self.procs)
        for proc in self.procs:
            proc.stop()
        deadline = time.monotonic() + (0 if busy else 5)
        for proc in self.procs:
            proc.process.join(max(0.0, deadline - time.monotonic()))
            if proc.process.is_alive():
                proc.process.kill()
                proc.process.join()
            _close(proc.results)

    def _start(self) -> _Proc:
        task_read, task_write = self.context.Pipe(duplex=False)
        result_read, result_write = self.context.Pipe(duplex=False)
        state = self.context.RawArray("d", [-1.0, 0.0])
        process = self.context.Process(
            target=_worker_main, args=(self.job, task_read, result_write, state),
            name="cleaner-worker", daemon=True)
        process.start()
        task_read.close()
        result_write.close()
        outbox: queue.SimpleQueue[list[Numbered] | None] = queue.SimpleQueue()
        threading.Thread(target=_sender, args=(task_write, outbox), daemon=True,
                         name="cleaner-sender").start()
        return _Proc(process, task_write, result_read, state, outbox)

    def run(self, numbered: Iterator[Numbered]) -> Iterator[Outcome]:
        order = _Order(self.settings.ordered)
        window = self.settings.jobs * self.settings.chunk_docs * 3
        while True:
            self._feed(numbered, order, window)
            if self.exhausted and not self.retry and not any(p.chunks for p in self.procs):
                break
            for done in self._collect():
                yield from order.add(done)
        yield from order.rest()

    def _feed(self, numbered: Iterator[Numbered], order: _Order, window: int) -> None:
        """Give every worker up to two chunks, within the window of unfinished inputs."""
        for proc in sorted(self.procs, key=lambda p: len(p.chunks)):
            while len(proc.chunks) < 2:
                chunk = self._chunk(numbered, window - order.unfinished)
                if not chunk:
                    return
                order.dispatched(chunk)
                proc.send(chunk)

    def _chunk(self, numbered: Iterator[Numbered], room: int) -> list[Numbered]:
        """Inputs to redo first; else fresh ones, up to the chunk's size and the room left."""
        chunk: list[Numbered] = []
        while self.retry and len(chunk) < self.settings.chunk_docs:
            chunk.append(self.retry.popleft())
        if chunk:
            return chunk
        size = 0
        limit = min(room, self.settings.chunk_docs)
        while not self.exhausted and len(chunk) < limit and size < self.settings.chunk_bytes:
            try:
                seq, task = next(numbered)
            except StopIteration:
                self.exhausted = True
                break
            chunk.append((seq, task))
            size += max(task.size, 512)
        return chunk

    def _collect(self) -> Iterator[list[Outcome]]:
        """Wait briefly for outcomes; deal with workers that died or overran."""
        by_conn = {id(p.results): p for p in self.procs}
        by_sentinel = {p.process.sentinel: p for p in self.procs}
        ready = wait([p.results for p in self.procs] + list(by_sentinel), timeout=0.2)
        for obj in ready:
            proc = None if isinstance(obj, int) else by_conn.get(id(obj))
            if proc is None or proc not in self.procs:
                continue
            try:
                done: list[Outcome] = proc.results.recv()
            except Exception:  # noqa: BLE001, S112 - a torn message from a dying worker
                continue  # its sentinel reports the death
            proc.chunks.popleft()
            self.failed_starts = 0
            yield done
        for obj in ready:
            proc = by_sentinel.get(obj) if isinstance(obj, int) else None
            if proc is not None and proc in self.procs and not proc.process.is_alive():
                yield self._replace(proc, f"worker process died (exit code {proc.process.exitcode})")
        yield from self._overruns()

    def _overruns(self) -> Iterator[list[Outcome]]:
        limit = self.job.time_limit
        if not limit:
            return
        now = time.monotonic()
        for proc in list(self.procs):
            seq, started = int(proc.state[0]), proc.state[1]
            if seq >= 0 and now - started > limit + self.settings.grace and proc.state[0] == seq:
                proc.process.kill()
                proc.process.join()
                yield self._replace(proc, None, seq)

    def _replace(self, proc: _Proc, why: str | None, culprit: int | None = None) -> list[Outcome]:
        """Start a fresh worker instead of ``proc``; its current input fails, the rest is redone."""
        if culprit is None:
            seq = int(proc.state[0])
            culprit = seq if seq >= 0 else None
        held = sorted((n for chunk in proc.chunks for n in chunk), key=lambda n: n[0])
        self.retry.extendleft(reversed([n for n in held if n[0] != culprit]))
        proc.stop()
        _close(proc.results)
        self.failed_starts += culprit is None
        if self.failed_starts > 3:
            raise CleanerError(f"worker processes keep failing: {why}")
        self.procs[self.procs.index(proc)] = self._start()
        task = next((t for n, t in held if n == culprit), None)
        if culprit is None or task is None:
            return []
        return [_failed(culprit, task, self.job, why)]


def _failed(seq: int, task: Task, job: Job, why: str | None) -> Outcome:
    """The error outcome for an input whose worker was stopped (``why`` None) or died."""
    doc = _stub(task)
    if why is None:
        error: CleanerError = timeout_error(doc.source, job.time_limit,
                                            " (worker stopped and replaced)")
        return outcome(seq, task, Result(doc, error=error), job, job.time_limit or 0.0)
    error = CleanerError(f"{doc.source}: internal error: {why}")
    return outcome(seq, task, Result(doc, error=error), job, 0.0)


def _stub(task: Task) -> Document:
    """The failed input's identity (id, URL) without cleaning it, for its error record."""
    item = task.item
    if isinstance(item, JsonLine):
        doc = parse_line(item)
        return Document(doc.source, url=doc.url, id=doc.id, fetch=doc.fetch)
    if isinstance(item, Document):
        return Document(item.source, url=item.url, id=item.id, fetch=item.fetch)
    return Document(item.source)


def _close(conn: Connection) -> None:
    try:
        conn.close()
    except OSError:
        pass


class _Order:
    """Hands outcomes on in input order (or as they come), holding only what is out of order."""

    def __init__(self, ordered: bool) -> None:
        self.ordered = ordered
        self.waiting: dict[int, Outcome] = {}
        self.next = 0
        self.fresh = 0
        self.handed = 0

    @property
    def unfinished(self) -> int:
        """Inputs taken but not handed on (in order: up to the newest one taken)."""
        return self.fresh - (self.next if self.ordered else self.handed)

    def dispatched(self, chunk: list[Numbered]) -> None:
        self.fresh = max(self.fresh, chunk[-1][0] + 1)

    def add(self, done: list[Outcome]) -> Iterator[Outcome]:
        if not self.ordered:
            self.handed += len(done)
            yield from done
            return
        for item in done:
            self.waiting[item.seq] = item
        while self.next in self.waiting:
            yield self.waiting.pop(self.next)
            self.next += 1

    def rest(self) -> Iterator[Outcome]:
        for seq in sorted(self.waiting):
            yield self.waiting.pop(seq)
