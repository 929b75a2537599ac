"""Reading rule files (TOML and adblock-style ``.txt``) into validated :class:`Rule` objects."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .._errors import RuleError
from ._adblock import parse_adblock_file
from ._detectors import DETECTOR_NAMES as DETECTORS
from ._match import check_pattern
from ._params import param_problem
from ._rule import Rule
from ._select import check_selectors
from ._vocab import REFERENCE, VOCAB_FILE, Vocabulary, expand, load_vocabularies, unknown_names

BLOCK_KINDS = frozenset({"p", "h", "li", "quote", "pre", "table"})
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$")
_FIELDS = frozenset(
    {
        "id", "category", "description", "languages", "phrases", "pattern", "selectors",
        "detector", "params", "match", "where", "window", "max_words", "kinds", "action",
        "run_max", "domains", "examples", "exceptions", "priority",
    }
)


def default_rules_dir() -> Path:
    """The shipped rules: inside the installed wheel, or the source tree's ``rules/``."""
    packaged = Path(__file__).resolve().parents[1] / "_default_rules"  # the package's folder
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"


def load_rules(*paths: str | Path) -> list[Rule]:
    """Load rules from files or folders (``*.toml`` and adblock ``*.txt``), in a stable order.

    Raises :class:`RuleError` naming the file, line, rule id and field of the first problem,
    and on duplicate ids across everything loaded.
    """
    rules: list[Rule] = []
    vocab = load_vocabularies(_vocab_files(paths))
    for path in _rule_files(paths):
        if path.suffix == ".txt":
            rules.extend(parse_adblock_file(path))
        else:
            rules.extend(_load_toml(path, vocab))
    check_unique(rules)
    return rules


def _rule_files(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".toml", ".txt")
                                and p.name != VOCAB_FILE))
        elif path.is_file():
            if path.name != VOCAB_FILE:  # vocabularies are read by _vocab_files
                files.append(path)
        else:
            raise RuleError("no such rule file or folder", path=str(path))
    return files


def check_unique(rules: Iterable[Rule]) -> None:
    """A RuleError naming both places when two rules share an id."""
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            first = seen[rule.id]
            raise RuleError(
                f"duplicate rule id (first defined in {first.path}:{first.line})",
                path=rule.path, line=rule.line, rule_id=rule.id, field="id",
            )
        seen[rule.id] = rule


def _vocab_files(paths: Iterable[str | Path]) -> list[Path]:
    """The shipped vocabularies, then those of the folders (or ``vocab.toml`` files) given."""
    candidates = [default_rules_dir() / VOCAB_FILE]
    for raw in paths:
        path = Path(raw)
        candidates.append(path / VOCAB_FILE if path.is_dir() else path)
    return [p for p in candidates if p.name == VOCAB_FILE and p.is_file()]


def _load_toml(path: Path, vocab: Mapping[str, Vocabulary]) -> list[Rule]:
    import tomllib  # here, not at the top: a run whose rules come from the cache never needs it

    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RuleError(f"not UTF-8 text ({exc.reason})", path=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc))
        raise RuleError(f"invalid TOML: {exc}", path=str(path), line=line) from exc
    except OSError as exc:
        raise RuleError(f"cannot read: {exc.strerror}", path=str(path)) from exc
    unknown = set(data) - {"rule"}
    if unknown:
        raise RuleError(f"unknown top-level key(s) {sorted(unknown)}; use [[rule]] tables", path=str(path))
    tables = data.get("rule", [])
    if not isinstance(tables, list):
        raise RuleError("'rule' must be an array of tables ([[rule]])", path=str(path))
    lines = _rule_header_lines(raw.decode("utf-8"))
    return [
        _build_rule(table, str(path), lines[i] if i < len(lines) else None, vocab)
        for i, table in enumerate(tables)
    ]


def _toml_error_line(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


def _rule_header_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if line.strip().startswith("[[rule]]")]


def _build_rule(table: Any, path: str, line: int | None,
                vocab: Mapping[str, Vocabulary] | None = None) -> Rule:
    if not isinstance(table, dict):
        raise RuleError("each [[rule]] must be a table", path=path, line=line)
    get = _FieldReader(table, path, line)
    rule_id = get.string("id")
    get.rule_id = rule_id
    if not _ID_RE.match(rule_id):
        raise get.error("id", "must look like 'category.name' (lowercase letters, digits, - _ .)")
    unknown = set(table) - _FIELDS
    if unknown:
        raise get.error(sorted(unknown)[0], "unknown field")
    category = get.string("category")
    if rule_id.split(".", 1)[0] not in (category, "site"):  # site.<domain>.<n>: learned rules
        raise get.error("category", f"must be the id's first part ({rule_id.split('.', 1)[0]!r})")
    examples = table.get("examples", {})
    if not isinstance(examples, dict):
        raise get.error("examples", "must be a table with 'drop' and 'keep' lists")
    pattern_source = get.optional_string("pattern")
    rule = Rule(
        id=rule_id,
        category=category,
        description=get.string("description"),
        languages=get.strings("languages", required=True),
        phrases=_phrases(get, vocab or {}),
        pattern=_expanded(get, "pattern", pattern_source, vocab or {}),
        pattern_source=pattern_source if pattern_source and REFERENCE.search(pattern_source) else None,
        priority=get.integer("priority", 0, low=-1000),
        selectors=get.strings("selectors"),
        detector=get.choice("detector", DETECTORS, None),
        params=get.table("params"),
        match=get.choice("match", {"contains", "start", "whole"}, "contains"),
        where=get.choice("where", {"anywhere", "head", "tail"}, "anywhere"),
        window=get.integer("window", 6, low=1),
        max_words=get.integer("max_words", 40, low=0),
        kinds=_kinds(get),
        action=get.choice("action", {"drop", "drop-run"}, "drop"),
        run_max=get.integer("run_max", 15, low=1),
        domains=get.strings("domains"),
        exceptions=get.strings("exceptions"),
        examples_drop=_example_list(get, examples, "drop"),
        examples_keep=_example_list(get, examples, "keep"),
        path=path,
        line=line,
    )
    _check_matchers(rule, get)
    bad_param = param_problem(rule.detector, rule.params)
    if bad_param:
        raise get.error(f"params.{bad_param[0]}", bad_param[1])
    return rule


