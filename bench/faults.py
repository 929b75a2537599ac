"""Every fault of issue 19 (and issue 17 items 10-12), run again, plus the Hypothesis properties
with many examples: what a release must still survive.

    python bench/faults.py [--examples 10000] [--skip-properties] [--skip-dask] [--only NAME]
    make fuzz

Each fault is the real command in a subprocess, against real files, a real HTTP server on
127.0.0.1 and ::1, or a real Dask scheduler, all made here under a temporary folder (deleted
afterwards). A line per fault: inputs given, records written, exit status, seconds, and whether
the outcome is the expected one (every input its record or one clear error, no traceback, the run
ended). Then each property of ``tests/test_properties.py`` and ``tests/test_faults_text.py`` runs
with ``--examples`` examples (the test suite keeps small counts). Exit 1 when anything failed.
Nothing reaches beyond loopback.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[1]
PARAGRAPH = "An ordinary paragraph of an ordinary article, long enough to be kept as body text.\n"


@dataclass
class Case:
    name: str
    args: list[str]
    inputs: int
    want_records: int
    want_exit: tuple[int, ...] = (1,)
    timeout: float = 300
    stdout_to: str | None = None
    must_say: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    name: str
    inputs: int
    records: int
    status: int | None
    seconds: float
    ok: bool
    note: str


def run_case(case: Case) -> Outcome:
    command = [sys.executable, "-m", "cleaner", "clean", "--format", "jsonl", "--no-default-rules",
               "--rules", str(ROOT / "rules" / "detectors.toml"), *case.args]
    started = time.perf_counter()
    out = open(case.stdout_to, "wb") if case.stdout_to else subprocess.PIPE  # noqa: SIM115
    try:
        done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, timeout=case.timeout,
                              check=False, env={**os.environ, "PYTHONPATH": str(ROOT), **case.env})
    except subprocess.TimeoutExpired:
        return Outcome(case.name, case.inputs, 0, None, case.timeout, False, "did not end")
    finally:
        if case.stdout_to:
            out.close()  # type: ignore[union-attr]
    seconds = time.perf_counter() - started
    stdout = done.stdout or b""
    records = len([line for line in stdout.splitlines() if line.startswith(b"{")])
    stderr = done.stderr.decode("utf-8", "replace")
    problems = []
    if "Traceback" in stderr:
        problems.append("traceback")
    if records != case.want_records:
        problems.append(f"{records} records, wanted {case.want_records}")
    if done.returncode not in case.want_exit:
        problems.append(f"exit {done.returncode}")
    said = stderr + stdout.decode("utf-8", "replace")
    problems += [f"does not say {text!r}" for text in case.must_say if text not in said]
    last = next((line for line in reversed(stderr.splitlines()) if "failed" not in line
                 and not line.startswith("cleaner: removed") and "documents (" not in line), "")
    return Outcome(case.name, case.inputs, records, done.returncode, seconds, not problems,
                   "; ".join(problems) or last[:100])


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        return None


class _Slow(_Quiet):
    """``/slow/...``, and robots.txt on the server whose port is in ``slow_robots``: wait a
    minute before answering (far longer than any timeout used here)."""

    slow_robots: set[int] = set()

    def do_GET(self) -> None:
        if self.path.startswith("/slow") or (
                self.path == "/robots.txt" and self.server.server_address[1] in self.slow_robots):
            time.sleep(60)
        super().do_GET()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up on a slow answer is what these faults are about: no noise."""


class _V6Server(_Server):
    address_family = socket.AF_INET6


