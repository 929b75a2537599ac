"""Where outcomes go: a stream (stdout), one file, or a folder mirroring the inputs.

The file sink is what makes ``--resume`` safe: it only ever appends whole lines, in batches, and
a background thread calls ``fsync`` on the file at most once a second (and at the end), so the
run never waits on the disk. After a crash (``kill -9`` loses nothing already written, a power
cut at most the last second) :func:`resume_point` cuts a torn last line, if any, and counts the
complete records, which are exactly the first inputs in order.
"""

from __future__ import annotations

import os
import stat
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, Protocol

from .._errors import SourceError
from ._stats import Tally
from ._work import Packed


class Sink(Protocol):
    def write(self, part: Packed) -> None:
        """The outputs of a run of inputs, as one write."""

    def close(self) -> None: ...


class _BufferedSink:
    """Buffers outputs and hands them to :meth:`_drain` in batches: past ``max_bytes``,
    ``max_items`` outputs, or a second since the last batch (and at the end)."""

    max_bytes = 1 << 16
    max_items = 1 << 30

    def __init__(self) -> None:
        self.buffer: list[bytes] = []
        self.size = 0
        self.flushed = time.monotonic()

    def write(self, part: Packed) -> None:
        self._add(part.output)

    def _add(self, output: bytes) -> None:
        if output:
            self.buffer.append(output)
            self.size += len(output)
        if (self.size >= self.max_bytes or len(self.buffer) >= self.max_items
                or time.monotonic() - self.flushed >= 1.0):
            self.flush()

    def flush(self) -> None:
        data = b"".join(self.buffer)
        self.buffer, self.size = [], 0  # on a failed write too: closing must not try it again
        self.flushed = time.monotonic()
        self._drain(data)

    def _drain(self, data: bytes) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.flush()


class StreamSink(_BufferedSink):
    """Outputs to a binary stream, flushed every 64 kB or second (and at the end)."""

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__()
        self.stream = stream

    def _drain(self, data: bytes) -> None:
        try:
            if data:
                self.stream.write(data)
            self.stream.flush()
        except OSError as exc:
            _drop_unwritten(self.stream)
            raise SourceError("<stdout>", f"cannot write: {exc.strerror or exc}") from exc


class FileSink(_BufferedSink):
    """Records appended to one file in batches (1 MB, 512 records or 1 s), made durable in the
    background: ``fsync`` takes milliseconds of disk time, and the parent's loop, which hands
    results back to the workers' pipes, must not wait on it."""

    max_bytes = 1 << 20
    max_items = 512
    sync_every = 1.0
    """Seconds between background ``fsync`` calls."""

    def __init__(self, path: Path, append: bool) -> None:
        super().__init__()
        self.path = path
        try:
            self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC),
                              0o644)
        except OSError as exc:
            raise SourceError(str(path), f"cannot write: {exc.strerror or exc}") from exc
        self.durable = stat.S_ISREG(os.fstat(self.fd).st_mode)
        """Only a regular file can be synced (not ``/dev/null`` or a pipe)."""
        self.syncer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cleaner-fsync")
        self.syncing: Future[None] | None = None
        self.synced = time.monotonic()

    def _drain(self, data: bytes) -> None:
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.fd, view):]
        except OSError as exc:
            raise SourceError(str(self.path), f"cannot write: {exc.strerror or exc}") from exc
        if (self.durable and time.monotonic() - self.synced >= self.sync_every
                and self._sync_done()):
            self.synced = time.monotonic()
            self.syncing = self.syncer.submit(os.fsync, self.fd)

    def _sync_done(self) -> bool:
        """Whether no ``fsync`` is running; a failed one raises its error here."""
        if self.syncing is None:
            return True
        if not self.syncing.done():
            return False
        self.syncing.result()
        return True

    def close(self) -> None:
        try:
            self.flush()
            if self.syncing is not None:
                self.syncing.result()
            if self.durable:
                os.fsync(self.fd)
        except OSError as exc:  # a failed fsync: the disk did not take what was written
            raise SourceError(str(self.path), f"cannot write: {exc.strerror or exc}") from exc
        finally:
            self.syncer.shutdown()
            os.close(self.fd)


