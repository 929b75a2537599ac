"""Walking a folder tree: symlinks to folders are followed at most once per real folder (so a
loop ends and each file comes once), a folder that cannot be read and an entry that is not a
regular file (a FIFO, a device, a socket, a broken link) are reported instead of passed over.
Memory grows with the number of real folders, never with the number of paths a loop makes."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing found below the root: ``rel`` is its path below it (``/``-separated);
    ``problem`` says why it is not a readable file (None for a regular file)."""

    path: Path
    rel: str
    problem: str | None = None


def walk(root: Path, keep: Callable[[str], bool],
         descend: Callable[[str], bool]) -> Iterator[Entry]:
    """Entries below ``root`` whose relative path ``keep`` accepts, in the order of their sorted
    paths; a folder is entered when ``descend`` accepts its relative path (the root always is).
    Unreadable folders are entries with a problem whatever ``keep`` says."""
    seen: set[tuple[int, int]] = set()
    stack: list[Iterator[tuple[os.DirEntry[str], str]] | Entry] = [_listing(root, "", seen)]
    while stack:
        top = stack[-1]
        if isinstance(top, Entry):
            stack.pop()
            yield top
            continue
        item = next(top, None)
        if item is None:
            stack.pop()
            continue
        entry, rel = item
        kind = _kind(entry)
        if kind == "folder":
            if descend(rel):
                stack.append(_listing(Path(entry.path), rel, seen))
        elif keep(rel):
            problem = None if kind == "file" else f"not a regular file: {kind}"
            yield Entry(Path(entry.path), rel, problem)


def _listing(folder: Path, rel: str, seen: set[tuple[int, int]]
             ) -> Iterator[tuple[os.DirEntry[str], str]] | Entry:
    """The sorted entries of a folder not walked yet (none for one already walked), or an
    entry saying why it cannot be read."""
    try:
        info = folder.stat()
        if (info.st_dev, info.st_ino) in seen:
            return iter(())  # a symlink loop, or a second way to a folder already walked
        seen.add((info.st_dev, info.st_ino))
        with os.scandir(folder) as listing:
            names = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        return Entry(folder, rel or ".", f"cannot read folder: {exc.strerror or exc}")
    return ((e, f"{rel}/{e.name}" if rel else e.name) for e in names)


def _kind(item: os.DirEntry[str]) -> str:
    """``file``, ``folder`` or what else the entry is (after following a symlink)."""
    try:
        mode = item.stat(follow_symlinks=True).st_mode
    except FileNotFoundError:
        return "broken symbolic link"
    except OSError as exc:
        return f"cannot be examined ({exc.strerror or exc})"
    return "folder" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else special(mode)


def special(mode: int) -> str:
    """What a file that is neither a regular file nor a folder is."""
    for test, name in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "an unknown kind of file"


class Pattern:
    """A glob pattern below its fixed root, matched one path segment at a time; ``**`` matches
    any number of folders (none included). As :func:`glob.glob`, wildcards do not match names
    that start with a dot unless the pattern segment does."""

    def __init__(self, segments: list[str]) -> None:
        self.segments = tuple(segments)
        self.deep = "**" in segments

    def matches(self, rel: str) -> bool:
        return _match(self.segments, tuple(rel.split("/")))

    def may_hold(self, rel: str) -> bool:
        """Whether a folder at ``rel`` may hold a match."""
        parts = tuple(rel.split("/"))
        if self.deep:
            return _prefix(self.segments, parts)
        return len(parts) < len(self.segments) and all(
            _segment(s, p) for s, p in zip(self.segments, parts, strict=False))


def _prefix(segments: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    if not parts:
        return True
    if not segments:
        return False
    if segments[0] == "**":
        return not parts[0].startswith(".") and (
            _prefix(segments, parts[1:]) or _prefix(segments[1:], parts))
    return _segment(segments[0], parts[0]) and _prefix(segments[1:], parts[1:])


def _match(segments: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    if not segments:
        return not parts
    if segments[0] == "**":
        if _match(segments[1:], parts):
            return True
        return bool(parts) and not parts[0].startswith(".") and _match(segments, parts[1:])
    return bool(parts) and _segment(segments[0], parts[0]) and _match(segments[1:], parts[1:])


def _segment(pattern: str, name: str) -> bool:
    if name.startswith(".") and not pattern.startswith("."):
        return False
    return _compiled(pattern).fullmatch(name) is not None


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(pattern))
