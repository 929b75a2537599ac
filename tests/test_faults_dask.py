"""Dask runs end in bounded time with one clear error (issue 19 item 4, issue 17 item 11):
a bad address is a usage error before anything connects, a closed port fails at once, a
listener that never answers and a cluster that loses its last worker fail after
``--scheduler-timeout``. Everything runs on 127.0.0.1; the servers wait far longer than the
timeout under test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]


def _clean(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cleaner", "clean", "--format", "jsonl", "-q",
                           "--no-default-rules", "--rules", str(ROOT / "rules" / "detectors.toml"),
                           *args], check=False, capture_output=True, text=True, timeout=timeout)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text("A short paragraph of ordinary text that is kept.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("address", ["", "garbage", "tcp://127.0.0.1", "http://127.0.0.1:8787",
                                     "tcp://127.0.0.1:99999", "inproc://x"])
def test_a_malformed_scheduler_address_is_a_usage_error(address: str, text_file: Path) -> None:
    done = _clean("--scheduler", address, str(text_file))
    assert done.returncode == 2, done.stderr
    assert "--scheduler" in done.stderr and "tcp://" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_closed_port_fails_at_once(text_file: Path) -> None:
    # a timeout far longer than the test's own: only an immediate failure passes
    done = _clean("--scheduler", f"tcp://127.0.0.1:{_free_port()}", "--scheduler-timeout", "600",
                  str(text_file), timeout=60)
    assert done.returncode == 1
    assert "cannot reach the Dask scheduler" in done.stderr and "refused" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture()
def silent_listener() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_a_listener_that_never_answers_fails_after_the_timeout(silent_listener: int,
                                                               text_file: Path) -> None:
    done = _clean("--scheduler", f"tcp://127.0.0.1:{silent_listener}", "--scheduler-timeout", "2",
                  str(text_file), timeout=100)
    assert done.returncode == 1
    assert "did not answer within 2 s" in done.stderr
    assert "Traceback" not in done.stderr


def _dask(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("dask")), *args]


@pytest.fixture()
def scheduler(tmp_path: Path) -> Iterator[str]:
    """A scheduler with no worker (each test adds what it needs)."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    with open(tmp_path / "scheduler.log", "wb") as log:
        proc = subprocess.Popen(_dask("scheduler", "--host", "127.0.0.1", "--port", str(port),
                                      "--no-dashboard"), stdout=log, stderr=subprocess.STDOUT)
    try:
        ready = subprocess.run([sys.executable, "-c", "import sys; from distributed import Client; "
                                "Client(sys.argv[1], timeout=60).close()", address],
                               capture_output=True, text=True, timeout=120, check=False)
        assert ready.returncode == 0, ready.stderr[-2000:]
        yield address
    finally:
        proc.kill()
        proc.wait()


def test_a_cluster_without_workers_fails_after_the_timeout(scheduler: str, text_file: Path) -> None:
    done = _clean("--scheduler", scheduler, "--scheduler-timeout", "2", str(text_file), timeout=100)
    assert done.returncode == 1
    assert "no workers for 2 s" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_cluster_that_loses_its_last_worker_fails_after_the_timeout(
        scheduler: str, tmp_path: Path) -> None:
    """The one worker is killed while it holds a task that cannot finish (it reads a named pipe
    the test keeps open and never writes to); the run must end on its own."""
    pipe = tmp_path / "stuck.txt"
    os.mkfifo(pipe)
    writer = os.open(pipe, os.O_RDWR)  # a writer that never writes: a read waits for ever
    with open(tmp_path / "worker.log", "wb") as log:
        worker = subprocess.Popen(_dask("worker", scheduler, "--nthreads", "1", "--no-nanny",
                                        "--host", "127.0.0.1", "--no-dashboard",
                                        "--local-directory", str(tmp_path / "w")),
                                  stdout=log, stderr=subprocess.STDOUT)
    run = subprocess.Popen([sys.executable, "-m", "cleaner", "clean", "--format", "jsonl", "-q",
                            "--no-default-rules", "--scheduler", scheduler,
                            "--scheduler-timeout", "3", str(pipe)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_a_task(scheduler)
        worker.kill()
        worker.wait()
        _, stderr = run.communicate(timeout=120)
    finally:
        os.close(writer)
        for proc in (run, worker):
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert run.returncode == 1
    assert "no workers for 3 s" in stderr
    assert "Traceback" not in stderr


def _wait_for_a_task(address: str) -> None:
    """Until a worker is processing something (at most two minutes)."""
    from distributed import Client

    with Client(address, timeout=60, set_as_default=False) as client:
        deadline = time.monotonic() + 120
        while not any(client.processing().values()):
            assert time.monotonic() < deadline, "no task ever started"
            time.sleep(0.1)
