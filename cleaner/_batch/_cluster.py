"""The same batch on an existing Dask cluster (``--scheduler tcp://HOST:PORT``).

Every worker compiles the rules once, when the run registers a worker plugin holding them (the
plugin also pauses the worker's stack profiler until the run ends). The input is cut into
partitions as it is read: JSON lines go as blocks of raw lines (cut at newlines, never parsed
here), other inputs as tasks, and the last partitions are smaller and smaller, so the workers
run out of work together; each partition is submitted as one task (pickled here, into a buffer
that travels beside the task's own pickle, so the scheduler relays it without unpickling or
copying it), which the scheduler hands to whichever worker is free (earlier partitions first).
Workers clean with the same :class:`~cleaner._batch.Worker` code as locally and send back one
:class:`~cleaner._batch.Packed` per partition: the output bytes a local run writes, the errors
and the numbers, so this process only writes and adds up. Results are fetched in the background
as they finish and handed on in partition order (or as they come). A bounded number of
partitions is in flight, so memory stays flat. Imported only when a run names a scheduler."""

from __future__ import annotations

import asyncio
import pickle
import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any, SupportsIndex

from distributed import Client, WorkerPlugin, as_completed, get_worker
from distributed.comm.core import connect

from .._errors import CleanerError
from ._address import check_address, probe
from ._work import Job, Packed, Unit, Worker, cut_to, weight


class CompiledRules(WorkerPlugin):
    """Holds one compiled ``Worker`` in each Dask worker process for the length of a run, and
    pauses the worker's statistical profiler meanwhile (it is started again at the end)."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.worker: Worker | None = None
        self.profiler: Any = None
        """The worker's profiler callback, if this plugin paused it."""

    def setup(self, worker: Any) -> None:
        self.worker = Worker(self.job)
        self.profiler = _pause_profiler(worker)

    def teardown(self, worker: Any) -> None:
        if self.worker is not None:
            self.worker.close()
        self.worker = None
        if self.profiler is not None and not self.profiler.is_running():
            self.profiler.start()
        self.profiler = None


def _pause_profiler(worker: Any) -> Any:
    """Stop the worker's stack sampler (``distributed.worker.profile``), if it runs; returns it
    to be started again. Every 10 ms it walks the task thread's stack in the event loop's
    thread, holding the interpreter lock: for our tasks, deep pure-Python stacks, that is a few
    per cent of the worker's time taken from cleaning."""
    callbacks = getattr(worker, "periodic_callbacks", None)
    profiler = callbacks.get("profile") if isinstance(callbacks, dict) else None
    if profiler is None or not profiler.is_running():
        return None
    profiler.stop()
    return profiler


class Blob:
    """Bytes that travel beside a pickle (protocol 5), not inside it: the client, the scheduler
    and the worker pass the frame on as it is instead of copying it into every message."""

    __slots__ = ("data",)

    def __init__(self, data: bytes | memoryview) -> None:
        self.data = data

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        if int(protocol) >= 5:
            return Blob, (pickle.PickleBuffer(self.data),)
        return Blob, (bytes(self.data),)


def clean_partition(plugin: str, payload: Blob) -> Packed:
    """What a Dask worker runs for one partition (pickled by the client: the scheduler then
    relays one opaque blob instead of unpickling and re-pickling every task in it)."""
    holder: Any = get_worker().plugins[plugin]
    worker: Worker = holder.worker
    units: list[Unit] = pickle.loads(payload.data)
    return worker.pack(units)


def partitions(units: Iterable[Unit], size: int = 4 << 20, workers: int = 2,
               docs: int = 2000) -> Iterator[list[Unit]]:
    """Consecutive runs of up to ``size`` bytes and ``docs`` units. The last ``workers * size``
    bytes of the input, held back until it ends, go in smaller and smaller partitions (down to
    ``size / 16``), which run last: no worker is left cleaning a big one while the others have
    nothing more to do."""
    held: deque[list[Unit]] = deque()
    held_bytes = 0
    for part in _grouped(units, size, docs):
        held.append(part)
        held_bytes += _bytes(part)
        while held_bytes - _bytes(held[0]) >= workers * size:
            held_bytes -= _bytes(held[0])
            yield held.popleft()
    yield from _tapered(deque(u for part in held for u in part), size, workers, docs)


def _grouped(units: Iterable[Unit], size: int, docs: int) -> Iterator[list[Unit]]:
    """Runs of up to ``size`` bytes and ``docs`` units (a bigger unit alone)."""
    part: list[Unit] = []
    held = 0
    for unit in units:
        n = weight(unit)
        if part and (held + n > size or len(part) >= docs):
            yield part
            part, held = [], 0
        part.append(unit)
        held += n
    if part:
        yield part


