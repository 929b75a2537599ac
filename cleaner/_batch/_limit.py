"""A per-document time limit that interrupts Python code in the thread that runs it.

In the main thread it is a ``SIGALRM`` timer; in other threads (Dask workers run tasks in a
thread pool) one watchdog thread per :class:`TimeLimit` raises the exception in the overrunning
thread between two bytecodes. Either way the exception surfaces in the code being timed, so the
worker survives. Code stuck in one long C call is not interrupted; the local process pool backs
this up by stopping and replacing a worker that overruns the limit by a margin.
"""

from __future__ import annotations

import ctypes
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from .._errors import CleanTimeout


class TimeLimit:
    """``with limit():`` raises :class:`~cleaner.CleanTimeout` inside the block once it has run
    ``seconds`` (``None``: no limit). One instance serves any number of threads."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds if seconds and seconds > 0 else None
        self._due: dict[int, float] = {}
        self._wake = threading.Condition()
        self._watchdog: threading.Thread | None = None
        self._closed = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        if self.seconds is None:
            yield
        elif threading.current_thread() is threading.main_thread():
            with _alarm(self.seconds):
                yield
        else:
            with self._watched(self.seconds):
                yield

    def close(self) -> None:
        """Stop the watchdog thread, if one was started."""
        with self._wake:
            self._closed = True
            self._wake.notify()

    @contextmanager
    def _watched(self, seconds: float) -> Iterator[None]:
        me = threading.get_ident()
        with self._wake:
            self._due[me] = time.monotonic() + seconds
            if self._watchdog is None:  # it looks every tenth of the limit: no wake-up per document
                self._watchdog = threading.Thread(target=self._watch, args=(seconds,),
                                                  daemon=True, name="cleaner-time-limit")
                self._watchdog.start()
        try:
            yield
        finally:
            with self._wake:  # the watchdog raises only while holding this, so never past here
                self._due.pop(me, None)

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


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise CleanTimeout(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
