"""Files, folders of files (recursive), glob patterns and stdin.

A folder gives every file below it, sorted, except hidden ones (a name starting with ``.``: a
``.git`` folder, ``.DS_Store``), which are named as left out rather than read. What each file
holds is told by its content (:mod:`.sniff`), not by its name.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .._errors import SourceError
from ._document import Document, Kind
from ._walk import Entry, Pattern, special, walk
from .sniff import HEAD_BYTES, gunzip, sniff
from .urls import add_scheme_hint

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_GLOB_CHARS = frozenset("*?[")


def named_html(path: Path | str) -> bool:
    """Whether the name says HTML (``.html``, ``.htm``, ... also under ``.gz``): such a file is
    HTML even when it starts with text (a fragment)."""
    return Path(str(path).lower().removesuffix(".gz")).suffix in HTML_SUFFIXES


def document_of(source: str, data: bytes, kind: Kind | None = None) -> Document:
    """One document from its bytes: gzip undone, and HTML told from text by its content unless
    ``kind`` says which."""
    found = sniff(data[:HEAD_BYTES])
    if found.gzip:
        try:
            data = gunzip(data, source)
        except SourceError as exc:
            return Document(source, error=exc)
    return Document(source, data, kind or ("html" if found.kind == "html" else "text"))


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file found on disk, not yet read; ``rel`` is its path below the folder it was found in."""

    path: str
    rel: str
    kind: Kind | None = None
    """HTML or text as ``--input-format`` says; ``None``: as the content (or an HTML name) says."""

    @property
    def source(self) -> str:
        return self.path

    def load(self) -> Document:
        return _read(Path(self.path), self.kind)


@dataclass(frozen=True, slots=True)
class Found:
    """One thing a source argument named: a file (``path``) or an error (``error``); ``rel`` is
    its path below the folder or pattern root it was found under (or its own, made relative)."""

    path: Path | None
    rel: str
    error: SourceError | None = None
    walked: bool = False
    """Found by walking a folder (not named by the user)."""
    hidden: bool = False
    """A hidden file or folder met while walking, left out (``path`` names it)."""


def iter_paths(sources: Iterable[str]) -> Iterator[Document]:
    """Documents for each source: ``-`` (stdin), a file, a folder (its text/HTML files, sorted,
    recursively) or a glob pattern (``data/**/*.html``)."""
    for source in sources:
        if source == "-":
            yield document_of("<stdin>", sys.stdin.buffer.read())
            continue
        for found in expand(source):
            if found.error is not None:
                yield Document(found.error.source, error=found.error)
            elif found.path is not None and not found.hidden:
                yield _read(found.path)


def expand(source: str) -> Iterator[Found]:
    """The files one argument names. A folder gives every file below it, sorted, and its hidden
    files and folders as ``hidden`` (not descended into); a pattern gives its sorted matches;
    anything else is taken as a file (a missing one fails when it is read)."""
    path = Path(source)
    if path.is_dir():
        hidden: list[str] = []
        yield from _found(walk(path, _always, _visible(hidden)), source, "folder holds no files",
                          walked=True)
        yield from (Found(path / rel, rel, walked=True, hidden=True) for rel in hidden)
        return
    if _GLOB_CHARS.intersection(source) and not path.exists():
        root = _glob_root(source)
        pattern = Pattern(list(Path(source).parts[len(root.parts):]))
        entries = walk(root, pattern.matches, pattern.may_hold) if root.is_dir() else iter(())
        yield from _found(entries, source, "pattern matches no files")
        return
    yield Found(path, plain_name(path))


def _found(entries: Iterator[Entry], source: str, empty: str,
           walked: bool = False) -> Iterator[Found]:
    """Files as found, problems as errors naming the entry; ``empty`` when there was nothing.
    A hidden file met while walking a folder is marked ``hidden``."""
    count = 0
    for entry in entries:
        count += 1
        if entry.problem is None:
            yield Found(entry.path, entry.rel, walked=walked,
                        hidden=walked and entry.path.name.startswith("."))
        else:
            yield Found(None, entry.rel, SourceError(str(entry.path), entry.problem),
                        walked=walked)
    if not count:
        yield Found(None, source, SourceError(source, empty))


def _always(_rel: str) -> bool:
    return True


def _visible(hidden: list[str]) -> Callable[[str], bool]:
    """Whether to enter a folder: not a hidden one (``.git``), which is noted in ``hidden``."""
    def descend(rel: str) -> bool:
        if rel.rsplit("/", 1)[-1].startswith("."):
            hidden.append(rel)
            return False
        return True
    return descend


def has_suffix(path: Path, suffixes: Iterable[str]) -> bool:
    name = path.name.lower()
    return any(name.endswith(suffix) for suffix in suffixes)


def root_name(source: str) -> str:
    """The path a folder or a pattern's fixed part is named by, made relative (``../col/a/``
    -> ``col/a``); empty for a file, whose own name holds its path already."""
    path = Path(source)
    if path.is_dir():
        return plain_name(path)
    if _GLOB_CHARS.intersection(source) and not path.exists():
        return plain_name(_glob_root(source))
    return ""


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
    return "/".join(parts) or path.name or ""


def _read(path: Path, kind: Kind | None = None) -> Document:
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
    return document_of(name, data, kind or ("html" if named_html(path) else None))


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