class ArraySink:
    """JSON records (each written with ``indent=1`` and a newline) made into one JSON array.

    The first record is held until a second one comes: a run of one input writes its object
    alone, a run of several (or any run when ``always``) one array. Records are told apart
    by ``}`` alone on a line followed by ``{``, which an indented dump writes only between two
    top-level objects."""

    _BETWEEN = b"\n}\n{\n"

    def __init__(self, sink: Sink, always: bool = False) -> None:
        self.sink = sink
        self.always = always
        self.held: bytes | None = None
        self.opened = False

    def write(self, part: Packed) -> None:
        data = part.output.rstrip(b"\n")
        if not data:
            self.sink.write(part)
            return
        several = self._BETWEEN in data
        data = data.replace(self._BETWEEN, b"\n},\n{\n")
        if self.opened:
            data = b",\n" + data
        elif self.held is None and not self.always and not several:
            self.held = data
            self.sink.write(_replace_output(part, b""))
            return
        else:
            data = b"[\n" + (self.held + b",\n" if self.held is not None else b"") + data
            self.opened, self.held = True, None
        self.sink.write(_replace_output(part, data))

    def close(self) -> None:
        try:
            end = (b"\n]\n" if self.opened else self.held + b"\n" if self.held is not None
                   else b"[]\n" if self.always else b"")
            if end:
                self.sink.write(Packed(end, (), (), Tally()))
        finally:
            self.sink.close()


def _replace_output(part: Packed, output: bytes) -> Packed:
    return Packed(output, part.files, part.errors, part.tally)


class DirSink:
    """One file per input under ``root``: ``<rel><suffix>``, written whole and then renamed into
    place, so a file that exists is complete. Inputs with no output (a failed text or Markdown
    one) write nothing."""

    def __init__(self, root: Path, suffix: str) -> None:
        self.root = root
        self.suffix = suffix

    def target(self, rel: str) -> Path:
        return self.root / (rel + self.suffix)

    def write(self, part: Packed) -> None:
        for rel, output in part.files:
            self._put(rel, output)

    def _put(self, rel: str, output: bytes) -> None:
        if not output:
            return
        path = self.target(rel)
        temp = path.with_name(path.name + ".part")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(output)
            os.replace(temp, path)
        except OSError as exc:
            temp.unlink(missing_ok=True)  # a full disk must not leave half a file behind
            raise SourceError(str(path), f"cannot write: {exc.strerror or exc}") from exc

    def close(self) -> None:
        return None


def _drop_unwritten(stream: IO[bytes]) -> None:
    """After a failed write to standard output, point it at ``/dev/null``: what is still in
    Python's buffer would otherwise fail again, with a traceback, when the process exits."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def resume_point(path: Path) -> int:
    """Complete records already in ``path``; a torn last line (no newline) is cut off first."""
    if not path.exists():
        return 0
    count, last_end, position = 0, 0, 0
    with open(path, "r+b") as file:
        while block := file.read(1 << 22):
            newlines = block.count(b"\n")
            if newlines:
                count += newlines
                last_end = position + block.rindex(b"\n") + 1
            position += len(block)
        if last_end != position:
            file.truncate(last_end)
            file.flush()
            os.fsync(file.fileno())
    return count


def failed_records(path: Path) -> int:
    """JSON lines in ``path`` that record a failure (``"error"`` is not null): a resumed run
    that has nothing left to do must still say the file holds them. A record's text cannot
    hold the marker, since JSON escapes its quotes."""
    if not path.exists():
        return 0
    with open(path, "rb") as file:
        return sum(1 for line in file if line.strip() and b'"error": null' not in line)
