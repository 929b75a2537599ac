"""The learning pass on several processes: each counts whole inputs (a file, a block of JSON
lines) and sends its counts back; the parent merges them (merging gives the same counts in any
order, so the rules are the same bytes as with one process)."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor

from .._cleaner import Cleaner
from .._errors import CleanerError
from ..fetch import FetchOptions
from ..rules import Rule
from ..fetch import fetch_document
from ._counts import Counts
from ._learn import count_document

_CLEANER: Cleaner | None = None
_FETCH: FetchOptions | None = None


def count_units(units: Iterable[object], cleaner: Cleaner, jobs: int,
                fetch: FetchOptions | None = None) -> Counts:
    """Count every input of ``units`` (``_batch`` units: tasks and blocks of JSON lines), on
    ``jobs`` processes (here when 1); at most ``2 * jobs`` units are in flight."""
    counts = Counts()
    if jobs <= 1:
        for unit in units:
            counts.merge(count_unit(unit, cleaner, fetch))
        return counts
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start,
                             initargs=(cleaner.rules, cleaner.time_limit, fetch)) as pool:
        pending: deque[Future[Counts]] = deque()
        for unit in units:
            pending.append(pool.submit(_count_in_worker, unit))
            while len(pending) >= 2 * jobs:
                counts.merge(pending.popleft().result())
        while pending:
            counts.merge(pending.popleft().result())
    return counts


def count_unit(unit: object, cleaner: Cleaner, fetch: FetchOptions | None) -> Counts:
    """The counts of one unit's inputs; an input that cannot be read counts as an error."""
    counts = Counts()
    for task in unit.tasks():  # type: ignore[attr-defined]
        try:
            doc = task.item.load()
            if doc.fetch and doc.error is None:
                doc = fetch_document(doc, fetch)
        except CleanerError:
            counts.errors += 1
            continue
        count_document(counts, cleaner, doc)
    return counts


def _start(rules: tuple[Rule, ...], time_limit: float | None, fetch: FetchOptions | None) -> None:
    global _CLEANER, _FETCH
    _CLEANER = Cleaner(rules, default_rules=False, time_limit=time_limit)
    _FETCH = fetch


def _count_in_worker(unit: object) -> Counts:
    assert _CLEANER is not None
    return count_unit(unit, _CLEANER, _FETCH)
