"""What a worker does with one input: load it, clean it under a time limit, write its output.

Everything here is picklable and free of process state, so the same code runs inline, in the
local process pool and on Dask workers, and gives the same bytes everywhere.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from .._cleaner import Cleaner
from .._errors import CleanerError, CleanTimeout, SourceError
from .._limit import TimeLimit
from .._pipeline import Result, clean_document
from ..fetch import FetchOptions, fetch_document
from ..output import Writer
from ..rules import Rule
from ..sources import Document
from ..sources.jsonl import JsonLines
from ._stats import Tally

class Item(Protocol):
    """An input not necessarily read yet: a ``Document``, a ``FileRef`` or a ``JsonLine``."""

    @property
    def source(self) -> str: ...

    def load(self) -> Document: ...


@dataclass(frozen=True, slots=True)
class Task:
    """One input of a batch and the name its output gets under ``-o DIR`` (without suffix)."""

    item: Item
    rel: str

    @property
    def size(self) -> int:
        """Bytes this input holds, as far as is known before reading it (0: not known)."""
        raw = getattr(self.item, "raw", None) or getattr(self.item, "content", None)
        return len(raw) if isinstance(raw, (str, bytes)) else 0

    def tasks(self) -> Iterator[Task]:
        yield self


@dataclass(frozen=True, slots=True)
class LineBlock:
    """Consecutive records of one JSONL source, as read: cut into tasks (``stem/line``) only by
    the worker that cleans them, so the process that reads the input handles no object per
    record."""

    lines: JsonLines
    stem: str

    @property
    def size(self) -> int:
        return len(self.lines.raw)

    def tasks(self) -> Iterator[Task]:
        for line in self.lines.lines():
            yield Task(line, f"{self.stem}/{line.number}")

    def split(self, size: int) -> tuple[LineBlock, LineBlock | None]:
        """The first ``size`` bytes or so (whole lines), and the rest (if any)."""
        head, rest = self.lines.split(size)
        tail = LineBlock(rest, self.stem) if rest is not None else None
        return LineBlock(head, self.stem), tail


Unit = Task | LineBlock
"""What the planner hands on: one input, or a block of JSONL records."""


def cut_to(unit: Unit, room: int) -> tuple[Unit, Unit | None]:
    """``unit``, a block of lines cut to about ``room`` bytes (at least one line), and what is
    left of it (if anything)."""
    if isinstance(unit, LineBlock) and unit.size > room:
        return unit.split(max(room, 1))
    return unit, None


def weight(unit: Unit) -> int:
    """What a unit counts for when work is cut up: its bytes, and at least 512 (a URL or a file
    named by path costs a task however short its name)."""
    return max(unit.size, 512)


@dataclass(frozen=True, slots=True)
class Job:
    """What every worker needs: the rules (already selected) and how to write and limit."""

    rules: tuple[Rule, ...]
    writer: Writer = field(default_factory=Writer)
    time_limit: float | None = None
    fetch: FetchOptions = field(default_factory=FetchOptions)
    """For records that name only a URL, fetched by the worker that meets them."""
    cache: bool = True
    """Whether workers may read and write the compiled-rule cache (``--no-cache``)."""


@dataclass(frozen=True, slots=True)
class Packed:
    """A run of results, written, as a worker process (local or Dask) sends them back: the
    outputs joined (exactly the bytes one process writes for them), or each under its name for
    ``-o DIR``; the errors to report, in order; and the numbers for the stats."""

    output: bytes
    files: tuple[tuple[str, bytes], ...]
    errors: tuple[str, ...]
    tally: Tally


class Packer:
    """Writes results, in order, into one :class:`Packed`: each in the job's format (UTF-8,
    encoded here in the worker, so the parent only copies it), and its numbers into the tally."""

    def __init__(self, job: Job) -> None:
        self.writer = job.writer
        self.outputs: list[bytes] = []
        self.files: list[tuple[str, bytes]] = []
        self.errors: list[str] = []
        self.tally = Tally()

    def add(self, task: Task, result: Result, seconds: float) -> None:
        result, output = self._write(result)
        if self.writer.to_dir:
            self.files.append((task.rel, output))
        else:
            self.outputs.append(output)
        if result.error is not None:
            self.errors.append(str(result.error))
        doc = result.document
        self.tally.add(result, _size(doc.content) if doc.content else task.size, seconds)

    def _write(self, result: Result) -> tuple[Result, bytes]:
        """The result and its output; one that cannot be written as UTF-8 (a lone surrogate from
        a ``\\ud800`` escape) becomes an error result instead."""
        try:
            return result, self.writer.write(result).encode("utf-8")
        except UnicodeEncodeError:
            doc = result.document
            error = SourceError(doc.source, f"not valid Unicode: the {_surrogate_field(doc)} "
                                            f"holds a lone surrogate")
            result = Result(Document(doc.source, id=_clean_str(doc.id), url=_clean_str(doc.url),
                                     fetch=doc.fetch), error=error)
            return result, self.writer.write(result).encode("utf-8")

    def packed(self) -> Packed:
        return Packed(b"".join(self.outputs), tuple(self.files), tuple(self.errors), self.tally)


class Worker:
    """Cleans tasks with one ``Cleaner`` built from the job's rules."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.cleaner = Cleaner(job.rules, default_rules=False, cache=job.cache)
        self.limit = TimeLimit(job.time_limit)

    def close(self) -> None:
        self.limit.close()

    def run(self, task: Task, packer: Packer) -> None:
        """Clean one input and hand its result, with the time it took, to ``packer``."""
        started = time.perf_counter()
        result = self.result(task.item)
        packer.add(task, result, time.perf_counter() - started)

    def pack(self, units: Iterable[Unit]) -> Packed:
        """Clean every input of ``units``, in order, and pack up the results."""
        packer = Packer(self.job)
        for unit in units:
            for task in unit.tasks():
                self.run(task, packer)
        return packer.packed()

    def result(self, item: Item) -> Result:
        """Load, then fetch if need be and clean one input under the time limit; never raises.
        Loading stays outside the limit, so a timeout record always carries the input's id."""
        doc = Document(item.source)
        try:
            doc = item.load()
            with self.limit():
                if doc.fetch and doc.error is None:
                    doc = fetch_document(doc, self.job.fetch)
                result = clean_document(self.cleaner, doc)
        except CleanTimeout:
            return Result(doc, error=timeout_error(doc.source, self.job.time_limit))
        except Exception as exc:  # noqa: BLE001 - a bug on one input must not stop the batch
            return Result(doc, error=CleanerError(f"{doc.source}: internal error: "
                                                  f"{type(exc).__name__}: {exc}"))
        if isinstance(result.error, CleanTimeout):
            return Result(doc, error=timeout_error(doc.source, self.job.time_limit))
        return result


