"""Batches through ``cleaner clean``: one record per input, order, workers, limits, resume, stats."""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

import cleaner
from cleaner import CleanTimeout, SourceError
from cleaner._batch import BatchOptions, Job, Packed, Task, plan_units, run_batch
from cleaner._batch import _sinks
from cleaner._batch._pool import PoolSettings, _Pool, run_local
from cleaner._batch._sinks import FileSink, resume_point
from cleaner._batch._stats import Tally
from cleaner._limit import TimeLimit
from cleaner.cli import main
from cleaner.sources import Document
from cleaner.sources.jsonl import RecordFields

ROOT = Path(__file__).resolve().parents[1]
TEXTS = sorted((ROOT / "fixtures" / "text").glob("*.txt"))


SMALL_RULES = """
[[rule]]
id = "advertisement.test-label"
category = "advertisement"
description = "A lone ad label (a small rule set keeps these tests fast; the mechanics are the same)."
languages = ["*"]
match = "whole"
phrases = ["advertisement", "anzeige", "publicidad", "publicité"]
[rule.examples]
drop = ["Advertisement"]
keep = ["The advertisement ran for a week in the local paper."]
"""


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """CLI arguments for a one-rule set: compiling the shipped rules costs a second a process."""
    path = tmp_path_factory.mktemp("rules") / "small.toml"
    path.write_text(SMALL_RULES, encoding="utf-8")
    return ["--no-default-rules", "--rules", str(path)]


def run(*args: str, stdin: str | bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=stdin)


def write_jsonl(path: Path, count: int, bad: bool = True) -> list[str]:
    """``count`` records built from the fixtures (varied ids), then, with ``bad``, three bad lines."""
    lines = []
    for i in range(count):
        text = TEXTS[i % len(TEXTS)].read_text(encoding="utf-8")
        lines.append(json.dumps({"id": f"doc-{i}", "url": f"https://news.example/{i}", "text": text}))
    if bad:
        lines += ['{"id": "broken", "text": ', '{"id": "no-text"}', '{"text": 5}']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def records(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines()]


# -- one record per input, in order, the same bytes every time --------------------------------

def test_jsonl_one_record_per_line_errors_included(tmp_path: Path, rules: list[str]) -> None:
    write_jsonl(tmp_path / "in.jsonl", 20)
    result = run("clean", *rules, "--format", "jsonl", "-j", "2", str(tmp_path / "in.jsonl"))
    assert result.exit_code == 1
    out = records(result.stdout)
    assert [r["id"] for r in out[:20]] == [f"doc-{i}" for i in range(20)]
    assert len(out) == 23
    assert list(out[0]) == ["id", "url", "title", "text", "metadata", "removed", "error", "source"]
    assert all(set(r) == {"rule_id", "category", "text", "chars"} for rec in out for r in rec["removed"])  # type: ignore[union-attr]
    errors = [r["error"] for r in out[20:]]
    assert errors[0].startswith(f"{tmp_path / 'in.jsonl'}:21: malformed JSON")  # type: ignore[union-attr]
    assert "in.jsonl:22: missing field" in errors[1] and out[21]["id"] == "no-text"  # type: ignore[operator]
    assert "in.jsonl:23: wrong type" in errors[2]  # type: ignore[operator]
    assert "3 input(s) failed" in result.stderr and "errors by kind: " in result.stderr


