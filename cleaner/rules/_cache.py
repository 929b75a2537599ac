"""Loaded and compiled rules kept on disk, so a run does not read, check and compile them again.

Two kinds of entry, each a file named by the digest of everything it depends on:

* ``rules-<key>``: the rules loaded from files and folders and selected (languages, disabled
  ids); the key covers every file under each folder (its path and bytes), the options, the
  rule objects given directly, and the code and libraries (see :func:`_environment`);
* ``engine-<key>``: the compiled :class:`RuleEngine` of a tuple of rules (the Aho-Corasick
  automata, the patterns' triggers); RE2 programs are not stored, they are compiled when a
  document first needs them.

A file is written whole to a temporary name and renamed into place, so a reader sees an old
file or a new one, never half of one; two processes writing the same entry leave one valid file.
A file that is unreadable, truncated, corrupt or not ours is ignored with one warning on stderr
and rebuilt; one that cannot be written costs the next run the compilation, with one warning.
Nothing is shared between versions: the key covers the package's own source code. The rules a
cache gives back are equal, field for field, to the ones loaded from the files.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from ._rule import Rule

CACHE_ENV = "CLEANER_CACHE_DIR"
"""Where the cache lives instead of the user's cache folder."""
FORMAT = 1
_MAGIC = b"cleaner rule cache %d\n" % FORMAT
_KEEP = 16
"""Entries kept in the folder: older ones (other versions, edited rules) are removed."""

T = TypeVar("T")
_WARNED: set[Path] = set()


def default_cache_dir() -> Path:
    """``$CLEANER_CACHE_DIR``, else the user's cache folder (Linux: ``~/.cache/cleaner/rules``)."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen)
    import platformdirs

    return Path(platformdirs.user_cache_dir("cleaner", appauthor=False)) / "rules"


class RuleCache:
    """Reads and writes the entries of one cache folder (created when first written)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else default_cache_dir()

    def rules(self, sources: Sequence[str | Path | Rule], languages: Iterable[str] | None,
              disable: Iterable[str], build: Callable[[], tuple[Rule, ...]]) -> tuple[Rule, ...]:
        """The rules ``build`` gives for these sources and options, from the cache when it
        holds them. A source that is not there leaves the cache out (``build`` says what is
        wrong)."""
        key = _sources_key(sources, languages, disable)
        if key is None or all(isinstance(s, Rule) for s in sources):  # nothing to read
            return build()
        return self._entry("rules", key, build)

    def engine(self, rules: Sequence[Rule], build: Callable[[], T]) -> T:
        """The engine ``build`` compiles from ``rules``, from the cache when it holds it."""
        return self._entry("engine", _digest([_environment(), *map(_rule_form, rules)]), build)

    def _entry(self, kind: str, key: str, build: Callable[[], T]) -> T:
        path = self.folder / f"{kind}-{key}"
        found = self._read(path, key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        value = build()
        self._write(path, key, value)
        return value

    def _read(self, path: Path, key: str) -> Any:
        try:
            data = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            self._warn(f"cannot read the rule cache {path} ({exc.strerror or exc}); "
                       "using the rule files")
            return None
        problem, value = _decode(data, key)
        if problem:
            self._warn(f"ignoring the rule cache {path} ({problem}); "
                       "rebuilding it from the rule files")
        return value

    def _write(self, path: Path, key: str, value: object) -> None:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        data = _MAGIC + key.encode() + b"\n" + hashlib.sha256(payload).hexdigest().encode() + b"\n"
        import tempfile  # only a run that writes the cache needs it

        tmp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=self.folder)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.write(payload)
            os.replace(tmp, path)
            tmp = None
        except OSError as exc:
            self._warn(f"cannot write the rule cache in {self.folder} ({exc.strerror or exc}); "
                  "the rules are compiled again on every run")
        finally:
            if tmp is not None:
                _remove(Path(tmp))
        self._prune()

    def _warn(self, message: str) -> None:
        """One line on stderr, once per process and folder: a run whose cache is bad or
        unwritable says so once, not for each entry or each ``Cleaner``."""
        if self.folder not in _WARNED:
            _WARNED.add(self.folder)
            print(f"cleaner: warning: {message}", file=sys.stderr)

    def _prune(self) -> None:
        """Keep the newest ``_KEEP`` entries (stale temporary files go too)."""
        try:
            entries = sorted(self.folder.iterdir(), key=_mtime, reverse=True)
        except OSError:
            return
        entries = [p for p in entries if p.name.startswith(("rules-", "engine-"))]
        hour_ago = time.time() - 3600  # another process may be writing a newer temporary file
        stale = [p for p in entries if p.name.endswith(".tmp") and _mtime(p) < hour_ago]
        kept = [p for p in entries if not p.name.endswith(".tmp")]
        for path in kept[_KEEP:] + stale:
            _remove(path)


