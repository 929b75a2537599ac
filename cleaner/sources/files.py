"""Files, folders of files (recursive), glob patterns and stdin."""

from __future__ import annotations

import glob
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .._errors import SourceError
from ._document import Document, Kind

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
        files = sorted(p for p in path.rglob("*") if p.is_file() and has_suffix(p, suffixes))
        if not files:
            yield Found(None, source, SourceError(source, f"folder holds no {_names(suffixes)} files"))
        for file in files:
            yield Found(file, file.relative_to(path).as_posix())
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


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def _plain(path: Path) -> str:
    """A file named directly: its path made relative, without ``..``."""
    parts = [p for p in path.parts if p not in ("..", ".") and p != path.anchor]
    return "/".join(parts) or path.name


def _read(path: Path) -> Document:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Document(str(path), error=SourceError(str(path), "no such file"))
    except IsADirectoryError:
        return Document(str(path), error=SourceError(str(path), "is a directory"))
    except OSError as exc:
        return Document(str(path), error=SourceError(str(path), f"cannot read: {exc.strerror}"))
    return Document(str(path), data, kind_of(path))
