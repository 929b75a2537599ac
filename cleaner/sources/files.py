"""Files, folders of files (recursive), glob patterns and stdin."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .._errors import SourceError
from ._document import Document, Kind
from .urls import add_scheme_hint
from ._walk import Entry, Pattern, special, walk

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_GLOB_CHARS = frozenset("*?[")


def kind_of(path: Path) -> Kind:
    return "html" if path.suffix.lower() in HTML_SUFFIXES else "text"


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file found on disk, not yet read; ``rel`` is its path below the folder it was found in."""

    path: str
    rel: str

    @property
    def source(self) -> str:
        return self.path

    def load(self) -> Document:
        return _read(Path(self.path))


@dataclass(frozen=True, slots=True)
class Found:
    """One thing a source argument named: a file (``path``) or an error (``error``); ``rel`` is
    its path below the folder or pattern root it was found under (or its own, made relative)."""

    path: Path | None
    rel: str
    error: SourceError | None = None


def iter_paths(sources: Iterable[str]) -> Iterator[Document]:
    """Documents for each source: ``-`` (stdin), a file, a folder (its text/HTML files, sorted,
    recursively) or a glob pattern (``data/**/*.html``)."""
    for source in sources:
        if source == "-":
            yield Document("<stdin>", sys.stdin.buffer.read())
            continue
        for found in expand(source, TEXT_SUFFIXES | HTML_SUFFIXES):
            if found.error is not None:
                yield Document(found.error.source, error=found.error)
            elif found.path is not None:
                yield _read(found.path)


def expand(source: str, suffixes: frozenset[str]) -> Iterator[Found]:
    """The files one argument names. A folder gives its files with one of ``suffixes`` (compared
    against the end of the name, so ``.jsonl.gz`` works), sorted; a pattern gives its sorted
    matches; anything else is taken as a file (a missing one fails when it is read)."""
    path = Path(source)
    if path.is_dir():
        yield from _found(walk(path, lambda rel: has_suffix(Path(rel), suffixes), _always), source,
                          f"folder holds no {_names(suffixes)} files")
        return
    if _GLOB_CHARS.intersection(source) and not path.exists():
        root = _glob_root(source)
        pattern = Pattern(list(Path(source).parts[len(root.parts):]))
        entries = walk(root, pattern.matches, pattern.may_hold) if root.is_dir() else iter(())
        yield from _found(entries, source, "pattern matches no files")
        return
    yield Found(path, plain_name(path))


def _found(entries: Iterator[Entry], source: str, empty: str) -> Iterator[Found]:
    """Files as found, problems as errors naming the entry; ``empty`` when there was nothing."""
    count = 0
    for entry in entries:
        count += 1
        if entry.problem is None:
            yield Found(entry.path, entry.rel)
        else:
            yield Found(None, entry.rel, SourceError(str(entry.path), entry.problem))
    if not count:
        yield Found(None, source, SourceError(source, empty))


def _always(_rel: str) -> bool:
    return True


def has_suffix(path: Path, suffixes: Iterable[str]) -> bool:
    name = path.name.lower()
    return any(name.endswith(suffix) for suffix in suffixes)


def _names(suffixes: frozenset[str]) -> str:
    return "/".join(sorted(suffixes))


def _glob_root(pattern: str) -> Path:
    """The folder part of a pattern before its first wildcard."""
    parts = Path(pattern).parts
    fixed = []
    for part in parts:
        if _GLOB_CHARS.intersection(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def plain_name(path: Path) -> str:
    """A file named directly: its path made relative, without ``..``."""
    parts = [p for p in path.parts if p not in ("..", ".") and p != path.anchor]
    return "/".join(parts) or path.name


def _read(path: Path) -> Document:
    name = str(path)
    try:
        data = _bytes(path)
    except FileNotFoundError:
        return Document(name, error=SourceError(name, f"no such file{add_scheme_hint(name)}"))
    except IsADirectoryError:
        return Document(name, error=SourceError(name, "is a directory"))
    except OSError as exc:
        return Document(name, error=SourceError(name, f"cannot read: {exc.strerror or exc}"))
    if isinstance(data, str):
        return Document(name, error=SourceError(name, data))
    return Document(name, data, kind_of(path))


def _bytes(path: Path) -> bytes | str:
    """The file's bytes, or why it is not read: a device (``/dev/zero`` never ends, a terminal
    waits), a socket, or a named pipe that nothing writes to (``<(command)`` is read)."""
    mode = path.stat().st_mode
    if stat.S_ISFIFO(mode):
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb", buffering=0) as pipe:
            try:
                first = pipe.read(1)
            except BlockingIOError:  # a writer holds it open and has not written yet
                first = b""
            else:
                if first == b"":
                    return "FIFO with no writer: nothing has this named pipe open for writing"
            os.set_blocking(fd, True)
            return (first or b"") + pipe.readall()
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return f"not a regular file: {special(mode)}"
    return path.read_bytes()