def test_record_matches_the_library(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", 3, bad=False)
    out = records(run("clean", "--format", "jsonl", str(tmp_path / "in.jsonl")).stdout)
    for i, record in enumerate(out):
        expected = cleaner.clean_text(TEXTS[i].read_text(encoding="utf-8"), url=f"https://news.example/{i}")
        assert record["text"] == expected.text and record["title"] == expected.title
        assert [r["rule_id"] for r in record["removed"]] == [r.rule_id for r in expected.removed]  # type: ignore[union-attr]


def test_jobs_and_runs_give_the_same_bytes(tmp_path: Path, rules: list[str]) -> None:
    write_jsonl(tmp_path / "in.jsonl", 150)
    outs = [run("clean", *rules, "--format", "jsonl", "-j", jobs, "-o", str(tmp_path / f"{n}.jsonl"),
                "-q", str(tmp_path / "in.jsonl")) for n, jobs in enumerate(["1", "2", "2"])]
    assert [o.exit_code for o in outs] == [1, 1, 1]
    data = [(tmp_path / f"{n}.jsonl").read_bytes() for n in range(3)]
    assert data[0] == data[1] == data[2] and data[0].count(b"\n") == 153


def test_pool_cuts_blocks_of_lines_and_keeps_every_record_in_order(tmp_path: Path) -> None:
    """Blocks of JSON lines cut into many small chunks, cleaned by two workers: the same bytes,
    errors and numbers as one process, and the same records unordered."""
    write_jsonl(tmp_path / "in.jsonl", 120)
    job = Job(tuple(cleaner.load_rules(ROOT / "rules" / "promo.toml")))

    def clean(jobs: int, ordered: bool = True) -> list[Packed]:
        units = plan_units([str(tmp_path / "in.jsonl")], RecordFields(), block_bytes=50_000)
        return list(run_local(units, job, PoolSettings(jobs, ordered, chunk_bytes=7_000)))

    one, two, loose = clean(1), clean(2), clean(2, ordered=False)
    assert len(two) > 3 * len(one)  # the blocks were cut
    assert b"".join(p.output for p in two) == b"".join(p.output for p in one)
    assert b"".join(p.output for p in one).count(b"\n") == 123
    assert [e for p in two for e in p.errors] == [e for p in one for e in p.errors] != []
    totals = [sum((p.tally.rule_chars for p in run), Counter()) for run in (one, two)]
    assert totals[0] == totals[1] != Counter()
    assert sorted(b"".join(p.output for p in loose).splitlines()) == sorted(
        b"".join(p.output for p in one).splitlines())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are Linux's")
def test_a_pool_pipe_holds_a_whole_chunk() -> None:
    """A worker hands back a chunk's results (about a megabyte) in one write, instead of taking
    turns with the parent for every 64 kB of a default pipe."""
    import fcntl

    settings = PoolSettings(2)
    cap = int(Path("/proc/sys/fs/pipe-max-size").read_text())
    with _Pool(Job(()), settings) as pool:
        sizes = [fcntl.fcntl(conn.fileno(), fcntl.F_GETPIPE_SZ)
                 for proc in pool.procs for conn in (proc.tasks, proc.results)]
    assert sizes and all(size >= min(settings.chunk_bytes, cap) for size in sizes)


def test_the_parent_of_a_pool_never_compiles_the_rules(tmp_path: Path, rules: list[str]) -> None:
    """The workers compile; the parent only ships ``.rules`` (compiling costs it a second and
    tens of MB it never uses)."""
    write_jsonl(tmp_path / "in.jsonl", 12, bad=False)
    parent = cleaner.Cleaner([rules[-1]], default_rules=False)
    options = BatchOptions(jobs=2, output=tmp_path / "out.jsonl")
    stats = run_batch([str(tmp_path / "in.jsonl")], parent, options, sys.stdout.buffer, print)
    assert stats.documents == 12 and stats.failed == 0
    assert records((tmp_path / "out.jsonl").read_text(encoding="utf-8"))[11]["id"] == "doc-11"
    assert parent._built is None


def test_unordered_gives_the_same_records(tmp_path: Path, rules: list[str]) -> None:
    write_jsonl(tmp_path / "in.jsonl", 150)
    ordered = run("clean", *rules, "--format", "jsonl", "-j", "2", str(tmp_path / "in.jsonl")).stdout
    loose = run("clean", *rules, "--format", "jsonl", "-j", "2", "--unordered",
                str(tmp_path / "in.jsonl")).stdout
    assert sorted(ordered.splitlines()) == sorted(loose.splitlines())


def test_stdin_jsonl_and_gz_and_folders_and_globs(tmp_path: Path, rules: list[str]) -> None:
    lines = write_jsonl(tmp_path / "in.jsonl", 3, bad=False)
    piped = run("clean", *rules, "--format", "jsonl", "--input-format", "jsonl", "-",
                stdin="\n".join(lines))
    assert [r["id"] for r in records(piped.stdout)] == ["doc-0", "doc-1", "doc-2"]
    assert [r["source"] for r in records(piped.stdout)] == ["<stdin>:1", "<stdin>:2", "<stdin>:3"]
    nested = tmp_path / "tree" / "a" / "b"
    nested.mkdir(parents=True)
    (nested / "one.txt").write_text(TEXTS[0].read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "tree" / "two.txt").write_text(TEXTS[1].read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "tree" / "skip.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    walked = run("clean", *rules, "--format", "jsonl", str(tmp_path / "tree"))
    folder = records(walked.stdout)
    assert [r["source"] for r in folder] == [str(nested / "one.txt"), str(tmp_path / "tree" / "two.txt")]
    assert "skip.png: left out: not text: looks like a PNG image" in walked.stderr
    pattern = records(run("clean", *rules, "--format", "jsonl",
                          str(tmp_path / "tree" / "**" / "*.txt")).stdout)
    assert pattern == folder
    assert "pattern matches no files" in run("clean", *rules, str(tmp_path / "*.nothing")).stderr


def test_output_folder_mirrors_inputs(tmp_path: Path, rules: list[str]) -> None:
    tree = tmp_path / "in"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "a.txt").write_text(TEXTS[0].read_text(encoding="utf-8"), encoding="utf-8")
    write_jsonl(tree / "records.jsonl", 2)
    for fmt, suffix in (("text", ".txt"), ("markdown", ".md"), ("json", ".json")):
        out = tmp_path / f"out-{fmt}"
        result = run("clean", *rules, "--format", fmt, "-o", f"{out}/", "-q", str(tree))
        assert result.exit_code == 1 and result.stdout == ""
        files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
        expected = [f"records/1{suffix}", f"records/2{suffix}", f"sub/a{suffix}"]
        if fmt == "json":  # error records are files too
            expected = sorted(expected + [f"records/{n}{suffix}" for n in (3, 4, 5)])
        assert files == expected
    mine = cleaner.Cleaner([rules[-1]], default_rules=False)
    body = mine.clean_text(TEXTS[0].read_text(encoding="utf-8")).text
    assert (tmp_path / "out-text" / "sub" / "a.txt").read_text(encoding="utf-8") == body + "\n"


def test_stats_file_and_summary(tmp_path: Path, rules: list[str]) -> None:
    write_jsonl(tmp_path / "in.jsonl", 10)
    stats_path = tmp_path / "stats.json"
    result = run("clean", *rules, "--format", "jsonl", "--stats", str(stats_path),
                 str(tmp_path / "in.jsonl"))
    stats = json.loads(stats_path.read_text(encoding="utf-8"))
    assert (stats["documents"], stats["ok"], stats["failed"]) == (13, 10, 3)
    assert stats["errors_by_kind"] == {"malformed JSON": 1, "missing field": 1, "wrong type": 1}
    out = records(result.stdout)
    removed = [r for rec in out for r in rec["removed"]]  # type: ignore[attr-defined]
    assert sum(v["blocks"] for v in stats["removed_by_rule"].values()) == len(removed)
    assert sum(v["chars"] for v in stats["removed_by_category"].values()) == sum(r["chars"] for r in removed)
    assert stats["bytes_out"] == sum(len(str(r["text"]).encode()) for r in out if r["text"] is not None)
    assert "13 documents (10 ok, 3 failed)" in result.stderr
    assert "\r" not in result.stderr  # no progress bar when stderr is not a terminal


@pytest.mark.parametrize(
    "args",
    [["--resume"], ["--resume", "--unordered", "-o", "x.jsonl"], ["--resume", "--format", "text", "-o", "x.txt"],
     ["--format", "jsonl", "-o", "dir/"], ["--jobs", "0"], ["--time-limit", "0"]],
    ids=["resume-no-output", "resume-unordered", "resume-text", "jsonl-dir", "jobs", "time-limit"],
)
def test_usage_errors_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("clean", *args, "-")
    assert result.exit_code == 2, result.output


# -- time limits and workers that die ---------------------------------------------------------

def test_time_limit_makes_an_error_record_and_the_run_goes_on(tmp_path: Path, rules: list[str]) -> None:
    big = "Title Of The Long Page\n\n" + "\n\n".join(
        f"Paragraph {i} of a very long page that takes a while to clean." for i in range(60_000))
    docs = [{"id": "small-0", "text": TEXTS[0].read_text(encoding="utf-8")}, {"id": "big", "text": big}]
    docs += [{"id": f"small-{i}", "text": TEXTS[i].read_text(encoding="utf-8")} for i in range(1, 6)]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in docs) + "\n", encoding="utf-8")
    result = run("clean", *rules, "--format", "jsonl", "-j", "2", "--time-limit", "0.05", str(path))
    out = records(result.stdout)
    assert [r["id"] for r in out] == [d["id"] for d in docs]
    assert [r["error"] is None for r in out] == [True, False, True, True, True, True, True]
    assert "timeout: took longer than 0.05 s" in str(out[1]["error"]) and result.exit_code == 1


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_time_limit_interrupts_in_any_thread_and_leaves_no_trace() -> None:
    """In the main thread (a SIGALRM timer) and in another (the watchdog) the block is
    interrupted; afterwards the previous handler is back and no late alarm goes off."""
    limit = TimeLimit(0.05)
    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(CleanTimeout):
        with limit():
            _spin(2)
    for _ in range(3):
        with limit():
            _spin(0.01)
    _spin(0.1)  # past the limit: a timer left running would raise here
    assert signal.getsignal(signal.SIGALRM) is before

    caught: list[BaseException] = []

    def in_thread() -> None:
        try:
            with limit():
                _spin(2)
        except CleanTimeout as exc:
            caught.append(exc)

    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join(5)
    limit.close()
    assert len(caught) == 1


