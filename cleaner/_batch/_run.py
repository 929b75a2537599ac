"""One batch run: plan the inputs, skip what a previous run wrote, clean, write, count."""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .._cleaner import Cleaner
from .._errors import CleanerError
from ..fetch import FetchOptions, fetch_documents
from ..output import Format, Writer
from ..sources import Document, needs_fetch
from ..sources.jsonl import RecordFields
from ._address import check_address
from ._plan import InputFormat, Walk, distinct, plan_units, under_roots
from ._pool import PoolSettings, run_local
from ._sinks import ArraySink, DirSink, FileSink, Sink, StreamSink, failed_records, resume_point
from ._stats import Stats
from ._work import Job, LineBlock, Packed, Task, Unit


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """Everything about a batch run except the rules (those come with the ``Cleaner``).

    ``output`` is ``None`` for the ``stdout`` stream, a file, or (``output_dir``) a folder that
    mirrors the inputs. ``jobs`` local processes clean, unless ``scheduler`` names a Dask
    cluster. ``time_limit`` is per document, in seconds (``None``: no limit).
    """

    fmt: Format = "jsonl"
    explain: bool = False
    header: bool = False
    """Several inputs to one stream: a header before each text body; JSON as one array."""
    width: int = 100
    title: bool = False
    metadata: bool = False
    """Explain width, the title above a text body, metadata above it: see ``Writer``."""
    input_format: InputFormat = "auto"
    fields: RecordFields = field(default_factory=RecordFields)
    output: Path | None = None
    output_dir: bool = False
    keep_roots: bool = False
    """Name each input under the folder or pattern it was found by (``-o DIR`` with several)."""
    jobs: int = 1
    ordered: bool = True
    time_limit: float | None = 60.0
    resume: bool = False
    scheduler: str | None = None
    scheduler_timeout: float = 30.0
    """Seconds to wait for the Dask scheduler to answer, or for a worker when it has none."""
    progress: bool = False
    fetch: FetchOptions = field(default_factory=FetchOptions)
    """How URL inputs (and JSONL records that name only a URL) are fetched."""

    def __post_init__(self) -> None:
        if self.jobs < 1:
            raise CleanerError("--jobs must be at least 1")
        if self.time_limit is not None and self.time_limit <= 0:
            raise CleanerError("--time-limit must be positive")
        if self.output_dir and self.fmt == "jsonl":
            raise CleanerError("-o DIR writes one file per input: use --format text, markdown or "
                               "json (or give -o a file name for JSON lines)")
        if self.scheduler is not None:
            check_address(self.scheduler)
        if self.scheduler_timeout <= 0:
            raise CleanerError("--scheduler-timeout must be positive")
        if self.resume:
            self._check_resume()

    def _check_resume(self) -> None:
        if self.output is None:
            raise CleanerError("--resume needs -o FILE or -o DIR")
        if not self.ordered:
            raise CleanerError("--resume needs the input order kept (leave out --unordered)")
        if not self.output_dir and self.fmt != "jsonl":
            raise CleanerError("--resume into one file needs --format jsonl (one record a line)")

    @property
    def writer(self) -> Writer:
        return Writer(self.fmt, self.explain, self.header, self.output_dir, self.width,
                      self.title, self.metadata)

    def job(self, cleaner: Cleaner) -> Job:
        return Job(cleaner.rules, self.writer, self.time_limit, self.fetch, cleaner.cache)


def run_batch(
    sources: Iterable[str | Document], cleaner: Cleaner, options: BatchOptions, stdout: IO[bytes],
    report: Callable[[str], None],
) -> Stats:
    """Clean every input of ``sources``; failures are reported (one line each) and counted."""
    mode = f"dask {options.scheduler}" if options.scheduler is not None else "local"
    stats = Stats(mode, options.jobs)
    progress = _progress(options.progress)
    say = progress.write if progress is not None else report

    def skipped(name: str, why: str) -> None:
        stats.left_out[why.split(": ", 1)[0]] += 1
        say(f"cleaner: {name}: left out: {why}")

    avoid = (options.output.resolve(),) if options.output is not None else ()

    def plan(sources: Iterable[str | Document]) -> Iterator[Unit]:
        return plan_units(sources, options.fields, options.input_format,
                          walk=Walk(skipped, avoid))

    units = under_roots(sources, plan) if options.keep_roots else plan(sources)
    if options.output_dir:
        units = distinct(units)
    sink, done, units = _open_sink(options, stdout, units)
    units = _fetched(units, options.fetch)
    try:
        for packed in _outcomes(units, options.job(cleaner), options):
            sink.write(packed)
            stats.merge(packed.tally)
            for error in packed.errors:
                say(f"cleaner: {error}")
            if progress is not None:
                progress.update(packed.tally.documents)
    finally:
        sink.close()
        if progress is not None:
            progress.close()
    stats.skipped = done.n
    stats.failed_before = done.failed
    return stats


