"""One bad input never costs the others, and nothing is skipped without a word (issue 19):
symlink loops under a glob or a folder, FIFOs and devices, unreadable folders, a WARC record
that warcio cannot read. Real files, real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cleaner.sources.files import expand, iter_paths

ROOT = Path(__file__).resolve().parents[1]


def _clean(*args: str, timeout: float = 120, stdin: bytes | None = None,
           cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "cleaner", "clean", "--format", "jsonl",
                           "--no-default-rules", "--rules", str(ROOT / "rules" / "detectors.toml"),
                           *args], check=False, capture_output=True, timeout=timeout, input=stdin,
                          cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _records(done: subprocess.CompletedProcess[bytes]) -> list[dict[str, object]]:
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture()
def looped(tmp_path: Path) -> Path:
    """``g/a.txt``, ``g/sub/b.txt``, and two symlinks that make loops (``up`` and ``self``)."""
    tree = tmp_path / "g"
    (tree / "sub").mkdir(parents=True)
    (tree / "a.txt").write_text("The first file of the tree.\n", encoding="utf-8")
    (tree / "sub" / "b.txt").write_text("The second file of the tree.\n", encoding="utf-8")
    (tree / "sub" / "up").symlink_to("..")
    (tree / "sub" / "self").symlink_to("../sub")
    return tree


def test_a_glob_over_symlink_loops_gives_each_file_once(looped: Path) -> None:
    found = [f.rel for f in expand(f"{looped}/**/*.txt")]
    assert found == ["a.txt", "sub/b.txt"]
    assert [f.rel for f in expand(str(looped))] == ["a.txt", "sub/b.txt"]


def test_the_cli_ends_on_a_looped_tree(looped: Path) -> None:
    done = _clean(f"{looped}/**/*.txt", str(looped))
    assert done.returncode == 0, done.stderr
    assert [r["source"] for r in _records(done)] == [str(looped / "a.txt"),
                                                      str(looped / "sub" / "b.txt")] * 2


def test_glob_matches_what_glob_glob_matches(tmp_path: Path) -> None:
    for rel in ("a.txt", "b.md", "x/c.txt", "x/y/d.txt", ".hidden/e.txt", "x/.f.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    import glob

    for pattern in ("**/*.txt", "*.txt", "x/*.txt", "x/**/*.txt", "*/*.txt", "**/.f.txt", "x/y/*"):
        full = f"{tmp_path}/{pattern}"
        want = sorted(Path(m) for m in glob.glob(full, recursive=True) if Path(m).is_file())
        got = [f.path for f in expand(full) if f.path is not None]
        assert got == want, pattern


def test_fifos_and_devices_in_a_folder_are_error_records(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("An ordinary file with ordinary words.\n", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere")
    done = _clean(str(tmp_path), f"{tmp_path}/*.txt", timeout=60)
    records = _records(done)
    failed = [r for r in records if r["error"]]
    errors = {Path(str(r["source"])).name: r["error"] for r in failed}
    assert len(records) == 8 and len(failed) == 6
    assert "FIFO" in str(errors["pipe.txt"]) and "character device" in str(errors["zero.txt"])
    assert "broken symbolic link" in str(errors["gone.txt"])
    assert done.returncode == 1 and b"Traceback" not in done.stderr


def test_a_fifo_or_device_named_directly_never_hangs(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    done = _clean(str(pipe), "/dev/zero", timeout=60)
    errors = [str(r["error"]) for r in _records(done)]
    assert "FIFO with no writer" in errors[0] and "character device" in errors[1]


def test_a_fifo_with_a_writer_is_read(tmp_path: Path) -> None:
    """``<(command)`` and a named pipe someone writes to are read as files."""
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)

    def write() -> None:
        with open(pipe, "wb") as out:  # waits for the reader
            out.write(b"Words that came through a pipe.\n")

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    while thread.is_alive():  # the writer is waiting on open: the pipe has a writer once read
        docs = list(iter_paths([str(pipe)]))
        if docs[0].error is None:
            break
    thread.join(timeout=60)
    assert docs[0].error is None and docs[0].content == b"Words that came through a pipe.\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_an_unreadable_folder_is_an_error_record(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("An ordinary file.\n", encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_text("Hidden.\n", encoding="utf-8")
    locked.chmod(0)
    try:
        found = list(expand(str(tmp_path)))
    finally:
        locked.chmod(0o755)
    assert [f.rel for f in found] == ["a.txt", "locked"]
    assert found[1].error is not None and "cannot read folder" in str(found[1].error)


def test_a_folder_that_cannot_be_listed_is_an_error_record(tmp_path: Path) -> None:
    """As root every folder can be read; a glob whose fixed part is a file cannot be listed."""
    (tmp_path / "file").write_text("x", encoding="utf-8")
    from cleaner.sources._walk import walk

    entries = list(walk(tmp_path / "file", lambda _: True, lambda _: True))
    assert len(entries) == 1 and "cannot read folder" in str(entries[0].problem)


def test_a_warc_record_without_target_uri_is_one_error_record(tmp_path: Path) -> None:
    warc = tmp_path / "min.warc"
    warc.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\n")
    other = tmp_path / "a.txt"
    other.write_text("A text that is cleaned all the same.\n", encoding="utf-8")
    for jobs in ("1", "2"):
        done = _clean("-j", jobs, str(warc), str(other))
        records = _records(done)
        assert len(records) == 2, done.stderr
        assert "WARC-Target-URI" in str(records[0]["error"])
        assert records[1]["text"] == "A text that is cleaned all the same."
        assert done.returncode == 1 and b"Traceback" not in done.stderr


def _limited(max_bytes: int) -> None:
    """In the child: files may not grow past ``max_bytes`` (a write past it fails with EFBIG,
    as on a full disk, instead of killing the process)."""
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))


def _big_inputs(tmp_path: Path) -> list[str]:
    folder = tmp_path / "in"
    folder.mkdir()
    sentence = "An ordinary sentence of an ordinary article, written to fill the page. "
    for name in ("a", "b"):
        (folder / f"{name}.txt").write_text(sentence * 200 + "\n", encoding="utf-8")
    return [str(folder / "a.txt"), str(folder / "b.txt")]


@pytest.mark.parametrize("target", ["/dev/full", "stdout"])
def test_a_full_disk_is_one_clear_line_and_exit_1(target: str, tmp_path: Path) -> None:
    args = _big_inputs(tmp_path)
    with open("/dev/full", "wb") as full:
        command = [sys.executable, "-m", "cleaner", "clean", "--no-default-rules", *args]
        if target != "stdout":
            command[4:4] = ["--format", "jsonl", "-o", target]
        done = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, timeout=120,
                              check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1
    assert b"No space left on device" in done.stderr
    assert b"Traceback" not in done.stderr and b"Exception ignored" not in done.stderr


def test_a_failed_write_into_a_folder_leaves_no_part_file(tmp_path: Path) -> None:
    args = _big_inputs(tmp_path)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "cleaner", "clean", "--no-default-rules",
                           "-o", f"{out}/", *args], capture_output=True, timeout=120, check=False,
                          preexec_fn=lambda: _limited(4096),
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1 and b"cannot write" in done.stderr
    assert b"Traceback" not in done.stderr
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]


def test_a_failed_write_into_a_file_is_one_clear_line(tmp_path: Path) -> None:
    args = _big_inputs(tmp_path)
    done = subprocess.run([sys.executable, "-m", "cleaner", "clean", "--no-default-rules",
                           "--format", "jsonl", "-o", str(tmp_path / "out.jsonl"), *args],
                          capture_output=True, timeout=120, check=False,
                          preexec_fn=lambda: _limited(4096),
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1 and b"File too large" in done.stderr
    assert b"Traceback" not in done.stderr


def test_an_empty_text_file_says_why_its_body_is_empty(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    done = _clean(str(tmp_path / "empty.txt"))
    assert _records(done)[0]["reason"] == "empty document"


def test_a_resume_with_nothing_left_still_reports_earlier_failures(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "Fine words here."}\n{"id": "b"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    first = _clean("--resume", "-o", str(out), str(source))
    again = _clean("--resume", "-o", str(out), str(source))
    assert first.returncode == again.returncode == 1
    assert b"1 input(s) failed (1 in the earlier run)" in again.stderr