@dataclass(frozen=True)
class Stuck:
    """An input whose loading blocks the timer signal and sleeps: only the pool can stop it."""

    source: str

    def load(self) -> Document:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(60)
        return Document(self.source, "never")


@dataclass(frozen=True)
class Crash:
    """An input whose loading kills the worker process."""

    source: str

    def load(self) -> Document:
        os.kill(os.getpid(), signal.SIGKILL)
        return Document(self.source, "never")


def small_tasks(n: int) -> Iterator[Task]:
    for i in range(n):
        yield Task(Document(f"t{i}", f"Paragraph number {i} of a short text.\n\nAnd a second one."), f"t{i}")


@dataclass(frozen=True)
class Bundle:
    """A unit of several inputs, as a block of JSON lines is: the pool must fail only the bad
    one of them and clean the others."""

    inputs: tuple[Task, ...]

    @property
    def size(self) -> int:
        return 100 * len(self.inputs)

    def tasks(self) -> Iterator[Task]:
        yield from self.inputs


@pytest.mark.parametrize("bundled", [False, True], ids=["alone", "bundled"])
@pytest.mark.parametrize("bad", [Stuck("stuck"), Crash("crash")], ids=["stuck", "crash"])
def test_pool_replaces_a_worker_that_hangs_or_dies(bad: object, bundled: bool) -> None:
    tasks = list(small_tasks(40))
    tasks.insert(5, Task(bad, "bad"))  # type: ignore[arg-type]
    units: list[object] = list(tasks)
    if bundled:
        units[4:7] = [Bundle(tuple(tasks[4:7]))]
    job = Job((), time_limit=0.5)  # no rules: what is tested is the pool
    started = time.monotonic()
    outs = list(run_local(units, job, PoolSettings(jobs=2, chunk_units=4, grace=0.5)))  # type: ignore[arg-type]
    assert len(outs) == len(units)  # one result per unit
    records = [json.loads(line) for packed in outs for line in packed.output.splitlines()]
    assert [r["source"] for r in records] == [t.item.source for t in tasks]
    failed = [r for r in records if r["error"] is not None]
    assert [r["source"] for r in failed] == [bad.source]  # type: ignore[attr-defined]
    assert [e for packed in outs for e in packed.errors] == [failed[0]["error"]]
    kinds = sum((packed.tally.errors for packed in outs), Counter())
    if isinstance(bad, Stuck):
        assert kinds == {"timeout": 1} and "worker stopped and replaced" in failed[0]["error"]
    else:
        assert "worker process died (exit code -9)" in failed[0]["error"]
    assert time.monotonic() - started < 30


