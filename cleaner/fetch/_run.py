"""Running fetches: fetch-and-clean (``fetch`` / ``afetch`` / ``aiter_fetch``, one
``FetchResult`` per URL) and fetch-only (URL documents in, loaded documents out).

Fetching and cleaning overlap: the event loop keeps up to ``2 × concurrency`` URLs in flight
while worker processes clean the pages already fetched. The synchronous fronts run the event
loop on a helper thread, so they also work where a loop is already running.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections import deque
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Callable,
    Coroutine,
    Generator,
    Iterable,
)
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

from .._cleaner import Cleaner
from .._errors import FetchError, SourceError
from ..sources._document import Document, needs_fetch
from ._clean import CleanJob, CleanPool, decode_page
from ._fetcher import Fetcher
from ._model import FetchResult
from ._options import FetchOptions, make_options


T = TypeVar("T")
U = TypeVar("U")
Urls = Iterable[str] | AsyncIterable[str]


# --- fetch and clean --------------------------------------------------------------------------


async def aiter_fetch(
    urls: Urls,
    options: FetchOptions | None = None,
    *,
    cleaner: Cleaner | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    **overrides: Any,
) -> AsyncGenerator[FetchResult, None]:
    """Fetch and clean ``urls``, yielding one ``FetchResult`` per URL as soon as it can
    (in input order unless ``ordered=False``). Keyword overrides are ``FetchOptions`` fields."""
    opts = make_options(options, overrides)
    async with Fetcher(opts, transport=transport) as fetcher, \
            CleanPool(cleaner or Cleaner(), opts.workers) as pool:

        async def one(url: str) -> FetchResult:
            return await fetch_one(url, fetcher, pool)

        window = 2 * opts.concurrency + pool.processes
        async with aclosing(_windowed(_aiter(urls), one, window, opts.ordered)) as results:
            async for result in results:
                yield result


async def afetch(
    urls: Urls,
    options: FetchOptions | None = None,
    *,
    cleaner: Cleaner | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    **overrides: Any,
) -> list[FetchResult]:
    """``await cleaner.afetch(urls)``: every URL's ``FetchResult``, in input order by default."""
    stream = aiter_fetch(urls, options, cleaner=cleaner, transport=transport, **overrides)
    return [result async for result in stream]


def fetch(
    urls: Urls,
    options: FetchOptions | None = None,
    *,
    cleaner: Cleaner | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    **overrides: Any,
) -> Generator[FetchResult, None, None]:
    """``cleaner.fetch(urls, **options)``: an iterator of ``FetchResult``, one per URL.

    The event loop runs on a helper thread, so this also works where a loop is already running;
    closing the iterator early stops the run.
    """
    opts = make_options(options, overrides)
    return _in_thread(lambda: aiter_fetch(urls, opts, cleaner=cleaner, transport=transport),
                      2 * opts.concurrency)


async def fetch_one(url: str, fetcher: Fetcher, pool: CleanPool) -> FetchResult:
    """One URL through fetch and clean; every failure becomes the result's ``error``."""
    try:
        page = await fetcher.fetch(url)
    except FetchError as exc:
        return FetchResult(url, status=exc.status, error=exc)
    except Exception as exc:  # noqa: BLE001 - one URL never ends the run
        return FetchResult(url, error=FetchError(url, "connect", f"{type(exc).__name__}: {exc}"))
    outcome = await pool.clean(CleanJob(page.final_url, page.body, page.kind, page.charset))
    if outcome.cleaned is None:
        error = FetchError(url, outcome.stage or "clean", outcome.reason or "", status=page.status)
        return FetchResult(url, page.final_url, page.status, error=error)
    return FetchResult(url, page.final_url, page.status, outcome.cleaned)


# --- fetch only: documents in, loaded documents out --------------------------------------------


def fetch_documents(
    items: Iterable[T], options: FetchOptions, transport: httpx.AsyncBaseTransport | None = None
) -> Generator[T | Document, None, None]:
    """See :func:`cleaner.fetch.fetch_documents`."""

    async def run() -> AsyncGenerator[T | Document, None]:
        async with Fetcher(options, transport=transport) as fetcher:

            async def one(item: T) -> T | Document:
                return await load_document(item, fetcher) if needs_fetch(item) else item

            window = 2 * options.concurrency
            async with aclosing(_windowed(_aiter(items), one, window, True)) as loaded:
                async for item in loaded:
                    yield item

    return _in_thread(run, 2 * options.concurrency)


def fetch_document(
    doc: Document, options: FetchOptions | None, transport: httpx.AsyncBaseTransport | None = None
) -> Document:
    """See :func:`cleaner.fetch.fetch_document`."""

    async def run() -> Document:
        async with Fetcher(options, transport=transport) as fetcher:
            return await load_document(doc, fetcher)

    return asyncio.run(run()) if needs_fetch(doc) else doc


