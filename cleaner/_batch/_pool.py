"""The local process pool: N worker processes, chunks of work, results in input order.

The parent hands out the planner's units as they are (a file, a URL, a block of raw JSON lines
cut to the chunk size), and each worker sends back one :class:`~cleaner._batch.Packed` per unit
(the output bytes, the errors, the numbers), so the parent does no work per record: it reads,
writes and adds up. Each worker owns two one-way pipes (chunks in, results out) and a shared
state of three numbers: the unit it is cleaning, when the current input started and its index
in the unit. The parent writes chunks from one sender thread per worker, so its loop never waits
on a full pipe while another worker has results to hand back. It keeps at most two chunks queued
per worker and a bounded window of unfinished input bytes, so memory stays flat however long the
input is. A worker that overruns the time limit by a margin (stuck in C code, where the
in-worker timer cannot reach) is stopped and replaced: the units it held are handed out again,
with the input it was stuck on marked to become a timeout error instead of being cleaned. A
worker that dies the same way costs that one input an error.
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Self

from .._errors import CleanerError
from .._pipeline import Result
from ..sources import Document
from ..sources.jsonl import JsonLine, parse_line
from ._work import Job, Packed, Packer, Task, Unit, Worker, cut_to, timeout_error, weight


@dataclass(frozen=True, slots=True)
class PoolSettings:
    jobs: int
    ordered: bool = True
    chunk_units: int = 64
    chunk_bytes: int = 1 << 20
    """A chunk holds up to this many units and bytes; a bigger block of JSON lines is cut."""
    grace: float = 2.0
    """Seconds past the time limit before a worker is stopped from outside."""


@dataclass(frozen=True, slots=True)
class _Piece:
    """A unit numbered in input order, and the inputs in it (by index) that are not to be
    cleaned but reported as failed, with why (``None``: stopped after the time limit)."""

    seq: int
    unit: Unit
    failed: tuple[tuple[int, str | None], ...] = ()


Done = tuple[int, Packed]
"""A piece's number and its results."""


@dataclass(slots=True)
class _Proc:
    process: BaseProcess
    tasks: Connection
    results: Connection
    state: Any
    """Shared ``[piece being cleaned or -1, time.monotonic() when its input started, index of
    the input in the piece]``."""
    outbox: queue.SimpleQueue[list[_Piece] | None]
    chunks: deque[list[_Piece]] = field(default_factory=deque)

    def send(self, chunk: list[_Piece]) -> None:
        self.chunks.append(chunk)
        self.outbox.put(chunk)

    def stop(self) -> None:
        """No more chunks: the sender closes the pipe, and the worker ends after its last one."""
        self.outbox.put(None)


def run_local(units: Iterable[Unit], job: Job, settings: PoolSettings) -> Iterator[Packed]:
    """Clean every unit, one :class:`Packed` each; in input order unless ``settings.ordered``
    is false. ``jobs == 1`` cleans in this process."""
    if settings.jobs <= 1:
        worker = Worker(job)
        for unit in units:
            yield worker.pack([unit])
        return
    with _Pool(job, settings) as pool:
        yield from pool.run(iter(units))


