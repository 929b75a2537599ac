"""The same batch on an existing Dask cluster (``--scheduler tcp://HOST:PORT``).

The input is cut into partitions as it is read; each partition is sent straight to a worker
(``scatter``), cleaned there by the same :class:`~cleaner._batch.Worker` code as locally, and
its outcomes come back in partition order (or as they finish). A bounded number of partitions is
in flight, so the client's memory stays flat. Importing this module does not import Dask.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from .._errors import CleanerError
from ._work import Job, Outcome, Task, Worker

Numbered = tuple[int, Task]


def clean_partition(job: Job, partition: list[Numbered]) -> list[Outcome]:
    """What a Dask worker runs for one partition."""
    worker = Worker(job)
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
        from distributed import Client, as_completed
    except ImportError as exc:
        raise CleanerError("--scheduler needs Dask: pip install 'cleaner[dask]'") from exc
    try:
        client: Any = Client(address, set_as_default=False, timeout=30)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise CleanerError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    with client:
        threads = max(1, sum(client.nthreads().values()))
        [job_future] = client.scatter([job], broadcast=True, hash=False)
        parts = partitions(enumerate(tasks), docs_per_partition)
        if ordered:
            yield from _in_order(client, job_future, parts, 2 * threads + 1)
        else:
            yield from _as_done(client, job_future, parts, 2 * threads + 1, as_completed)


def _submit(client: Any, job_future: Any, part: list[Numbered]) -> Any:
    [data] = client.scatter([part], hash=False)
    return client.submit(clean_partition, job_future, data, pure=False)


def _in_order(client: Any, job_future: Any, parts: Iterator[list[Numbered]],
              limit: int) -> Iterator[Outcome]:
    running: deque[Any] = deque()
    for part in parts:
        running.append(_submit(client, job_future, part))
        while len(running) >= limit:
            yield from running.popleft().result()
    while running:
        yield from running.popleft().result()


def _as_done(client: Any, job_future: Any, parts: Iterator[list[Numbered]], limit: int,
             as_completed: Any) -> Iterator[Outcome]:
    pool = as_completed()
    count = 0
    for part in parts:
        pool.add(_submit(client, job_future, part))
        count += 1
        if count >= limit:
            yield from next(pool).result()
            count -= 1
    for future in pool:
        yield from future.result()