async def load_document(doc: Document, fetcher: Fetcher) -> Document:
    """Fetch ``doc.url`` and decode the page (header charset, then the page's own, then
    detection); a failure is the returned document's ``FetchError``."""
    url = doc.url or doc.source
    try:
        page = await fetcher.fetch(url)
    except FetchError as exc:
        return Document(doc.source, url=doc.url, id=doc.id, fetch=True, status=exc.status,
                        error=exc)
    try:
        text = decode_page(CleanJob(page.final_url, page.body, page.kind, page.charset))
    except SourceError as exc:  # not text
        error = FetchError(url, "decode", exc.reason, status=page.status)
        return Document(doc.source, url=doc.url, id=doc.id, fetch=True, final_url=page.final_url,
                        status=page.status, error=error)
    return Document(doc.source, text, page.kind, url=doc.url, id=doc.id, fetch=True,
                    final_url=page.final_url, status=page.status)


# --- the machinery: a bounded window of tasks, and an event loop on a helper thread -----------


async def _windowed(
    items: AsyncIterator[T], work: Callable[[T], Coroutine[Any, Any, U]], window: int,
    ordered: bool,
) -> AsyncGenerator[U, None]:
    """``work`` on every item with at most ``window`` running; results in input order (or as
    they finish). Closing the generator cancels what is still running."""
    pending: deque[asyncio.Task[U]] = deque()
    try:
        async for item in items:
            pending.append(asyncio.create_task(work(item)))
            while pending and (len(pending) >= window or _head_done(pending, ordered)):
                yield await _next(pending, ordered)
        while pending:
            yield await _next(pending, ordered)
    finally:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


def _head_done(pending: deque[asyncio.Task[U]], ordered: bool) -> bool:
    return pending[0].done() if ordered else any(t.done() for t in pending)


async def _next(pending: deque[asyncio.Task[U]], ordered: bool) -> U:
    if ordered:
        return await pending.popleft()
    done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
    task = next(t for t in pending if t in done)
    pending.remove(task)
    return task.result()


async def _aiter(items: Iterable[T] | AsyncIterable[T]) -> AsyncIterator[T]:
    """Async iterables as they are; lists in place; other iterables (stdin, files) are read in a
    thread, so a slow producer never stalls the event loop."""
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield item
    elif isinstance(items, (list, tuple)):
        for item in items:
            yield item
    else:
        iterator = iter(items)
        end = _End()
        while not isinstance(item_or_end := await asyncio.to_thread(next, iterator, end), _End):
            yield item_or_end


@dataclass(frozen=True, slots=True)
class _End:
    """The end of a stream handed between threads (with the error that ended it, if any)."""

    error: BaseException | None = None


@dataclass(frozen=True, slots=True)
class _Channel(Generic[T]):
    items: queue.Queue[T | _End]
    stop: threading.Event


def _in_thread(make: Callable[[], AsyncIterator[T]], buffer: int) -> Generator[T, None, None]:
    """Iterate ``make()``'s async stream from synchronous code: an event loop on a helper
    thread fills a bounded queue; closing the iterator stops the loop."""
    channel: _Channel[T] = _Channel(queue.Queue(maxsize=max(1, buffer)), threading.Event())
    thread = threading.Thread(target=_pump, args=(make, channel), name="cleaner-fetch",
                              daemon=True)
    thread.start()
    try:
        while not isinstance(item := channel.items.get(), _End):
            yield item
        if item.error is not None:
            raise item.error
    finally:
        channel.stop.set()
        while thread.is_alive():
            try:
                channel.items.get(timeout=0.05)
            except queue.Empty:
                pass
        thread.join()


def _pump(make: Callable[[], AsyncIterator[T]], channel: _Channel[T]) -> None:
    try:
        asyncio.run(_pump_async(make, channel))
    except BaseException as exc:  # noqa: BLE001 - handed to the consuming thread
        _put_end(channel, _End(exc))
    else:
        _put_end(channel, _End())


async def _pump_async(make: Callable[[], AsyncIterator[T]], channel: _Channel[T]) -> None:
    stream = make()
    try:
        async for item in stream:
            while not channel.stop.is_set():
                try:
                    channel.items.put_nowait(item)
                    break
                except queue.Full:
                    await asyncio.sleep(0.005)
            if channel.stop.is_set():
                return
    finally:
        closer = getattr(stream, "aclose", None)
        if closer is not None:
            await closer()


def _put_end(channel: _Channel[T], end: _End) -> None:
    while not channel.stop.is_set():
        try:
            channel.items.put(end, timeout=0.05)
            return
        except queue.Full:
            continue