def _worker_main(job: Job, tasks: Connection, results: Connection, state: Any) -> None:
    """A worker process: clean chunks until the task pipe ends. Ctrl-C is left to the parent,
    which stops the workers itself after writing what is done."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker = Worker(job)
    while True:
        try:
            chunk: list[_Piece] = tasks.recv()
        except EOFError:
            return
        results.send([(piece.seq, _clean(worker, piece, state)) for piece in chunk])


def _clean(worker: Worker, piece: _Piece, state: Any) -> Packed:
    """Clean one piece, telling the parent (through ``state``) which input is under way."""
    packer = Packer(worker.job)
    failed = dict(piece.failed)
    for index, task in enumerate(piece.unit.tasks()):
        if index in failed:
            packer.add(task, *_failed(task, worker.job, failed[index]))
            continue
        state[2] = index
        state[1] = time.monotonic()
        state[0] = piece.seq
        worker.run(task, packer)
        state[0] = -1
    return packer.packed()


def _sender(tasks: Connection, outbox: queue.SimpleQueue[list[_Piece] | None]) -> None:
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
        self.retry: deque[_Piece] = deque()
        self.rest: Unit | None = None
        """What is left of a block of lines cut to fit a chunk."""
        self.seq = 0
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
        for conn in (task_write, result_read):
            _widen(conn, self.settings.chunk_bytes)
        state = self.context.RawArray("d", [-1.0, 0.0, 0.0])
        process = self.context.Process(
            target=_worker_main, args=(self.job, task_read, result_write, state),
            name="cleaner-worker", daemon=True)
        process.start()
        task_read.close()
        result_write.close()
        outbox: queue.SimpleQueue[list[_Piece] | None] = queue.SimpleQueue()
        threading.Thread(target=_sender, args=(task_write, outbox), daemon=True,
                         name="cleaner-sender").start()
        return _Proc(process, task_write, result_read, state, outbox)

    def run(self, units: Iterator[Unit]) -> Iterator[Packed]:
        order = _Order(self.settings.ordered)
        window = self.settings.jobs * self.settings.chunk_bytes * 3
        while True:
            self._feed(units, order, window)
            if self.exhausted and not self.retry and not any(p.chunks for p in self.procs):
                break
            for done in self._collect():
                yield from order.add(done)
        yield from order.rest()

    def _feed(self, units: Iterator[Unit], order: _Order, window: int) -> None:
        """Give every worker up to two chunks, within the window of unfinished input bytes."""
        for proc in sorted(self.procs, key=lambda p: len(p.chunks)):
            while len(proc.chunks) < 2:
                chunk = self._chunk(units, window - order.unfinished)
                if not chunk:
                    return
                order.dispatched(chunk)
                proc.send(chunk)

    def _chunk(self, units: Iterator[Unit], room: int) -> list[_Piece]:
        """Pieces to redo first; else fresh ones, up to the chunk's size and the room left."""
        chunk: list[_Piece] = []
        while self.retry and len(chunk) < self.settings.chunk_units:
            chunk.append(self.retry.popleft())
        if chunk:
            return chunk
        size = 0
        limit = min(room, self.settings.chunk_bytes)
        while len(chunk) < self.settings.chunk_units and size < limit:
            unit = self._next(units, limit - size)
            if unit is None:
                break
            chunk.append(_Piece(self.seq, unit))
            self.seq += 1
            size += weight(unit)
        return chunk

    def _next(self, units: Iterator[Unit], room: int) -> Unit | None:
        """The next unit, a block of lines cut to about ``room`` bytes (at least one line)."""
        unit, self.rest = self.rest, None
        if unit is None and not self.exhausted:
            unit = next(units, None)
            self.exhausted = unit is None
        if unit is not None:
            unit, self.rest = cut_to(unit, room)
        return unit

    def _collect(self) -> Iterator[list[Done]]:
        """Wait briefly for results; deal with workers that died or overran."""
        by_conn = {id(p.results): p for p in self.procs}
        by_sentinel = {p.process.sentinel: p for p in self.procs}
        ready = wait([p.results for p in self.procs] + list(by_sentinel), timeout=0.2)
        for obj in ready:
            proc = None if isinstance(obj, int) else by_conn.get(id(obj))
            if proc is None or proc not in self.procs:
                continue
            try:
                done: list[Done] = proc.results.recv()
            except Exception:  # noqa: BLE001, S112 - a torn message from a dying worker
                continue  # its sentinel reports the death
            proc.chunks.popleft()
            self.failed_starts = 0
            yield done
        for obj in ready:
            proc = by_sentinel.get(obj) if isinstance(obj, int) else None
            if proc is not None and proc in self.procs and not proc.process.is_alive():
                self._replace(proc, f"worker process died (exit code {proc.process.exitcode})")
        self._overruns()

    def _overruns(self) -> None:
        limit = self.job.time_limit
        if not limit:
            return
        now = time.monotonic()
        for proc in list(self.procs):
            seq, started, index = int(proc.state[0]), proc.state[1], int(proc.state[2])
            if seq >= 0 and now - started > limit + self.settings.grace and proc.state[0] == seq:
                proc.process.kill()
                proc.process.join()
                self._replace(proc, None, (seq, index))

    def _replace(self, proc: _Proc, why: str | None, culprit: tuple[int, int] | None = None) -> None:
        """Start a fresh worker instead of ``proc``; the pieces it held are redone, except the
        input it was busy with, which becomes an error (``why``; ``None``: timed out)."""
        if culprit is None and proc.state[0] >= 0:
            culprit = int(proc.state[0]), int(proc.state[2])
        held = sorted((p for chunk in proc.chunks for p in chunk), key=lambda p: p.seq)
        self.retry.extendleft(reversed([_marked(p, culprit, why) for p in held]))
        proc.stop()
        _close(proc.results)
        self.failed_starts += culprit is None
        if self.failed_starts > 3:
            raise CleanerError(f"worker processes keep failing: {why}")
        self.procs[self.procs.index(proc)] = self._start()