# -- resume after kill -9 ---------------------------------------------------------------------

def test_resume_point_cuts_a_torn_line(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"a": 1}\n{"a": 2}\n{"a": 3, "te')
    assert resume_point(path) == 2 and path.read_bytes() == b'{"a": 1}\n{"a": 2}\n'
    assert resume_point(tmp_path / "missing.jsonl") == 0


def test_file_sink_syncs_in_the_background_and_reports_a_failed_sync(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's own thread never waits on ``fsync`` until the end; a sync that failed in the
    background fails the run when the sink next looks (here: at the end)."""
    synced_on: list[str] = []

    def fsync(fd: int) -> None:
        synced_on.append(threading.current_thread().name)

    monkeypatch.setattr(_sinks.os, "fsync", fsync)
    path = tmp_path / "out.jsonl"
    sink = FileSink(path, append=False)
    sink.sync_every = 0.0
    lines = [b'{"n": %d}\n' % i for i in range(2000)]
    for line in lines:
        sink.write(Packed(line, (), (), Tally()))
        sink.flush()
    sink.close()
    assert path.read_bytes() == b"".join(lines)
    assert synced_on[-1] == threading.current_thread().name  # the last one, at the end
    assert synced_on[:-1] and all(name.startswith("cleaner-fsync") for name in synced_on[:-1])

    def failing(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(_sinks.os, "fsync", failing)
    sink = FileSink(path, append=True)
    sink.sync_every = 0.0
    sink.write(Packed(b'{"n": -1}\n', (), (), Tally()))
    sink.flush()
    with pytest.raises(SourceError, match="cannot write: Input/output error"):
        sink.close()


def test_output_to_a_device_that_cannot_sync(tmp_path: Path, rules: list[str]) -> None:
    source = tmp_path / "in.jsonl"
    write_jsonl(source, 3, bad=False)
    result = run("clean", *rules, "--format", "jsonl", "-q", "-o", os.devnull, str(source))
    assert result.exit_code == 0, result.output


def test_resume_after_kill_9_loses_and_duplicates_nothing(tmp_path: Path, rules: list[str]) -> None:
    source = tmp_path / "in.jsonl"
    write_jsonl(source, 6000)
    reference = tmp_path / "reference.jsonl"
    command = [sys.executable, "-m", "cleaner", "clean", *rules, "--format", "jsonl", "-j", "2", "-q",
               str(source)]
    subprocess.run([*command, "-o", str(reference)], check=False, timeout=120)
    target = tmp_path / "out.jsonl"
    proc = subprocess.Popen([*command, "-o", str(target)], start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not target.exists() or target.stat().st_size < 200_000):
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    written = target.read_bytes()
    assert 0 < written.count(b"\n") < 6003, "the run was not interrupted mid-way"
    with open(target, "ab") as out:
        out.write(b'{"id": "torn')  # as if the machine had died inside a write
    resumed = subprocess.run([*command, "-o", str(target), "--resume"], check=False, capture_output=True,
                             text=True, timeout=120)
    assert resumed.returncode == 1  # the three bad lines
    assert target.read_bytes() == reference.read_bytes()


# -- records that name only a URL -------------------------------------------------------------

class _Site(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # the name http.server calls
        if self.path != "/story":
            self.send_error(404)
            return
        body = (b"<html><head><title>Harbour Ferry Fares</title></head><body><article>"
                b"<h1>Harbour Ferry Fares Rise</h1><p>The council approved the new fares on "
                b"Tuesday after a long debate in the town hall.</p><p>Boats will leave every "
                b"twenty minutes during the morning rush, the operator said.</p></article></body></html>")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_record_with_only_a_url_is_fetched(tmp_path: Path) -> None:
    pytest.importorskip("cleaner.fetch._fetcher")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        path = tmp_path / "urls.jsonl"
        path.write_text(json.dumps({"id": "u1", "url": f"{base}/story"}) + "\n"
                        + json.dumps({"id": "u2", "url": f"{base}/missing"}) + "\n", encoding="utf-8")
        result = run("clean", "--format", "jsonl", str(path))
    finally:
        server.shutdown()
        server.server_close()
    ok, missing = records(result.stdout)
    assert ok["error"] is None and "twenty minutes" in str(ok["text"])
    assert (ok["final_url"], ok["status"]) == (f"{base}/story", 200)
    assert missing["status"] == 404 and "http" in str(missing["error"])