def _tapered(units: deque[Unit], size: int, workers: int, docs: int) -> Iterator[list[Unit]]:
    """Partitions of a ``2 * workers``-th of what is left each (a block is split if need be)."""
    left = sum(map(weight, units))
    while units:
        goal = max(min(size, left // (2 * workers)), size // 16)
        part: list[Unit] = []
        got = 0
        while units and len(part) < docs:
            unit, rest = cut_to(units.popleft(), goal - got)
            if rest is not None:
                units.appendleft(rest)
            if part and got + weight(unit) > goal:
                units.appendleft(unit)
                break
            part.append(unit)
            got += weight(unit)
        left -= got
        yield part


def _bytes(part: list[Unit]) -> int:
    return sum(map(weight, part))


def run_cluster(units: Iterable[Unit], job: Job, address: str, ordered: bool = True,
                part_bytes: int = 4 << 20, timeout: float = 30.0) -> Iterator[Packed]:
    """Clean ``units`` on the cluster whose scheduler is at ``address``, in partitions of about
    ``part_bytes`` of input. A scheduler that does not answer within ``timeout`` seconds, or a
    cluster left without a worker that long, ends the run with a ``CleanerError``."""
    address = check_address(address)
    client = _connect(address, timeout)
    with client:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError as exc:
            raise CleanerError(f"the Dask cluster at {address} has had no workers for "
                               f"{timeout:g} s (--scheduler-timeout)") from exc
        name = f"cleaner-{uuid.uuid4().hex}"
        client.register_plugin(CompiledRules(job), name=name)
        try:
            yield from _run(client, name, units, part_bytes, ordered, timeout)
        finally:
            client.unregister_worker_plugin(name)


def _connect(address: str, timeout: float) -> Any:
    """A client of the scheduler at ``address``; fails at once when nothing listens there, and
    within ``timeout`` when something listens but does not answer as a scheduler (Dask's own
    client would wait for it for ever)."""
    probe(address, timeout)
    try:
        asyncio.run(asyncio.wait_for(_identity(address), timeout))
    except (TimeoutError, asyncio.TimeoutError) as exc:
        raise CleanerError(f"the Dask scheduler at {address} did not answer within {timeout:g} s "
                           f"(--scheduler-timeout)") from exc
    except Exception as exc:  # noqa: BLE001 - whatever a comm raises, the address is no scheduler
        raise CleanerError(f"cannot reach the Dask scheduler at {address}: "
                           f"{type(exc).__name__}: {exc}") from exc
    try:
        client: Any = Client(  # type: ignore[no-untyped-call]
            address, set_as_default=False, timeout=timeout)
        return client
    except (OSError, TimeoutError) as exc:
        raise CleanerError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc


async def _identity(address: str) -> None:
    """Ask the scheduler who it is (one round trip of Dask's own protocol)."""
    comm = await connect(address)  # type: ignore[no-untyped-call]
    try:
        await comm.write({"op": "identity", "reply": True})
        await comm.read()
    finally:
        comm.abort()


def _run(client: Any, plugin: str, units: Iterable[Unit], part_bytes: int,
         ordered: bool, timeout: float) -> Iterator[Packed]:
    threads = max(1, sum(client.nthreads().values()))
    parts = partitions(units, part_bytes, threads)
    try:
        yield from _stream(_Flight(client, ordered, timeout), plugin, parts, 4 * threads + 2)
    except CleanerError:
        raise
    except Exception as exc:  # KilledWorker, CommClosedError, ...: the cluster failed us
        raise CleanerError(f"the Dask cluster failed: {type(exc).__name__}: {exc}") from exc


def _stream(flight: _Flight, plugin: str, parts: Iterator[list[Unit]],
            limit: int) -> Iterator[Packed]:
    """At most ``limit`` partitions in flight; each result is fetched in the background as soon
    as it is done, and handed on in partition order (or at once)."""
    for index, part in enumerate(parts):
        # earlier partitions first: the scheduler runs higher priorities first
        future = flight.client.submit(clean_partition, plugin, Blob(pickle.dumps(part)),
                                      priority=-index, pure=False)
        flight.add(future, index)
        while flight.size >= limit:
            yield from flight.take()
    while flight.size:
        yield from flight.take()


class _Flight:
    """Partitions sent and not handed on yet; results arrive in the background as they finish."""

    def __init__(self, client: Any, ordered: bool, timeout: float = 30.0) -> None:
        self.client = client
        self.timeout = timeout
        self.done: Any = as_completed(loop=client.loop, with_results=True)  # type: ignore[no-untyped-call]
        self.ordered = ordered
        self.index: dict[str, int] = {}
        self.waiting: dict[int, Packed] = {}
        self.head = 0
        """The next partition to hand on, in order."""

    @property
    def size(self) -> int:
        return len(self.index) + len(self.waiting)

    def add(self, future: Any, index: int) -> None:
        self.index[future.key] = index
        self.done.add(future)

    def take(self) -> Iterator[Packed]:
        """Wait for one more partition and yield whatever can go on now."""
        self._wait()
        future, packed = next(self.done)
        index = self.index.pop(future.key)
        if isinstance(packed, BaseException):  # the task failed (KilledWorker, ...)
            raise packed
        if not self.ordered:
            yield packed
            return
        self.waiting[index] = packed
        while self.head in self.waiting:
            yield self.waiting.pop(self.head)
            self.head += 1

    def _wait(self) -> None:
        """Until a result is ready; a ``CleanerError`` when the cluster has had no worker for
        ``timeout`` seconds (its tasks would wait for ever)."""
        alone_since: float | None = None
        checked = time.monotonic()
        while not self.done.has_ready():
            time.sleep(0.05)
            now = time.monotonic()
            if now - checked < 1.0:
                continue
            checked = now
            if self.client.nthreads():
                alone_since = None
            elif alone_since is None:
                alone_since = now
            elif now - alone_since >= self.timeout:
                raise CleanerError(f"the Dask cluster has had no workers for {self.timeout:g} s "
                                   f"(--scheduler-timeout); what was written is kept for --resume")
