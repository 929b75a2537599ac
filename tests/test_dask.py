"""The same batch on a real Dask cluster: a scheduler and two single-threaded workers on
127.0.0.1, started here as processes. Its output must equal the local run's, record for record."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]
TEXTS = sorted((ROOT / "fixtures" / "text").glob("*.txt"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _dask(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("dask")), *args]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``tcp://127.0.0.1:PORT`` of a scheduler with two ``--nthreads 1`` workers."""
    logs = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    commands = [_dask("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")]
    commands += [_dask("worker", address, "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1",
                       "--no-dashboard", "--local-directory", str(logs / f"w{n}")) for n in range(2)]
    with ExitStack() as stack:
        procs = []
        for n, command in enumerate(commands):
            log = stack.enter_context(open(logs / f"{n}.log", "wb"))
            procs.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT))
        try:
            ready = subprocess.run(  # noqa: PLW1510 - the return code is asserted
                [sys.executable, "-c", ("import sys; from distributed import Client; "
                 "c = Client(sys.argv[1], timeout=60); c.wait_for_workers(2, timeout=60); c.close()"),
                 address], capture_output=True, text=True, timeout=120)
            assert ready.returncode == 0, ready.stderr[-2000:]
            yield address
        finally:
            for proc in reversed(procs):
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def _inputs(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": f"doc-{i}", "text": TEXTS[i % len(TEXTS)].read_text(encoding="utf-8")})
             for i in range(1200)]
    lines[7] = '{"id": "broken"'
    lines[900] = '{"id": "no-text"}'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _clean(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """The command with the shipped detector rules only (compiling all rules costs a second a
    process; what is tested here is the same whatever the rules)."""
    return subprocess.run([sys.executable, "-m", "cleaner", "clean", "--format", "jsonl", "-q",
                           "--no-default-rules", "--rules", str(ROOT / "rules" / "detectors.toml"),
                           *args], check=False, capture_output=True, timeout=300, input=stdin)


def test_cluster_output_equals_local_output(cluster: str, tmp_path: Path) -> None:
    source = _inputs(tmp_path)
    local = _clean("-j", "2", str(source))
    remote = _clean("--scheduler", cluster, str(source))
    assert local.returncode == remote.returncode == 1
    assert remote.stdout.count(b"\n") == 1200
    assert remote.stdout.splitlines() == local.stdout.splitlines()  # record for record, in order
    unordered = _clean("--scheduler", cluster, "--unordered", str(source))
    assert unordered.returncode == 1, unordered.stderr[-2000:]
    assert sorted(unordered.stdout.splitlines()) == sorted(local.stdout.splitlines())


def test_cluster_resume_and_stats(cluster: str, tmp_path: Path) -> None:
    source = _inputs(tmp_path)
    target = tmp_path / "out.jsonl"
    full = _clean("-j", "1", str(source)).stdout
    target.write_bytes(b"".join(full.splitlines(keepends=True)[:500]))
    stats = tmp_path / "stats.json"
    _clean("--scheduler", cluster, "--resume", "-o", str(target), "--stats", str(stats), str(source))
    assert target.read_bytes() == full
    numbers = json.loads(stats.read_text(encoding="utf-8"))
    assert (numbers["documents"], numbers["skipped_resumed"], numbers["failed"]) == (700, 500, 1)
    assert numbers["mode"] == f"dask {cluster}"


def test_clean_bag_on_the_cluster(cluster: str, tmp_path: Path) -> None:
    script = tmp_path / "bag.py"
    script.write_text(
        "import json, sys\n"
        "import dask.bag as db\n"
        "from distributed import Client\n"
        "import cleaner\n"
        "from cleaner.dask import clean_bag\n"
        "texts = json.load(open(sys.argv[2], encoding='utf-8'))\n"
        "items = [{'id': str(i), 'text': t} for i, t in enumerate(texts)] + ['plain text item', {'id': 'x'}]\n"
        "with Client(sys.argv[1]) as client:\n"
        "    out = clean_bag(db.from_sequence(items, npartitions=3)).compute()\n"
        "print(json.dumps(out))\n", encoding="utf-8")
    texts = [p.read_text(encoding="utf-8") for p in TEXTS[:5]]
    (tmp_path / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), cluster, str(tmp_path / "texts.json")],
                          check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    records = json.loads(done.stdout)
    import cleaner

    assert [r["id"] for r in records] == ["0", "1", "2", "3", "4", "<bag>", "x"]
    assert [r["text"] for r in records[:5]] == [cleaner.clean_text(t).text for t in texts]
    assert records[-1]["error"] is not None and "missing field" in records[-1]["error"]


def test_clean_bag_with_any_scheduler() -> None:
    db = pytest.importorskip("dask.bag")
    from cleaner.dask import clean_bag

    text = TEXTS[0].read_text(encoding="utf-8")
    out = clean_bag(db.from_sequence([text, {"id": "r", "text": text}], npartitions=2)).compute(
        scheduler="sync")
    import cleaner

    assert [r["text"] for r in out] == [cleaner.clean_text(text).text] * 2 and out[1]["id"] == "r"


