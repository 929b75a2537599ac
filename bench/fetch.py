"""Fetching throughput against a loopback server, and fetch + clean beside plain ``clean_html``.

    python bench/fetch.py [--repeat 3] [--concurrency 64] [--limit N] [--json FILE]

The server is a separate process (a small ``asyncio.Protocol`` HTTP/1.1 server with keep-alive)
serving the Zyte benchmark pages, gunzipped in memory from the shared data dir, at
``/p/<n>?r=<k>`` as ``text/html; charset=utf-8``. Three measurements, in one run:

* fetch only: ``Fetcher.fetch`` of every URL, ``--concurrency`` requests in flight (pages/s);
* clean only: ``Cleaner().clean_html(raw bytes, url=...)`` in this process, one page after the
  other (pages/s) — the peer the next line is a ratio against;
* fetch + clean: ``cleaner.afetch`` with one cleaning process per core (pages/s, steady state:
  first result to last, so worker start-up is not counted; the wall time with start-up is shown).

Body equality: every fetched-and-cleaned page is compared with the same bytes cleaned from memory
(``to_dict()`` equal: text, title, metadata, removals).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _data

NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


# --- the server (runs in its own process: python bench/fetch.py --serve) ----------------------


class _Http(asyncio.Protocol):
    """Reads request heads, answers each from a table of ready-made responses."""

    def __init__(self, replies: dict[bytes, bytes]) -> None:
        self.replies = replies
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            target = head.split(b" ", 2)[1].split(b"?", 1)[0]
            self.transport.write(self.replies.get(target, NOT_FOUND))


def _replies(pages: Sequence[_data.Page]) -> dict[bytes, bytes]:
    replies = {}
    for n, page in enumerate(pages):
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(page.raw)}\r\n\r\n"
        ).encode()
        replies[f"/p/{n}".encode()] = head + page.raw
    return replies


async def _serve(pages: Sequence[_data.Page]) -> None:
    replies = _replies(pages)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Http(replies), "127.0.0.1", 0, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes our stdin


def start_server(args: argparse.Namespace) -> tuple[subprocess.Popen[str], int]:
    command = [sys.executable, __file__, "--serve", "--data", str(args.data)]
    if args.limit:
        command += ["--limit", str(args.limit)]
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline())


# --- the measurements -----------------------------------------------------------------------------


def fetch_options(args: argparse.Namespace, **changes: Any) -> Any:
    from cleaner.fetch import FetchOptions

    return FetchOptions(concurrency=args.concurrency, per_host=args.concurrency, **changes)


async def fetch_only(urls: list[str], args: argparse.Namespace) -> tuple[float, int]:
    """(seconds, errors) for fetching every URL without cleaning."""
    from cleaner.fetch._fetcher import Fetcher

    async with Fetcher(fetch_options(args)) as fetcher:
        await fetcher.fetch(urls[0])  # robots.txt and the first connection
        start = time.perf_counter()
        pages = await asyncio.gather(*(fetcher.fetch(u) for u in urls), return_exceptions=True)
        seconds = time.perf_counter() - start
    errors = [p for p in pages if isinstance(p, BaseException)]
    for error in errors[:3]:
        print(f"fetch error: {error}", file=sys.stderr)
    return seconds, len(errors)


def clean_only(
    pages: Sequence[_data.Page], urls: list[str]
) -> tuple[float, float, list[dict[str, Any]]]:
    """(seconds, CPU seconds, records) for ``clean_html`` on each page's bytes in this process."""
    import cleaner

    inst = cleaner.Cleaner()
    inst.clean_html(pages[0].raw, url=urls[0])  # lazy imports happen outside the timing
    start, cpu = time.perf_counter(), time.process_time()
    records = [inst.clean_html(page.raw, url=url).to_dict()
               for page, url in zip(pages, urls, strict=True)]
    return time.perf_counter() - start, time.process_time() - cpu, records


async def fetch_and_clean(urls: list[str], args: argparse.Namespace) -> dict[str, Any]:
    import cleaner
    from cleaner.fetch._run import aiter_fetch

    started = time.perf_counter()
    stamps: list[float] = []
    cpu: list[float] = []
    records: list[dict[str, Any] | None] = []
    errors = 0
    async for result in aiter_fetch(
        urls, fetch_options(args, workers=args.workers), cleaner=cleaner.Cleaner()
    ):
        stamps.append(time.perf_counter())
        if len(stamps) in (1, len(urls)):  # the workers are still alive at the last result
            cpu.append(tree_cpu())
        records.append(result.cleaned.to_dict() if result.cleaned is not None else None)
        if not result.ok:
            errors += 1
            if errors <= 3:
                print(f"fetch+clean error: {result.error}", file=sys.stderr)
    steady = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
    return {
        "records": records,
        "errors": errors,
        "pages_per_s": steady,
        "wall_s": stamps[-1] - started if stamps else 0.0,
        "cpu_ms": 1000 * (cpu[-1] - cpu[0]) / max(1, len(stamps) - 1),
    }