@contextmanager
def web_servers(folder: Path) -> Iterator[tuple[str, str, str | None]]:
    """Base URLs of a server on 127.0.0.1, one whose robots.txt never answers, and, where there
    is IPv6, one on ::1."""
    handler = lambda *a: _Slow(*a, directory=str(folder))  # noqa: E731
    servers: list[_Server] = [_Server(("127.0.0.1", 0), handler) for _ in range(2)]
    _Slow.slow_robots.add(servers[1].server_address[1])
    try:
        servers.append(_V6Server(("::1", 0), handler))
    except OSError:
        pass
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    v4, stuck = (f"http://127.0.0.1:{server.server_address[1]}" for server in servers[:2])
    v6 = f"http://[::1]:{servers[2].server_address[1]}" if len(servers) > 2 else None
    try:
        yield v4, stuck, v6
    finally:
        for server in servers:
            server.shutdown()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def file_cases(work: Path) -> list[Case]:
    (work / "a.txt").write_text(PARAGRAPH * 3, encoding="utf-8")
    tree = work / "g"
    (tree / "sub").mkdir(parents=True)
    (tree / "a.txt").write_text(PARAGRAPH, encoding="utf-8")
    (tree / "sub" / "b.txt").write_text(PARAGRAPH, encoding="utf-8")
    (tree / "sub" / "up").symlink_to("..")
    (tree / "sub" / "self").symlink_to("../sub")
    (work / "min.warc").write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\n")
    os.mkfifo(work / "pipe.txt")
    (work / "empty.txt").write_bytes(b"")
    special = work / "special"
    special.mkdir()
    (special / "ok.txt").write_text(PARAGRAPH, encoding="utf-8")
    os.mkfifo(special / "pipe.txt")
    (special / "zero.txt").symlink_to("/dev/zero")
    big = work / "big.toml"
    big.write_text(_rule("pattern = '[\\pL\\pN\\pP\\pS]{999}q'"), encoding="utf-8")
    greedy = work / "greedy.toml"
    greedy.write_text(_rule("pattern = 'e'\nmax_words = 0"), encoding="utf-8")
    selector = work / "selector.toml"
    selector.write_text(_rule('selectors = ["p"]'), encoding="utf-8")
    (work / "urls.txt").write_text("hello world\nftp://127.0.0.1/x\n", encoding="utf-8")
    a = str(work / "a.txt")
    return [
        Case("glob over symlink loops", [f"{tree}/**/*.txt"], 2, 2, (0,)),
        Case("folder with symlink loops", [str(tree)], 2, 2, (0,)),
        Case("WARC record without WARC-Target-URI, -j 2", ["-j", "2", str(work / "min.warc"), a],
             2, 2, must_say=("WARC-Target-URI",)),
        Case("FIFO named, nobody writes", [str(work / "pipe.txt"), a], 2, 2, timeout=60),
        Case("/dev/zero named", ["/dev/zero", a], 2, 2, timeout=60),
        Case("FIFO and /dev/zero link in a folder", [str(special)], 3, 3, timeout=60),
        Case("empty .txt has a reason", [str(work / "empty.txt")], 1, 1, (0,),
             must_say=('"reason": "empty document"',)),
        Case("rule too large for an RE2 set", ["--rules", str(big), a], 1, 0, (2,),
             must_say=("too large to run",)),
        Case("rule 'e' with max_words = 0", ["--rules", str(greedy), a], 1, 0, (2,),
             must_say=("ordinary article",)),
        Case("selector 'p'", ["--rules", str(selector), a], 1, 0, (2,),
             must_say=("ordinary article",)),
        Case("disk full: stdout is /dev/full", [a], 1, 0, stdout_to="/dev/full",
             must_say=("No space left on device",)),
        Case("disk full: -o /dev/full", ["-o", "/dev/full", a], 1, 0,
             must_say=("No space left on device",)),
        Case("ftp:// and www.example.com/p.html", ["ftp://127.0.0.1/x", "www.example.com/p.html"],
             2, 2, must_say=("unsupported URL scheme", "https://www.example.com/p.html")),
        Case("non-URL lines in --urls", ["--urls", str(work / "urls.txt")], 2, 2,
             must_say=("not a URL",)),
    ]


def _rule(body: str) -> str:
    return ('[[rule]]\nid = "user.mine"\ncategory = "user"\ndescription = "A user rule."\n'
            f'languages = ["en"]\n{body}\n[rule.examples]\ndrop = ["Drop me."]\n'
            'keep = ["Keep me."]\n')


def fetch_cases(v4: str, stuck: str, v6: str | None) -> list[Case]:
    closed = f"http://127.0.0.1:{_free_port()}/x"
    cases = [
        Case("port above 65535", ["http://127.0.0.1:99999/", f"{v4}/page.txt"], 2, 2,
             must_say=("out of range",)),
        Case("refused connection, not retried", [closed, f"{v4}/page.txt"], 2, 2,
             must_say=("connection refused",)),
        Case("slow server: total timeout, tried once", ["--timeout", "1", "--retries", "3",
                                                        f"{v4}/slow/page.txt"], 1, 1,
             must_say=("total timeout",)),
        Case("robots.txt that never answers, 3 URLs", ["--robots-timeout", "1"] + [
            f"{stuck}/page.txt?n={n}" for n in range(3)], 3, 3, must_say=("robots_timeout",)),
    ]
    if v6 is not None:
        cases.insert(0, Case("IPv6 literal among three URLs",
                             [f"{v4}/page.txt", f"{v6}/page.txt", "http://[::1]:9/x"], 3, 3,
                             must_say=("connection refused by ::1",)))
    return cases


