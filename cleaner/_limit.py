"""Time limits: one mechanism for the batch's per-document limit and a web page's own limit.

:class:`TimeLimit` (the batch) interrupts Python code in the thread that runs it: in the main
thread with a ``SIGALRM`` timer; in other threads (Dask workers run tasks in a thread pool) one
watchdog thread per limit raises the exception in the overrunning thread between two bytecodes.
Either way the exception surfaces in the code being timed, so the worker survives. Code stuck in
one long C call is not interrupted; the local process pool backs this up by stopping and
replacing a worker that overruns the limit by a margin.

:class:`Deadline` (``Cleaner(time_limit=...)`` for one web page) is checked between the stages
of the page's extraction; inside the one long stage the same ``SIGALRM`` timer interrupts too,
when that is possible: in the main thread, when no other limit holds the signal. Elsewhere, or
when the extractor swallows the interrupt, it is enforced at the next stage boundary.
"""

from __future__ import annotations

import ctypes
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from types import FrameType
from typing import Any

from ._errors import CleanTimeout


class TimeLimit:
    """``with limit():`` raises :class:`~cleaner.CleanTimeout` inside the block once it has run
    ``seconds`` (``None``: no limit). One instance serves any number of threads.

    The context managers are small classes, not generator functions: a batch enters one per
    document, and ``contextlib.contextmanager`` cost three times what the timer itself does."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds if seconds and seconds > 0 else None
        self._message = f"took longer than {self.seconds or 0:g} s"
        self._due: dict[int, float] = {}
        self._wake = threading.Condition()
        self._watchdog: threading.Thread | None = None
        self._closed = False

    def __call__(self) -> AbstractContextManager[None]:
        if self.seconds is None:
            return _NO_LIMIT
        if threading.current_thread() is threading.main_thread():
            return _Alarm(self.seconds, self._message)
        return _Watched(self, self.seconds)

    def close(self) -> None:
        """Stop the watchdog thread, if one was started."""
        with self._wake:
            self._closed = True
            self._wake.notify()

    def _watch_thread(self, thread: int, seconds: float) -> None:
        with self._wake:
            self._due[thread] = time.monotonic() + seconds
            if self._watchdog is None:  # it looks every tenth of the limit: no wake-up per document
                self._watchdog = threading.Thread(target=self._watch, args=(seconds,),
                                                  daemon=True, name="cleaner-time-limit")
                self._watchdog.start()

    def _release_thread(self, thread: int) -> None:
        with self._wake:  # the watchdog raises only while holding this, so never past here
            self._due.pop(thread, None)

    def _watch(self, seconds: float) -> None:
        every = max(0.01, seconds / 10)
        with self._wake:
            while not self._closed:
                now = time.monotonic()
                for thread, due in list(self._due.items()):
                    if due <= now:
                        del self._due[thread]
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(
                            ctypes.c_ulong(thread), ctypes.py_object(CleanTimeout))
                self._wake.wait(every)


_NO_LIMIT = nullcontext()


class _Watched:
    """Outside the main thread: the block's thread is registered with the limit's watchdog."""

    __slots__ = ("limit", "seconds", "thread")

    def __init__(self, limit: TimeLimit, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self.thread = threading.get_ident()

    def __enter__(self) -> None:
        self.limit._watch_thread(self.thread, self.seconds)

    def __exit__(self, *exc: object) -> None:
        self.limit._release_thread(self.thread)


class _Alarm:
    """In the main thread: a ``SIGALRM`` timer that raises ``CleanTimeout(message)``. The
    previous handler is put back on the way out, and by the handler before it raises, so a late
    signal never outlives the block."""

    __slots__ = ("seconds", "message", "previous")

    def __init__(self, seconds: float, message: str) -> None:
        self.seconds = seconds
        self.message = message
        self.previous: Any = None

    def __enter__(self) -> None:
        self.previous = signal.signal(signal.SIGALRM, self._expire)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc: object) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)

    def _expire(self, signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGALRM, self.previous)
        raise CleanTimeout(self.message)


class Deadline:
    """The time left for one document; ``seconds=None`` means no limit."""

    def __init__(self, seconds: float | None, source: str) -> None:
        self.seconds = seconds
        self.source = source
        self._end = None if seconds is None else time.monotonic() + seconds

    def check(self, stage: str) -> None:
        """Raise :class:`CleanTimeout` when the time is up."""
        if self._end is not None and time.monotonic() > self._end:
            raise CleanTimeout(self._message(stage))

    @contextmanager
    def interrupting(self, stage: str) -> Iterator[None]:
        """Run a long call that the timer may interrupt; the timer is disarmed on the way out."""
        self.check(stage)
        if self._end is None or not _can_interrupt():
            yield
            return
        with _Alarm(max(self._end - time.monotonic(), 1e-3), self._message(stage)):
            yield
        self.check(stage)

    def _message(self, stage: str) -> str:
        return f"{self.source}: over the {self.seconds:g} s time limit ({stage})"


def _can_interrupt() -> bool:
    """In the main thread of a POSIX process whose ``SIGALRM`` nobody else handles."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        return False
    return bool(signal.getsignal(signal.SIGALRM) == signal.SIG_DFL)