def _decode(data: bytes, key: str) -> tuple[str | None, Any]:
    """(what is wrong, None) or (None, the value) for one entry's bytes."""
    if not data.startswith(_MAGIC):
        return "not a cache file of this cleaner", None
    header_end = len(_MAGIC) + 64 + 1 + 64 + 1
    header = data[len(_MAGIC):header_end].decode("ascii", "replace").split("\n")
    if len(header) < 2 or header[0] != key:
        return "written for other rules or another version", None
    payload = data[header_end:]
    if hashlib.sha256(payload).hexdigest() != header[1]:
        return "truncated or corrupt", None
    try:
        return None, pickle.loads(payload)
    except Exception as exc:  # noqa: BLE001 (a damaged pickle can raise almost anything)
        return f"unreadable: {type(exc).__name__}", None


def _sources_key(sources: Sequence[str | Path | Rule], languages: Iterable[str] | None,
                 disable: Iterable[str]) -> str | None:
    parts: list[str] = [_environment()]
    for source in sources:
        if isinstance(source, Rule):
            parts.append(_rule_form(source))
            continue
        files = _files_under(Path(source))
        if files is None:
            return None
        parts.append(f"source {source}")
        parts.extend(files)
    parts.append(f"languages {sorted(languages) if languages is not None else None}")
    parts.append(f"disable {sorted(disable)}")
    return _digest(parts)


def _files_under(path: Path) -> list[str] | None:
    """``"<file> <sha256>"`` for the file, or for every file under the folder (sub-folders too:
    a vocabulary a rule file refers to counts); None when the path cannot be read."""
    try:
        if path.is_file():
            found = [path]
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file())
        else:
            return None
        return [f"{p} {hashlib.sha256(p.read_bytes()).hexdigest()}" for p in found]
    except OSError:
        return None


@lru_cache(maxsize=1)
def _environment() -> str:
    """What else compiled rules depend on: this format, Python, the package's own code, and the
    compiled libraries whose objects are stored (by their files' size and time)."""
    import ahocorasick
    import re2

    package = Path(__file__).resolve().parents[1]
    code = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        code.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    libraries = []
    for module in (ahocorasick, re2, re2._re2):
        stat = os.stat(module.__file__ or "")
        libraries.append(f"{module.__name__}:{stat.st_size}:{stat.st_mtime_ns}")
    return f"format {FORMAT} python {sys.version} code {code.hexdigest()} {' '.join(libraries)}"


def _rule_form(rule: Rule) -> str:
    """A rule as text, the same in every process for the same rule (its one set sorted): two
    rules with the same text compile alike. (A set inside ``params``, which TOML cannot give,
    may print in another order in another process: a cache miss, never a wrong hit.)"""
    values = map(rule.__getattribute__, _FIELDS)
    return repr([sorted(v) if isinstance(v, frozenset) else v for v in values])


_FIELDS = tuple(f.name for f in fields(Rule))


def _digest(parts: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
