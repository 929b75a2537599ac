"""The exception tree. Every error the library raises on purpose derives from one root::

    CleanerError
    ├── RuleError        a rule file or rule is malformed (names file, line, rule id, field)
    ├── SourceError      an input cannot be read or decoded (names the file / URL / line)
    │   └── FetchError   a URL could not be fetched (names the URL, stage and reason)
    └── CleanTimeout     one document exceeded its time limit
"""

from __future__ import annotations

from typing import Any


class CleanerError(Exception):
    """Root of every error raised by :mod:`cleaner`."""


class RuleError(CleanerError):
    """A rule file or a single rule is malformed."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        rule_id: str | None = None,
        field: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.rule_id = rule_id
        self.field = field
        self.reason = message
        where = []
        if path:
            where.append(f"{path}:{line}" if line else path)
        if rule_id:
            where.append(f"rule {rule_id!r}")
        if field:
            where.append(f"field {field!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rule_error, (self.reason, self.path, self.line, self.rule_id, self.field))


class SourceError(CleanerError):
    """An input (file, record, URL body) cannot be read or decoded."""

    def __init__(self, source: str, message: str) -> None:
        self.source = source
        self.reason = message
        super().__init__(f"{source}: {message}")

    def __reduce__(self) -> tuple[Any, ...]:  # picklable: batches send errors between processes
        return (type(self), (self.source, self.reason))


class FetchError(SourceError):
    """A URL could not be fetched. ``stage`` is one of url (not a URL that can be fetched),
    robots, connect (no connection made), read (connected, the answer did not come), http, size,
    type, decode, clean, internal (an unforeseen failure)."""

    def __init__(
        self, url: str, stage: str, message: str, *, status: int | None = None
    ) -> None:
        self.url = url
        self.stage = stage
        self.status = status
        self.detail = message
        super().__init__(url, f"{stage}: {message}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_fetch_error, (self.url, self.stage, self.detail, self.status))


class CleanTimeout(CleanerError):
    """Cleaning one document took longer than its time limit."""


def _fetch_error(url: str, stage: str, message: str, status: int | None) -> FetchError:
    return FetchError(url, stage, message, status=status)


def _rule_error(message: str, path: str | None, line: int | None, rule_id: str | None,
                field: str | None) -> RuleError:
    return RuleError(message, path=path, line=line, rule_id=rule_id, field=field)
