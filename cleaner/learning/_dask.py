"""The learning pass on a Dask cluster, as a map-reduce: each input unit (a file, a block of
JSON lines) is counted on a worker, and this process merges the counts (which merge to the
same numbers in any order, so the rules are the bytes a local run learns). The learned rules
then travel to the workers with the cleaning job. Imported only when a run names a scheduler."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

from .._batch._work import Job, shared_worker
from .._cleaner import Cleaner
from ..fetch import FetchOptions
from ._counts import Counts
from ._parallel import count_unit


def count_on_cluster(units: Iterable[object], cleaner: Cleaner, address: str,
                     fetch: FetchOptions | None = None, in_flight: int = 16) -> Counts:
    """Count every unit on the cluster at ``address``; at most ``in_flight`` units are out."""
    from distributed import Client

    job = Job(cleaner.rules, time_limit=cleaner.time_limit)
    counts = Counts()
    with Client(address, set_as_default=False,  # type: ignore[no-untyped-call]
                timeout=30) as client:
        pending: deque[Any] = deque()
        for unit in units:
            pending.append(client.submit(_count_partition, unit, job, fetch, pure=False))
            while len(pending) >= in_flight:
                counts.merge(pending.popleft().result())
        while pending:
            counts.merge(pending.popleft().result())
    return counts


def _count_partition(unit: object, job: Job, fetch: FetchOptions | None) -> Counts:
    """On a worker: the rules compiled once per process (as for cleaning), then count."""
    return count_unit(unit, shared_worker(job).cleaner, fetch)