def _marked(piece: _Piece, culprit: tuple[int, int] | None, why: str | None) -> _Piece:
    """``piece``, with the culprit input marked as failed if it is in it."""
    if culprit is None or culprit[0] != piece.seq:
        return piece
    return replace(piece, failed=(*piece.failed, (culprit[1], why)))


def _failed(task: Task, job: Job, why: str | None) -> tuple[Result, float]:
    """The error result, and the seconds it counts for, of an input whose worker was stopped
    (``why`` None) or died."""
    doc = _stub(task)
    if why is None:
        error: CleanerError = timeout_error(doc.source, job.time_limit,
                                            " (worker stopped and replaced)")
        return Result(doc, error=error), job.time_limit or 0.0
    return Result(doc, error=CleanerError(f"{doc.source}: internal error: {why}")), 0.0


def _stub(task: Task) -> Document:
    """The failed input's identity (id, URL) without cleaning it, for its error record."""
    item = task.item
    if isinstance(item, JsonLine):
        doc = parse_line(item)
        return Document(doc.source, url=doc.url, id=doc.id, fetch=doc.fetch)
    if isinstance(item, Document):
        return Document(item.source, url=item.url, id=item.id, fetch=item.fetch)
    return Document(item.source)


def _widen(conn: Connection, size: int) -> None:
    """Let the pipe hold ``size`` bytes (Linux; elsewhere, or past the system's cap, it stays as
    it is). A chunk or a chunk's results, about a megabyte, then passes in one write: with the
    default 64 kB, the writer and the reader took turns for every 64 kB, and on a machine whose
    cores are all busy cleaning, each turn waited for the scheduler."""
    try:
        import fcntl  # not on Windows

        fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, size)
    except (ImportError, AttributeError, OSError):
        pass


def _close(conn: Connection) -> None:
    try:
        conn.close()
    except OSError:
        pass


class _Order:
    """Hands results on in input order (or as they come), holding only what is out of order,
    and counts the input bytes taken but not handed on."""

    def __init__(self, ordered: bool) -> None:
        self.ordered = ordered
        self.waiting: dict[int, Packed] = {}
        self.sizes: dict[int, int] = {}
        self.next = 0
        self.unfinished = 0

    def dispatched(self, chunk: list[_Piece]) -> None:
        for piece in chunk:
            if piece.seq not in self.sizes:  # not a piece handed out again
                self.sizes[piece.seq] = size = weight(piece.unit)
                self.unfinished += size

    def add(self, done: list[Done]) -> Iterator[Packed]:
        if not self.ordered:
            for seq, packed in done:
                self.unfinished -= self.sizes.pop(seq)
                yield packed
            return
        self.waiting.update(done)
        while self.next in self.waiting:
            self.unfinished -= self.sizes.pop(self.next)
            yield self.waiting.pop(self.next)
            self.next += 1

    def rest(self) -> Iterator[Packed]:
        for seq in sorted(self.waiting):
            yield self.waiting.pop(seq)