def _expanded(get: _FieldReader, name: str, text: str | None,
              vocab: Mapping[str, Vocabulary]) -> str | None:
    """``text`` with its ``{{vocabulary}}`` references spelled out; an unknown one is an error."""
    if text is None:
        return None
    unknown = unknown_names(text, vocab)
    if unknown:
        known = ", ".join(sorted(vocab)) or "none"
        raise get.error(name, f"unknown vocabulary {{{{{unknown[0]}}}}} (known: {known})")
    return expand(text, vocab)


def _phrases(get: _FieldReader, vocab: Mapping[str, Vocabulary]) -> tuple[str, ...]:
    """The phrases; a phrase that is only ``{{name}}`` stands for each word of that vocabulary."""
    out: list[str] = []
    for phrase in get.strings("phrases"):
        whole = REFERENCE.fullmatch(phrase.strip())
        if whole and whole.group(1) in vocab:
            out.extend(vocab[whole.group(1)].words)
        elif REFERENCE.search(phrase):
            _expanded(get, "phrases", phrase, vocab)  # an unknown name: the error names it
            raise get.error("phrases", f"a phrase names a vocabulary only alone: {phrase!r}")
        else:
            out.append(phrase)
    return tuple(out)


def _kinds(get: _FieldReader) -> frozenset[str] | None:
    kinds = get.strings("kinds")
    if not kinds:
        return None
    bad = set(kinds) - BLOCK_KINDS
    if bad:
        raise get.error("kinds", f"unknown block kind(s) {sorted(bad)}; use {sorted(BLOCK_KINDS)}")
    return frozenset(kinds)


def _example_list(get: _FieldReader, examples: dict[str, Any], key: str) -> tuple[str, ...]:
    value = examples.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise get.error(f"examples.{key}", "must be a list of strings")
    return tuple(value)


def _check_matchers(rule: Rule, get: _FieldReader) -> None:
    if not (rule.phrases or rule.pattern or rule.selectors or rule.detector):
        raise get.error("phrases", "a rule needs phrases, a pattern, selectors or a detector")
    for phrase in rule.phrases:
        if not any(ch.isalnum() for ch in phrase):
            if rule.match != "whole" or not phrase.strip():
                raise get.error("phrases", f"phrase {phrase!r} has no letters or digits")
    if rule.pattern is not None:
        problem = check_pattern(rule.pattern)
        if problem:
            raise get.error("pattern", problem)
    if rule.selectors:
        problem = check_selectors(rule.selectors)
        if problem:
            raise get.error("selectors", problem)


class _FieldReader:
    """Typed access to one rule table; errors name the file, line, rule id and field."""

    def __init__(self, table: dict[str, Any], path: str, line: int | None) -> None:
        self._data = table
        self.path = path
        self.line = line
        self.rule_id: str | None = None

    def error(self, name: str, message: str) -> RuleError:
        return RuleError(message, path=self.path, line=self.line, rule_id=self.rule_id, field=name)

    def string(self, name: str) -> str:
        value = self._data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.error(name, "required, must be a non-empty string")
        return value

    def optional_string(self, name: str) -> str | None:
        value = self._data.get(name)
        if value is not None and not isinstance(value, str):
            raise self.error(name, "must be a string")
        return value

    def strings(self, name: str, required: bool = False) -> tuple[str, ...]:
        value = self._data.get(name, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(name, "must be a list of strings")
        if required and not value:
            raise self.error(name, "required, must be a non-empty list")
        return tuple(value)

    def choice(self, name: str, allowed: Iterable[str], default: str | None) -> Any:
        value = self._data.get(name, default)
        if value is not None and value not in allowed:
            raise self.error(name, f"must be one of {sorted(allowed)}, not {value!r}")
        return value

    def integer(self, name: str, default: int, low: int) -> int:
        value = self._data.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise self.error(name, f"must be an integer >= {low}")
        return value

    def table(self, name: str) -> dict[str, Any]:
        value = self._data.get(name, {})
        if not isinstance(value, dict):
            raise self.error(name, "must be a table")
        return value