_SHARED: dict[bytes, Worker] = {}
_SHARED_LOCK = threading.Lock()
_SHARED_MAX = 8


def shared_worker(job: Job) -> Worker:
    """This process's ``Worker`` for ``job``, built on first use. Code that is shipped to a
    process again and again (a Dask task for each partition, a pickled ``Dataset.map``
    function) would otherwise compile the rules for every partition, about a second each with
    the shipped rules. Jobs are told apart by their pickled bytes; a few are kept."""
    key = hashlib.blake2b(pickle.dumps(job), digest_size=16).digest()
    with _SHARED_LOCK:
        worker = _SHARED.get(key)
        if worker is None:
            while len(_SHARED) >= _SHARED_MAX:
                del _SHARED[next(iter(_SHARED))]
            worker = _SHARED[key] = Worker(job)
    return worker


def timeout_error(source: str, limit: float | None, note: str = "") -> CleanTimeout:
    return CleanTimeout(f"{source}: timeout: took longer than {limit or 0:g} s{note}")


def _surrogate_field(doc: Document) -> str:
    """Which of a document's names holds a lone surrogate (the text's are replaced when it is
    cleaned)."""
    for name, value in (("id", doc.id), ("url", doc.url), ("source", doc.source)):
        if value is not None and _clean_str(value) != value:
            return name
    return "text"


def _size(content: str | bytes) -> int:
    return len(content) if isinstance(content, bytes) else len(content.encode("utf-8", "replace"))


def _clean_str(value: str | None) -> str | None:
    return None if value is None else value.encode("utf-8", "replace").decode("utf-8")