def tree_cpu() -> float:
    """CPU seconds used so far by this process and every process it started (the server, the
    cleaning workers and their fork server), read from /proc; 0 where there is no /proc."""
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    mine, total = {os.getpid()}, 0.0
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in mine and pid not in mine:
                mine.add(pid)
                changed = True
    for pid in mine:
        total += used.get(pid, 0.0)
    return total


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="fetch throughput; fetch + clean vs clean_html")
    ap.add_argument("--data", type=Path, default=_data.default_data_dir())
    ap.add_argument("--limit", type=int, help="first N Zyte pages")
    ap.add_argument("--repeat", type=int, default=3, help="fetch every page N times")
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--workers", type=int, help="cleaning processes (default: one per core)")
    ap.add_argument("--skip-clean", action="store_true", help="fetch only")
    ap.add_argument("--json", type=Path, help="write machine-readable results here")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def run(args: argparse.Namespace, pages: list[_data.Page], port: int) -> dict[str, Any]:
    base = f"http://127.0.0.1:{port}"
    urls = [f"{base}/p/{n}?r={k}" for k in range(args.repeat) for n in range(len(pages))]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    out: dict[str, Any] = {
        "pages": len(pages),
        "requests": len(urls),
        "cores": cores,
        "concurrency": args.concurrency,
        "megabytes": round(sum(len(p.raw) for p in pages) / 1e6, 2),
    }
    print(f"load average before: {_load()}  ({cores} cores; other work on the machine skews "
          "every number below)")
    before = tree_cpu()
    seconds, errors = asyncio.run(fetch_only(urls, args))
    fetch_cpu = 1000 * (tree_cpu() - before) / len(urls)
    out["fetch_only"] = {"pages_per_s": round(len(urls) / seconds, 1), "errors": errors,
                         "cpu_ms_per_page": round(fetch_cpu, 2)}
    print(
        f"fetch only     {len(urls) / seconds:8.1f} pages/s   ({len(urls)} requests, "
        f"{args.concurrency} in flight, {errors} errors; {fetch_cpu:.2f} ms CPU a page, "
        "client and server)"
    )
    if args.skip_clean:
        return out
    repeated = pages * args.repeat
    seconds, cpu_seconds, local = clean_only(repeated, urls)
    single = len(repeated) / seconds
    single_cpu = 1000 * cpu_seconds / len(repeated)
    print(f"clean_html     {single:8.1f} pages/s   (one process, {len(repeated)} pages; "
          f"{single_cpu:.2f} ms CPU a page)")
    both = asyncio.run(fetch_and_clean(urls, args))
    ratio = both["pages_per_s"] / single
    same = sum(1 for a, b in zip(both["records"], local, strict=True) if a == b)
    print(
        f"fetch + clean  {both['pages_per_s']:8.1f} pages/s   (steady state; "
        f"{both['wall_s']:.2f} s wall with start-up, {both['errors']} errors)"
    )
    print(f"ratio fetch+clean / clean_html: {ratio:.2f}")
    capacity = (cores or 1) * single_cpu / both["cpu_ms"] if both["cpu_ms"] else 0.0
    print(f"CPU: {both['cpu_ms']:.2f} ms a page for fetch + clean, all processes (server "
          f"included) -> on {cores} idle cores at most {capacity:.2f} x clean_html")
    print(f"body equality: {same}/{len(urls)} fetched pages equal the same bytes cleaned locally")
    print(f"load average after: {_load()}")
    out.update(
        clean_only={"pages_per_s": round(single, 1)},
        fetch_and_clean={
            "pages_per_s": round(both["pages_per_s"], 1),
            "wall_s": round(both["wall_s"], 2),
            "errors": both["errors"],
        },
        ratio=round(ratio, 3),
        cpu_ms_per_page={"clean_html": round(single_cpu, 2),
                         "fetch_and_clean": round(both["cpu_ms"], 2)},
        capacity_ratio=round(capacity, 3),
        equal_bodies=same,
    )
    return out


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    pages = list(_data.load_zyte(args.data))[: args.limit or None]
    if args.serve:
        asyncio.run(_serve(pages))
        return 0
    server, port = start_server(args)
    try:
        out = run(args, pages, port)
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(10)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