def dask_cases(work: Path, silent: int, scheduler: str | None) -> Iterator[Case]:
    a = str(work / "a.txt")
    for address in ("", "garbage", "tcp://127.0.0.1", "http://127.0.0.1:8787"):
        yield Case(f"--scheduler {address!r}", ["--scheduler", address, a], 1, 0, (2,))
    yield Case("--scheduler at a closed port", ["--scheduler", f"tcp://127.0.0.1:{_free_port()}",
                                                "--scheduler-timeout", "600", a], 1, 0, timeout=60)
    yield Case("--scheduler that never answers", ["--scheduler", f"tcp://127.0.0.1:{silent}",
                                                  "--scheduler-timeout", "3", a], 1, 0,
               must_say=("did not answer",))
    if scheduler is not None:
        yield Case("Dask cluster with no worker", ["--scheduler", scheduler,
                                                   "--scheduler-timeout", "3", a], 1, 0,
                   must_say=("no workers for 3 s",))


@contextmanager
def _scheduler(skip: bool) -> Iterator[str | None]:
    """A Dask scheduler with no worker on 127.0.0.1 (None when skipped or Dask is missing)."""
    dask = Path(sys.executable).with_name("dask")
    if skip or not dask.exists():
        yield None
        return
    port = _free_port()
    proc = subprocess.Popen([str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                             "--no-dashboard"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    address = f"tcp://127.0.0.1:{port}"
    try:
        subprocess.run([sys.executable, "-c", "import sys; from distributed import Client; "
                        "Client(sys.argv[1], timeout=60).close()", address],
                       check=True, capture_output=True, timeout=120)
        yield address
    finally:
        proc.kill()
        proc.wait()


@contextmanager
def _silent_listener() -> Iterator[int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    try:
        yield int(server.getsockname()[1])
    finally:
        server.close()


PROPERTY_FILES = ("tests/test_properties.py", "tests/test_faults_text.py")
PROPERTIES = ("never_raises", "idempotent", "deterministic", "any_str")
"""The Hypothesis properties of those files that take any text (the others test helpers)."""


def properties(examples: int) -> list[tuple[str, bool, float, str]]:
    """Each property test, run by pytest with ``examples`` examples (``CLEANER_EXAMPLES``)."""
    with tempfile.TemporaryDirectory(prefix="cleaner-props-") as tmp:
        report = Path(tmp) / "report.xml"
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        f"--junitxml={report}", "-k", " or ".join(PROPERTIES), *PROPERTY_FILES],
                       cwd=ROOT, check=False, capture_output=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT),
                            "CLEANER_EXAMPLES": str(examples)})
        if not report.exists():
            return [("pytest", False, 0.0, "the property run did not start")]
        results = []
        for case in ElementTree.parse(report).getroot().iter("testcase"):
            problems = [" ".join((child.get("message") or child.tag).split())[:300]
                        for child in case if child.tag in ("failure", "error")]
            results.append((case.get("name", "?"), not problems, float(case.get("time", 0)),
                            "; ".join(problems)))
        return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--skip-properties", action="store_true")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--only", default="", help="Only faults whose name holds this text.")
    args = parser.parse_args()
    failed = 0
    print(f"{'fault':48} {'in':>3} {'out':>4} {'exit':>4} {'s':>6}  result")
    with tempfile.TemporaryDirectory(prefix="cleaner-faults-") as tmp:
        work = Path(tmp)
        site = work / "site"
        site.mkdir()
        (site / "page.txt").write_text(PARAGRAPH * 3, encoding="utf-8")
        (site / "slow").mkdir()
        (site / "slow" / "page.txt").write_text(PARAGRAPH, encoding="utf-8")
        cases = file_cases(work)
        with web_servers(site) as (v4, stuck, v6), _silent_listener() as silent, \
                _scheduler(args.skip_dask) as scheduler:
            cases += fetch_cases(v4, stuck, v6)
            if not args.skip_dask:
                cases += list(dask_cases(work, silent, scheduler))
            for case in cases:
                if args.only not in case.name:
                    continue
                got = run_case(case)
                failed += not got.ok
                print(f"{got.name[:48]:48} {got.inputs:>3} {got.records:>4} "
                      f"{got.status if got.status is not None else '-':>4} {got.seconds:>6.1f}  "
                      f"{'ok' if got.ok else 'FAILED'}: {got.note}", flush=True)
    if not args.skip_properties:
        print(f"\nproperties, {args.examples} examples each")
        for name, ok, seconds, note in properties(args.examples):
            failed += not ok
            print(f"{name:58} {seconds:>7.1f} s  {'ok' if ok else 'FAILED ' + note}", flush=True)
    print(json.dumps({"failed": failed}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
