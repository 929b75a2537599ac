"""Files, folders of files (recursive), glob patterns and stdin.

A folder gives every file below it, sorted, except hidden ones (a name starting with ``.``: a
``.git`` folder, ``.DS_Store``), which are named as left out rather than read. What each file
holds is told by its content (:mod:`.sniff`), not by its name.
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .._errors import SourceError
from ._document import Document, Kind
from .sniff import HEAD_BYTES, gunzip, sniff

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
        found = sorted(_walk(path), key=lambda f: f.path or path)
        if not found:
            yield Found(None, source, SourceError(source, "folder holds no files"))
        yield from found
        return
    if _GLOB_CHARS.intersection(source) and not path.exists():
        matches = sorted(Path(m) for m in glob.glob(source, recursive=True) if Path(m).is_file())
        if not matches:
            yield Found(None, source, SourceError(source, "pattern matches no files"))
        root = _glob_root(source)
        for match in matches:
            yield Found(match, _relative(match, root))
        return
    yield Found(path, _plain(path))


def _walk(root: Path) -> Iterator[Found]:
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        for name in dirs:
            if name.startswith("."):
                yield _found(here / name, root, hidden=True)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            yield _found(here / name, root, hidden=name.startswith("."))


def _found(path: Path, root: Path, hidden: bool) -> Found:
    return Found(path, path.relative_to(root).as_posix(), walked=True, hidden=hidden)


def has_suffix(path: Path, suffixes: Iterable[str]) -> bool:
    name = path.name.lower()
    return any(name.endswith(suffix) for suffix in suffixes)


def root_name(source: str) -> str:
    """The path a folder or a pattern's fixed part is named by, made relative (``../col/a/``
    -> ``col/a``); empty for a file, whose own name holds its path already."""
    path = Path(source)
    if path.is_dir():
        return _plain(path)
    if _GLOB_CHARS.intersection(source) and not path.exists():
        return _plain(_glob_root(source))
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


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def _plain(path: Path) -> str:
    """A file named directly: its path made relative, without ``..``."""
    parts = [p for p in path.parts if p not in ("..", ".") and p != path.anchor]
    return "/".join(parts) or path.name or ""


def _read(path: Path, kind: Kind | None = None) -> Document:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Document(str(path), error=SourceError(str(path), "no such file"))
    except IsADirectoryError:
        return Document(str(path), error=SourceError(str(path), "is a directory"))
    except OSError as exc:
        return Document(str(path), error=SourceError(str(path), f"cannot read: {exc.strerror}"))
    return document_of(str(path), data, kind or ("html" if named_html(path) else None))
