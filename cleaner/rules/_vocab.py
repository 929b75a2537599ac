"""Shared vocabularies: word lists declared once in ``vocab.toml`` and named in rule patterns.

A rule's pattern (or one of its phrases) names a vocabulary as ``{{name}}``; the loader replaces
the reference by an alternation of the vocabulary's words, each matched literally (white space
inside a word matches any white space), longest first. So a list of month names, wire agencies
or social networks is written once, in words, and every rule that needs it says so by name.

    [months-en]
    description = "English month names and their usual abbreviations"
    words = ["january", "jan", "february", "feb"]

The shipped ``rules/vocab.toml`` is always available; a rule folder may add its own
``vocab.toml`` (a name may be declared only once).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .._errors import RuleError

VOCAB_FILE = "vocab.toml"
REFERENCE = re.compile(r"\{\{\s*([a-z0-9][a-z0-9_-]*)\s*\}\}")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_FIELDS = frozenset({"description", "words"})


@dataclass(frozen=True, slots=True)
class Vocabulary:
    name: str
    description: str
    words: tuple[str, ...]
    path: str
    line: int | None = None

    @property
    def alternation(self) -> str:
        """The words as one non-capturing RE2 group, longest first."""
        literals = sorted({_literal(w) for w in self.words}, key=lambda s: (-len(s), s))
        return "(?:" + "|".join(literals) + ")"


def _literal(word: str) -> str:
    return r"\s+".join(re.escape(part) for part in word.split())


def load_vocab_file(path: Path) -> list[Vocabulary]:
    """Every vocabulary in one file; a problem is a RuleError naming file, line and field."""
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        line = int(found.group(1)) if found else None
        raise RuleError(f"invalid TOML: {exc}", path=str(path), line=line) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read vocabulary file: {exc}", path=str(path)) from exc
    lines = _header_lines(raw.decode("utf-8"))
    return [_vocabulary(name, table, str(path), lines.get(name)) for name, table in data.items()]


def _header_lines(text: str) -> dict[str, int]:
    found = (re.match(r"\s*\[\s*([^\]\s]+)\s*\]", line) for line in text.splitlines())
    return {m.group(1).strip("\"'"): n for n, m in enumerate(found, 1) if m}


def _vocabulary(name: str, table: object, path: str, line: int | None) -> Vocabulary:
    def error(field: str, message: str) -> RuleError:
        return RuleError(message, path=path, line=line, field=f"{name}.{field}")

    if not _NAME.match(name):
        raise error("name", "a vocabulary name is lowercase letters, digits, - and _")
    if not isinstance(table, dict):
        raise error("name", f"must be a table ([{name}]) with 'description' and 'words'")
    unknown = set(table) - _FIELDS
    if unknown:
        raise error(sorted(unknown)[0], "unknown field")
    description, words = table.get("description"), table.get("words")
    if not isinstance(description, str) or not description.strip():
        raise error("description", "required, must be a non-empty string")
    if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
        raise error("words", "required, must be a non-empty list of strings")
    blank = [w for w in words if not any(ch.isalnum() for ch in w)]
    if blank:
        raise error("words", f"word {blank[0]!r} has no letters or digits")
    return Vocabulary(name, description, tuple(w.lower() for w in words), path, line)


def load_vocabularies(files: Iterable[Path]) -> dict[str, Vocabulary]:
    """The vocabularies of ``files`` (each read once), a name declared twice being an error."""
    out: dict[str, Vocabulary] = {}
    for path in dict.fromkeys(p.resolve() for p in files):
        for vocab in load_vocab_file(path):
            first = out.get(vocab.name)
            if first is not None:
                raise RuleError(
                    f"vocabulary {vocab.name!r} is already declared in {first.path}",
                    path=vocab.path,
                    line=vocab.line,
                    field=vocab.name,
                )
            out[vocab.name] = vocab
    return out


def expand(text: str, vocabularies: Mapping[str, Vocabulary]) -> str:
    """``text`` with every ``{{name}}`` replaced by that vocabulary's alternation.

    Raises KeyError with the first unknown name."""

    def replace(match: re.Match[str]) -> str:
        return vocabularies[match.group(1)].alternation

    return REFERENCE.sub(replace, text)


def unknown_names(text: str, vocabularies: Mapping[str, Vocabulary]) -> list[str]:
    return [name for name in REFERENCE.findall(text) if name not in vocabularies]
