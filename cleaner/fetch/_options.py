"""Every knob of a URL fetch run, in one frozen object."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .._errors import CleanerError

DEFAULT_USER_AGENT = "cleaner/0.1"
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
"""Statuses worth another attempt: the issue's 429/502/503/504, plus 408 and 500 as Scrapy does."""


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """How URLs are fetched. Times are in seconds, sizes in bytes.

    ``max_decoded_bytes`` caps the body after gzip/deflate decoding (``None``: four times
    ``max_bytes``). ``workers`` is the number of cleaning processes (``None``: one per core,
    ``0``: clean in a thread of this process). ``ordered`` yields results in input order
    (``False``: as they finish).
    """

    concurrency: int = 16
    per_host: int = 4
    per_host_delay: float = 0.0
    retries: int = 3
    backoff: float = 0.5
    backoff_max: float = 30.0
    retry_after_max: float = 120.0
    retry_statuses: frozenset[int] = RETRY_STATUSES
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 60.0
    max_redirects: int = 10
    max_bytes: int = 10 * 1024 * 1024
    max_decoded_bytes: int | None = None
    user_agent: str = DEFAULT_USER_AGENT
    obey_robots: bool = True
    deny_private: bool = False
    save_raw: Path | None = None
    workers: int | None = None
    ordered: bool = True

    def __post_init__(self) -> None:
        for name in ("concurrency", "per_host", "max_bytes"):
            if getattr(self, name) < 1:
                raise CleanerError(f"FetchOptions.{name} must be at least 1")
        for name in ("per_host_delay", "retries", "backoff", "backoff_max", "retry_after_max",
                     "max_redirects"):
            if getattr(self, name) < 0:
                raise CleanerError(f"FetchOptions.{name} must not be negative")
        for name in ("connect_timeout", "read_timeout", "total_timeout"):
            if getattr(self, name) <= 0:
                raise CleanerError(f"FetchOptions.{name} must be positive")
        if self.workers is not None and self.workers < 0:
            raise CleanerError("FetchOptions.workers must not be negative")

    @property
    def decoded_cap(self) -> int:
        return self.max_decoded_bytes if self.max_decoded_bytes is not None else 4 * self.max_bytes


def make_options(options: FetchOptions | None, overrides: dict[str, Any]) -> FetchOptions:
    """``options`` (or the defaults) with keyword overrides; unknown names are refused."""
    known = {f.name for f in fields(FetchOptions)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise CleanerError(f"unknown fetch option(s): {', '.join(unknown)}")
    base = options if options is not None else FetchOptions()
    if "save_raw" in overrides and overrides["save_raw"] is not None:
        overrides = {**overrides, "save_raw": Path(overrides["save_raw"])}
    return replace(base, **overrides) if overrides else base
