"""The same batch on an existing Dask cluster (``--scheduler tcp://HOST:PORT``).

Every worker compiles the rules once, when the run registers a worker plugin holding them; the
input is cut into partitions as it is read; each partition is submitted as one task (pickled
here, so the scheduler relays a blob), which the scheduler hands to whichever worker is free
(earlier partitions first). Workers clean with the same :class:`~cleaner._batch.Worker` code as
locally; results are fetched in the background as they finish and handed on in partition order
(or as they come). A bounded number of partitions is in flight, so memory stays flat. Imported
only when a run names a scheduler."""

from __future__ import annotations

import pickle
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from distributed import Client, WorkerPlugin, as_completed, get_worker

from .._errors import CleanerError
from ._work import Job, Outcome, Task, Worker

Numbered = tuple[int, Task]


class CompiledRules(WorkerPlugin):
    """Holds one compiled ``Worker`` in each Dask worker process for the length of a run."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.worker: Worker | None = None

    def setup(self, worker: Any) -> None:
        self.worker = Worker(self.job)

    def teardown(self, worker: Any) -> None:
        if self.worker is not None:
            self.worker.close()
        self.worker = None


def clean_partition(plugin: str, payload: bytes) -> list[Outcome]:
    """What a Dask worker runs for one partition (pickled by the client: the scheduler then
    relays one opaque blob instead of unpickling and re-pickling every task in it)."""
    holder: Any = get_worker().plugins[plugin]
    worker: Worker = holder.worker
    partition: list[Numbered] = pickle.loads(payload)
    return [worker.run(seq, task) for seq, task in partition]


def partitions(numbered: Iterable[Numbered], docs: int = 2000,
               size: int = 8 << 20) -> Iterator[list[Numbered]]:
    """Consecutive runs of at most ``docs`` inputs or about ``size`` bytes."""
    part: list[Numbered] = []
    held = 0
    for item in numbered:
        part.append(item)
        held += max(item[1].size, 512)
        if len(part) >= docs or held >= size:
            yield part
            part, held = [], 0
    if part:
        yield part


def run_cluster(tasks: Iterable[Task], job: Job, address: str, ordered: bool = True,
                docs_per_partition: int = 2000) -> Iterator[Outcome]:
    """Clean ``tasks`` on the cluster whose scheduler is at ``address``."""
    try:
        client: Any = Client(address, set_as_default=False, timeout=30)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise CleanerError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    with client:
        try:
            client.wait_for_workers(1, timeout=60)
        except TimeoutError as exc:
            raise CleanerError(f"the Dask cluster at {address} has no workers") from exc
        name = f"cleaner-{uuid.uuid4().hex}"
        client.register_plugin(CompiledRules(job), name=name)
        try:
            yield from _run(client, name, partitions(enumerate(tasks), docs_per_partition), ordered)
        finally:
            client.unregister_worker_plugin(name)


def _run(client: Any, plugin: str, parts: Iterator[list[Numbered]],
         ordered: bool) -> Iterator[Outcome]:
    limit = 4 * max(1, sum(client.nthreads().values())) + 2
    try:
        yield from _stream(client, plugin, parts, limit, ordered)
    except CleanerError:
        raise
    except Exception as exc:  # KilledWorker, CommClosedError, ...: the cluster failed us
        raise CleanerError(f"the Dask cluster failed: {type(exc).__name__}: {exc}") from exc


def _stream(client: Any, plugin: str, parts: Iterator[list[Numbered]], limit: int,
            ordered: bool) -> Iterator[Outcome]:
    """At most ``limit`` partitions in flight; each result is fetched in the background as soon
    as it is done, and handed on in partition order (or at once)."""
    flight = _Flight(client, ordered)
    for index, part in enumerate(parts):
        # earlier partitions first: the scheduler runs higher priorities first
        future = client.submit(clean_partition, plugin, pickle.dumps(part), priority=-index,
                               pure=False)
        flight.add(future, index)
        while flight.size >= limit:
            yield from flight.take()
    while flight.size:
        yield from flight.take()


class _Flight:
    """Partitions sent and not handed on yet; results arrive in the background as they finish."""

    def __init__(self, client: Any, ordered: bool) -> None:
        self.done: Any = as_completed(loop=client.loop, with_results=True)  # type: ignore[no-untyped-call]
        self.ordered = ordered
        self.index: dict[str, int] = {}
        self.waiting: dict[int, list[Outcome]] = {}
        self.head = 0
        """The next partition to hand on, in order."""

    @property
    def size(self) -> int:
        return len(self.index) + len(self.waiting)

    def add(self, future: Any, index: int) -> None:
        self.index[future.key] = index
        self.done.add(future)

    def take(self) -> Iterator[Outcome]:
        """Wait for one more partition and yield whatever can go on now."""
        future, outcomes = next(self.done)
        index = self.index.pop(future.key)
        if not self.ordered:
            yield from outcomes
            return
        self.waiting[index] = outcomes
        while self.head in self.waiting:
            yield from self.waiting.pop(self.head)
            self.head += 1
