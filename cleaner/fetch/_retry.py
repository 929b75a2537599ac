"""When to try a URL again, and how long to wait first (exponential backoff, full jitter,
``Retry-After`` honoured)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from ._options import FetchOptions


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or an HTTP date); None if absent
    or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def backoff_delay(attempt: int, options: FetchOptions, rng: random.Random) -> float:
    """Full jitter: uniform in [0, min(backoff_max, backoff * 2**attempt)] for attempt 0, 1, ..."""
    ceiling = min(options.backoff_max, options.backoff * (2 ** attempt))
    return rng.uniform(0.0, ceiling)


def retry_delay(
    attempt: int, retry_after: float | None, options: FetchOptions, rng: random.Random
) -> float | None:
    """How long to wait before the next attempt, or None when the URL should not be retried.

    ``attempt`` counts the attempts already failed, minus one. A server's ``Retry-After`` replaces
    the backoff; one above ``retry_after_max`` ends the retries (waiting that long is not worth it).
    """
    if attempt >= options.retries:
        return None
    if retry_after is None:
        return backoff_delay(attempt, options, rng)
    return retry_after if retry_after <= options.retry_after_max else None
