"""End-of-run numbers: documents, bytes, removals by rule and by category, errors by kind.

Timings and the host name live here, never in the records, so records stay byte-for-byte
reproducible.
"""

from __future__ import annotations

import platform
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .._errors import CleanerError, CleanTimeout, FetchError, SourceError
from .._pipeline import Result


@dataclass(slots=True)
class Tally:
    """The numbers that add up over results: a run's :class:`Stats` keeps one, and a Dask worker
    sends one back with each partition instead of a result per input."""

    documents: int = 0
    failed: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    clean_seconds: float = 0.0
    rule_blocks: Counter[str] = field(default_factory=Counter)
    rule_chars: Counter[str] = field(default_factory=Counter)
    category_blocks: Counter[str] = field(default_factory=Counter)
    category_chars: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)

    def add(self, result: Result, bytes_in: int, seconds: float) -> None:
        self.documents += 1
        self.bytes_in += bytes_in
        self.clean_seconds += seconds
        if result.error is not None:
            self.failed += 1
            self.errors[error_kind(result.error)] += 1
        if result.cleaned is None:
            return
        self.bytes_out += len(result.cleaned.text.encode("utf-8", "replace"))
        for removal in result.cleaned.removed:
            chars = len(removal.text)
            self.rule_blocks[removal.rule_id] += 1
            self.rule_chars[removal.rule_id] += chars
            self.category_blocks[removal.category] += 1
            self.category_chars[removal.category] += chars

    def merge(self, other: Tally) -> None:
        self.documents += other.documents
        self.failed += other.failed
        self.bytes_in += other.bytes_in
        self.bytes_out += other.bytes_out
        self.clean_seconds += other.clean_seconds
        self.rule_blocks.update(other.rule_blocks)
        self.rule_chars.update(other.rule_chars)
        self.category_blocks.update(other.category_blocks)
        self.category_chars.update(other.category_chars)
        self.errors.update(other.errors)


class Stats(Tally):
    """Counts outcomes as they are written; one instance per run."""

    def __init__(self, mode: str, jobs: int, skipped: int = 0) -> None:
        super().__init__()
        self.mode = mode
        self.jobs = jobs
        self.skipped = skipped
        """Inputs passed over because an earlier run already wrote them (``--resume``)."""
        self.failed_before = 0
        """Failures among the ``skipped`` records an earlier run wrote (``--resume``)."""
        self.left_out: Counter[str] = Counter()
        """Files a folder held that are not inputs (hidden, not text), by why."""
        self.started = time.monotonic()

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def to_dict(self) -> dict[str, Any]:
        seconds = self.seconds
        return {
            "documents": self.documents,
            "ok": self.documents - self.failed,
            "failed": self.failed,
            "skipped_resumed": self.skipped,
            "failed_before": self.failed_before,
            "left_out": dict(self.left_out.most_common()),
            "bytes_in": self.bytes_in,
            "bytes_out": self.bytes_out,
            "removed_by_rule": _table(self.rule_blocks, self.rule_chars),
            "removed_by_category": _table(self.category_blocks, self.category_chars),
            "removed_by_learned_rules": self._learned(),
            "errors_by_kind": dict(self.errors.most_common()),
            "seconds": round(seconds, 3),
            "clean_seconds": round(self.clean_seconds, 3),
            "documents_per_second": round(self.documents / seconds, 1) if seconds else None,
            "mb_in_per_second": round(self.bytes_in / 1e6 / seconds, 2) if seconds else None,
            "mode": self.mode,
            "jobs": self.jobs,
            "host": platform.node(),
        }

    def summary(self, top: int = 10) -> list[str]:
        """A few lines for stderr."""
        seconds = self.seconds
        rate = self.documents / seconds if seconds else 0.0
        lines = [
            f"{self.documents} documents ({self.documents - self.failed} ok, {self.failed} failed) "
            f"in {seconds:.1f} s, {rate:.1f} docs/s; {_mb(self.bytes_in)} in, "
            f"{_mb(self.bytes_out)} out" + (f"; {self.skipped} done before (resumed)"
                                           if self.skipped else ""),
        ]
        if self.left_out:
            lines.append(f"{sum(self.left_out.values())} file(s) in folders left out: "
                         + _pairs(self.left_out, top))
        if self.category_blocks:
            lines.append("removed by category: " + _pairs(self.category_blocks, top))
            lines.append("removed by rule: " + _pairs(self.rule_blocks, top))
        learned = self._learned()
        if learned["blocks"]:
            lines.append(f"removed by learned site rules: {learned['blocks']} blocks "
                         f"({learned['rules']} rules)")
        if self.errors:
            lines.append("errors by kind: " + _pairs(self.errors, top))
        return lines

    def _learned(self) -> dict[str, int]:
        """Removals by learned site rules (``site.<domain>.<n>``), counted apart."""
        ids = [key for key in self.rule_blocks if key.startswith("site.")]
        return {"rules": len(ids), "blocks": sum(self.rule_blocks[k] for k in ids),
                "chars": sum(self.rule_chars[k] for k in ids)}


def _table(blocks: Counter[str], chars: Counter[str]) -> dict[str, dict[str, int]]:
    return {key: {"blocks": n, "chars": chars[key]} for key, n in
            sorted(blocks.items(), key=lambda kv: (-kv[1], kv[0]))}


def _pairs(counter: Counter[str], top: int) -> str:
    items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{key} {n}" for key, n in items[:top])
    return text + (f", … ({len(items) - top} more)" if len(items) > top else "")


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.1f} kB"


def error_kind(error: CleanerError) -> str:
    """A short, stable name for the kind of failure, for the stats: ``timeout``, ``fetch:
    <stage>``, the lead words of a source error's reason (``malformed JSON``, ``not HTML``, ...),
    ``internal error``, else the exception's class."""
    if isinstance(error, FetchError):
        return f"fetch: {error.stage}"
    if isinstance(error, CleanTimeout):
        return "timeout"
    if isinstance(error, SourceError):
        head = error.reason.split(": ", 1)[0]
        return head if len(head) <= 40 else "SourceError"
    if ": internal error: " in str(error):
        return "internal error"
    return type(error).__name__
