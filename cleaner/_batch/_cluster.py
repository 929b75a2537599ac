"""The same batch on an existing Dask cluster (``--scheduler tcp://HOST:PORT``).

Every worker compiles the rules once, when the run registers a worker plugin holding them; the
input is cut into partitions as it is read; each partition is sent straight to a worker
(``scatter``), cleaned there by the same :class:`~cleaner._batch.Worker` code as locally, and its
outcomes come back in partition order (or as they finish). A bounded number of partitions is in
flight, so the client's memory stays flat. Imported only when a run names a scheduler.
"""

from __future__ import annotations

import uuid
from collections import deque
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


def clean_partition(plugin: str, partition: list[Numbered]) -> list[Outcome]:
    """What a Dask worker runs for one partition."""
    holder: Any = get_worker().plugins[plugin]
    worker: Worker = holder.worker
    return [worker.run(seq, task) for seq, task in partition]


def partitions(numbered: Iterable[Numbered], docs: int = 500,
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
                docs_per_partition: int = 500) -> Iterator[Outcome]:
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
        if ordered:
            yield from _in_order(client, plugin, parts, limit)
        else:
            yield from _as_done(client, plugin, parts, limit)
    except CleanerError:
        raise
    except Exception as exc:  # KilledWorker, CommClosedError, ...: the cluster failed us
        raise CleanerError(f"the Dask cluster failed: {type(exc).__name__}: {exc}") from exc


def _submit(client: Any, plugin: str, part: list[Numbered]) -> Any:
    [data] = client.scatter([part], hash=False, direct=True)
    return client.submit(clean_partition, plugin, data, pure=False)


def _in_order(client: Any, plugin: str, parts: Iterator[list[Numbered]],
              limit: int) -> Iterator[Outcome]:
    running: deque[Any] = deque()
    for part in parts:
        running.append(_submit(client, plugin, part))
        while len(running) >= limit:
            yield from running.popleft().result()
    while running:
        yield from running.popleft().result()


def _as_done(client: Any, plugin: str, parts: Iterator[list[Numbered]],
             limit: int) -> Iterator[Outcome]:
    pool: Any = as_completed(loop=client.loop)  # type: ignore[no-untyped-call]
    count = 0
    for part in parts:
        pool.add(_submit(client, plugin, part))
        count += 1
        if count >= limit:
            yield from next(pool).result()
            count -= 1
    for future in pool:
        yield from future.result()
