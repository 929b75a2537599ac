"""A per-document time limit, so one page cannot stall a run.

Checked between the stages of :func:`extract_page`; inside the one long stage (trafilatura's
extraction) a one-shot timer raises :class:`CleanTimeout` too, when that is possible: in the main
thread of a POSIX process whose ``SIGALRM`` nobody else handles. The handler puts the previous one
back before it raises, so a late signal can never outlive the call. Elsewhere (threads, Windows),
or when the extractor swallows the interrupt, the limit is enforced at the next stage boundary.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from .._errors import CleanTimeout


class Deadline:
    """The time left for one document; ``seconds=None`` means no limit."""

    def __init__(self, seconds: float | None, source: str) -> None:
        self.seconds = seconds
        self.source = source
        self._end = None if seconds is None else time.monotonic() + seconds

    def check(self, stage: str) -> None:
        """Raise :class:`CleanTimeout` when the time is up."""
        if self._end is not None and time.monotonic() > self._end:
            raise self._error(stage)

    @contextmanager
    def interrupting(self, stage: str) -> Iterator[None]:
        """Run a long call that the timer may interrupt; the timer is disarmed on the way out."""
        self.check(stage)
        if self._end is None or not _can_interrupt():
            yield
            return

        previous = signal.getsignal(signal.SIGALRM)

        def handler(signum: int, frame: FrameType | None) -> None:
            signal.signal(signal.SIGALRM, previous)
            raise self._error(stage)

        signal.signal(signal.SIGALRM, handler)
        try:
            signal.setitimer(signal.ITIMER_REAL, max(self._end - time.monotonic(), 1e-3))
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        self.check(stage)

    def _error(self, stage: str) -> CleanTimeout:
        return CleanTimeout(f"{self.source}: over the {self.seconds:g} s time limit ({stage})")


def _can_interrupt() -> bool:
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        return False
    return bool(signal.getsignal(signal.SIGALRM) == signal.SIG_DFL)