def _fetched(units: Iterator[Unit], options: FetchOptions) -> Iterator[Unit]:
    """URL inputs fetched concurrently here, ahead of the pool (which then only cleans them).
    Only runs of URL inputs go through the fetcher's event loop; everything else (files, JSON
    lines) passes straight on, so a big file costs the parent no per-record hand-offs."""
    for needs, run in itertools.groupby(
            units, key=lambda unit: isinstance(unit, Task) and needs_fetch(unit.item)):
        if not needs:
            yield from run
            continue
        names: deque[str] = deque()

        def items(run: Iterator[Unit] = run) -> Iterator[Any]:
            for task in run:
                assert isinstance(task, Task)
                names.append(task.rel)
                yield task.item

        for item in fetch_documents(items(), options):
            yield Task(item, names.popleft())


class _Done:
    """How many inputs an earlier run already wrote (``--resume``)."""

    def __init__(self, n: int = 0, failed: int = 0) -> None:
        self.n = n
        self.failed = failed
        """How many of those failed."""

    def seen(self) -> bool:
        self.n += 1
        return True


def _open_sink(options: BatchOptions, stdout: IO[bytes],
               units: Iterator[Unit]) -> tuple[Sink, _Done, Iterator[Unit]]:
    """The sink, what is already done (with ``resume``) and the inputs still to do."""
    if options.output is None:
        return _framed(StreamSink(stdout), options), _Done(), units
    if options.output_dir:
        sink = DirSink(options.output, options.writer.suffix)
        done = _Done()
        if options.resume:
            units = (t for unit in units for t in unit.tasks()
                     if not (sink.target(t.rel).exists() and done.seen()))
        return sink, done, units
    skip = resume_point(options.output) if options.resume else 0
    failed = failed_records(options.output) if options.resume and options.fmt == "jsonl" else 0
    sink_file = _framed(FileSink(options.output, append=options.resume), options)
    return sink_file, _Done(skip, failed), _skip(units, skip)


def _framed(sink: Sink, options: BatchOptions) -> Sink:
    """JSON records to one stream or file make one JSON array (one input: its object)."""
    return ArraySink(sink, always=options.header) if options.fmt == "json" else sink


def _skip(units: Iterator[Unit], n: int) -> Iterator[Unit]:
    """All but the first ``n`` inputs (a block that holds the cut is cut into tasks)."""
    for unit in units:
        if n <= 0:
            yield unit
            continue
        tasks = list(unit.tasks())
        yield from tasks[n:]
        n -= len(tasks)


def _outcomes(units: Iterator[Unit], job: Job,
              options: BatchOptions) -> Iterator[Packed]:
    if options.scheduler is not None:
        try:
            from ._cluster import run_cluster
        except ImportError as exc:
            raise CleanerError("--scheduler needs Dask: pip install 'cleaner[dask]'") from exc
        return run_cluster(units, job, options.scheduler, options.ordered,
                           timeout=options.scheduler_timeout)
    jobs = options.jobs
    first: list[Unit] = []
    inputs = 0
    while inputs < 2 * jobs and (unit := next(units, None)) is not None:
        first.append(unit)
        inputs += unit.lines.count if isinstance(unit, LineBlock) else 1
    if inputs < 2 * jobs:
        jobs = 1  # a handful of inputs is not worth starting processes for
    settings = PoolSettings(jobs, options.ordered)
    return run_local(itertools.chain(first, units), job, settings)


def _progress(enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm  # type: ignore[import-untyped]

    return tqdm(unit="doc", dynamic_ncols=True, mininterval=0.5, smoothing=0.1)
