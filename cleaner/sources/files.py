"""Files, folders of files and stdin."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from .._errors import SourceError
from ._document import Document, Kind

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})


def kind_of(path: Path) -> Kind:
    return "html" if path.suffix.lower() in HTML_SUFFIXES else "text"


def iter_paths(sources: Iterable[str]) -> Iterator[Document]:
    """Documents for each source: ``-`` (stdin), a file, or a folder (its text/HTML files, sorted)."""
    for source in sources:
        if source == "-":
            yield Document("<stdin>", sys.stdin.buffer.read())
            continue
        path = Path(source)
        if path.is_dir():
            yield from _folder(path)
        else:
            yield _read(path)


def _folder(folder: Path) -> Iterator[Document]:
    wanted = TEXT_SUFFIXES | HTML_SUFFIXES
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in wanted)
    if not files:
        yield Document(str(folder), error=SourceError(str(folder), "folder holds no .txt or .html files"))
    for path in files:
        yield _read(path)


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