def test_clean_bag_compiles_the_rules_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Six partitions, one process: one ``Worker`` (one compile of the rules), not six."""
    db = pytest.importorskip("dask.bag")
    from cleaner._batch import _work
    from cleaner.dask import clean_bag

    built: list[object] = []
    original = _work.Worker.__init__

    def counting(self: _work.Worker, job: _work.Job) -> None:
        built.append(job)
        original(self, job)

    monkeypatch.setattr(_work.Worker, "__init__", counting)
    texts = [p.read_text(encoding="utf-8") for p in TEXTS[:6]]
    bag = db.from_sequence(texts, npartitions=6)
    out = clean_bag(bag, time_limit=17.25).compute(scheduler="sync")  # a job no other test runs
    assert len(out) == 6 and all(r["error"] is None for r in out)
    assert len(built) == 1


def test_clean_dataframe() -> None:
    pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    import dask.dataframe as dd

    from cleaner.dask import clean_dataframe

    texts = [p.read_text(encoding="utf-8") for p in TEXTS[:4]]
    ddf = dd.from_pandas(pd.DataFrame({"text": texts, "n": range(4)}), npartitions=2)
    out = clean_dataframe(ddf).compute(scheduler="sync")
    import cleaner

    assert list(out["clean_text"]) == [cleaner.clean_text(t).text for t in texts]
    assert list(out["n"]) == [0, 1, 2, 3] and out["clean_error"].isna().all()


def test_importing_cleaner_does_not_import_dask() -> None:
    code = ("import sys, cleaner, cleaner.cli, cleaner.adapters, cleaner._batch\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('dask', 'distributed', 'datatrove', 'datasets', 'pandas'))\n"
            "assert not bad, bad\n")
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_many_small_partitions_come_back_in_order(cluster: str, tmp_path: Path) -> None:
    """More partitions than may be in flight at once, finishing out of order: the output is
    still the local run's, byte for byte, with the same errors and numbers (and the same
    records with ``ordered=False``)."""
    from cleaner._batch import Job, Stats, plan, plan_units
    from cleaner._batch._cluster import run_cluster
    from cleaner._batch._pool import PoolSettings, run_local
    from cleaner.rules import load_rules
    from cleaner.sources.jsonl import RecordFields

    source = str(_inputs(tmp_path))
    job = Job(tuple(load_rules(ROOT / "rules" / "detectors.toml")))
    local = list(run_local(plan([source], RecordFields()), job, PoolSettings(1)))
    expected = Stats("", 1)
    for item in local:
        expected.merge(item.tally)

    def units() -> object:  # blocks of a few records each, so about 300 partitions
        return plan_units([source], RecordFields(), block_bytes=20_000)

    parts = list(run_cluster(units(), job, cluster, part_bytes=15_000))  # type: ignore[arg-type]
    assert len(parts) > 100
    assert b"".join(p.output for p in parts) == b"".join(o.output for o in local)
    assert [e for p in parts for e in p.errors] == [e for o in local for e in o.errors]
    got = Stats("", 1)
    for part in parts:
        got.merge(part.tally)
    assert (got.documents, got.failed, got.bytes_in, got.bytes_out, got.errors, got.rule_chars) == (
        1200, 2, expected.bytes_in, expected.bytes_out, expected.errors, expected.rule_chars)
    loose = list(run_cluster(units(), job, cluster, ordered=False,  # type: ignore[arg-type]
                             part_bytes=15_000))
    records = sorted(line for p in loose for line in p.output.splitlines())
    assert records == sorted(b"".join(o.output for o in local).splitlines())


def test_a_run_pauses_the_workers_profiler_and_starts_it_again(cluster: str) -> None:
    """The rules plugin stops each worker's stack sampler while it is registered (a run) and
    starts it again when it is removed; a sampler that was already off stays off."""
    from distributed import Client

    from cleaner._batch import Job
    from cleaner._batch._cluster import CompiledRules
    from cleaner.rules import load_rules

    def _profiling(dask_worker: Any) -> bool:  # a local function: sent by value, not by name
        return bool(dask_worker.periodic_callbacks["profile"].is_running())

    job = Job(tuple(load_rules(ROOT / "rules" / "detectors.toml")))
    with Client(cluster, set_as_default=False) as client:
        assert set(client.run(_profiling).values()) == {True}
        client.register_plugin(CompiledRules(job), name="test-rules")
        assert set(client.run(_profiling).values()) == {False}
        client.unregister_worker_plugin("test-rules")
        assert set(client.run(_profiling).values()) == {True}
        first = next(iter(client.nthreads()))
        client.run(lambda dask_worker: dask_worker.periodic_callbacks["profile"].stop(),
                   workers=[first])
        client.register_plugin(CompiledRules(job), name="test-rules")
        client.unregister_worker_plugin("test-rules")
        running = client.run(_profiling)
        client.run(lambda dask_worker: dask_worker.periodic_callbacks["profile"].start(),
                   workers=[first])
    assert running[first] is False and set(running.values()) == {True, False}


def test_cluster_writes_the_same_folder_as_a_local_run(cluster: str, tmp_path: Path) -> None:
    """``-o DIR``: the workers send each output back under its name; files, JSON lines (cut
    into blocks by the workers) and a resumed run give the same files as a local run."""
    tree = tmp_path / "in"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "a.txt").write_text(TEXTS[0].read_text(encoding="utf-8"), encoding="utf-8")
    (tree / "records.jsonl").write_bytes(_inputs(tmp_path).read_bytes())

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    local = _clean("--format", "json", "-j", "2", "-o", f"{tmp_path / 'local'}/", str(tree))
    remote = _clean("--format", "json", "--scheduler", cluster, "-o", f"{tmp_path / 'remote'}/",
                    str(tree))
    assert local.returncode == remote.returncode == 1, remote.stderr[-2000:]
    expected = files(tmp_path / "local")
    assert len(expected) == 1201 and files(tmp_path / "remote") == expected
    for name in list(expected)[::3]:
        (tmp_path / "remote" / name).unlink()
    stats = tmp_path / "stats.json"
    _clean("--format", "json", "--scheduler", cluster, "--resume", "--stats", str(stats),
           "-o", f"{tmp_path / 'remote'}/", str(tree))
    assert files(tmp_path / "remote") == expected
    numbers = json.loads(stats.read_text(encoding="utf-8"))
    assert (numbers["documents"], numbers["skipped_resumed"]) == (401, 800)


def test_cluster_reads_json_lines_from_stdin(cluster: str, tmp_path: Path) -> None:
    source = _inputs(tmp_path)
    local = _clean("-j", "1", "--input-format", "jsonl", "-", stdin=source.read_bytes())
    remote = _clean("--scheduler", cluster, "--input-format", "jsonl", "-", stdin=source.read_bytes())
    assert remote.returncode == local.returncode == 1
    assert remote.stdout == local.stdout and remote.stdout.count(b"\n") == 1200
    assert remote.stderr.count(b"<stdin>:8: malformed JSON") == 1


def test_a_partition_travels_beside_the_task_pickle_not_inside_it() -> None:
    import pickle

    from cleaner._batch._cluster import Blob

    data = bytes(range(256)) * 4096
    buffers: list[pickle.PickleBuffer] = []
    stream = pickle.dumps(Blob(data), protocol=5, buffer_callback=buffers.append)
    assert len(stream) < 200 and [b.raw().tobytes() for b in buffers] == [data]
    assert bytes(pickle.loads(stream, buffers=buffers).data) == data
    assert pickle.loads(pickle.dumps(Blob(data), protocol=4)).data == data  # older protocols: inline


def test_partitions_keep_every_record_and_get_smaller_at_the_end(tmp_path: Path) -> None:
    from cleaner._batch import plan, plan_units
    from cleaner._batch._cluster import partitions
    from cleaner.sources.jsonl import RecordFields

    source = str(_inputs(tmp_path))
    longest = max(len(line) for line in Path(source).read_bytes().splitlines(keepends=True))
    size = 100_000
    parts = list(partitions(plan_units([source], RecordFields(), block_bytes=size), size, workers=2))
    got = [(t.rel, t.item.raw) for part in parts for unit in part for t in unit.tasks()]  # type: ignore[attr-defined]
    assert got == [(t.rel, t.item.raw) for t in plan([source], RecordFields())]  # type: ignore[attr-defined]
    sizes = [sum(unit.size for unit in part) for part in parts]
    assert all(size - longest <= n <= size for n in sizes[:-20])
    assert max(sizes) <= size and sizes[-1] <= max(size // 16, longest)
    assert sum(sizes[-4:]) < size  # the last partitions are a fraction of a full one


def test_learning_counts_on_the_cluster_and_cleans_as_a_local_learn_run(
        cluster: str, tmp_path: Path) -> None:
    """``clean --learn --scheduler``: per-partition counts merged here, the learned rules shipped
    to the workers; the output and the learned files are a local run's, byte for byte."""
    sys.path.insert(0, str(ROOT / "tests"))
    from _sites import write_corpus

    lines = write_corpus(tmp_path / "all.jsonl").read_text().splitlines(keepends=True)
    parts = []
    for n in range(3):
        part = tmp_path / f"part{n}.jsonl"
        part.write_text("".join(lines[n::3]))
        parts.append(str(part))
    local = _clean("--learn", "-j", "1", "--save-learned", str(tmp_path / "local"), *parts)
    remote = _clean("--learn", "--scheduler", cluster, "--save-learned", str(tmp_path / "remote"),
                    *parts)
    assert local.returncode == remote.returncode == 0, remote.stderr[-2000:]
    assert remote.stdout == local.stdout and b"site.harbour-bulletin.com.1" in remote.stdout
    files = {p.name: p.read_bytes() for p in (tmp_path / "local").iterdir()}
    assert files and files == {p.name: p.read_bytes() for p in (tmp_path / "remote").iterdir()}
