"""``cleaner clean`` with URLs: on the command line, from ``--urls FILE`` or stdin, against a
server the tests start on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from _server import LoopbackServer, Reply
from click.testing import CliRunner

from cleaner.cli import main

ARTICLE = ("Harbour Council Approves New Ferry Timetable\n\n"
           "The council approved the timetable on Tuesday after a long debate.\n\n"
           "Boats will leave every twenty minutes during the morning rush.\n").encode()
TEXT = ("content-type", "text/plain; charset=utf-8")
FAST = ["-j", "1", "--retries", "0", "--read-timeout", "0.5", "--no-default-rules"]


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    routes = {
        "/robots.txt": lambda r: Reply(headers=(TEXT,), body=b"User-agent: *\nDisallow: /no/\n"),
        "/a": lambda r: Reply(headers=(TEXT,), body=ARTICLE),
        "/moved": lambda r: Reply(301, headers=(("location", "/a"),)),
        "/no/b": lambda r: Reply(headers=(TEXT,), body=ARTICLE),
    }
    running = LoopbackServer(routes).start()
    yield running
    running.stop()


def run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["clean", *FAST, *args], input=stdin)


def records(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_url_on_the_command_line(server: LoopbackServer) -> None:
    result = run(server.url("/moved"), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    [record] = records(result.stdout)
    assert (record["url"], record["final_url"], record["status"], record["error"]) == (
        server.url("/moved"), server.url("/a"), 200, None)
    assert record["text"] and {"title", "metadata", "removed"} <= set(record)


def test_single_url_prints_its_body(server: LoopbackServer) -> None:
    result = run(server.url("/a"))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("The council approved the timetable")


def test_urls_file_and_stdin_one_record_each_and_exit_1(server: LoopbackServer,
                                                        tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text(f"{server.url('/a')}\n# a comment\n{server.url('/no/b')}\n", "utf-8")
    result = run("--urls", str(listing), "--format", "jsonl")
    assert result.exit_code == 1
    out = records(result.stdout)
    assert [r["url"] for r in out] == [server.url("/a"), server.url("/no/b")]
    assert out[1]["error"] and "robots" in str(out[1]["error"])
    assert "1 input(s) failed" in result.stderr
    piped = run("--urls", "-", "--format", "jsonl", stdin=f"{server.url('/a')}\n")
    assert piped.exit_code == 0 and len(records(piped.stdout)) == 1


def test_deny_private_and_ignore_robots(server: LoopbackServer) -> None:
    refused = run(server.url("/a"), "--deny-private", "--format", "jsonl")
    assert refused.exit_code == 1
    [record] = records(refused.stdout)
    assert "connect: refused by deny_private" in str(record["error"])
    allowed = run(server.url("/no/b"), "--ignore-robots", "--format", "jsonl")
    assert allowed.exit_code == 0 and records(allowed.stdout)[0]["error"] is None


def test_save_raw(server: LoopbackServer, tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    warc = tmp_path / "run.warc.gz"
    result = run(server.url("/a"), "--save-raw", str(warc), "--ignore-robots")
    assert result.exit_code == 0, result.output
    with warc.open("rb") as stream:
        uris = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(stream)
                if r.rec_type == "response"]
    assert uris == [server.url("/a")]


@pytest.mark.parametrize("args", [[], ["--concurrency", "0"], ["--urls"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert run(*args).exit_code == 2


def test_urls_between_files_keep_their_place(server: LoopbackServer, tmp_path: Path) -> None:
    """Runs of URLs are fetched ahead of the pool; files around them pass by in order."""
    first, last = tmp_path / "first.txt", tmp_path / "last.txt"
    first.write_bytes(ARTICLE)
    last.write_bytes(ARTICLE.replace(b"Tuesday", b"Friday"))
    result = run("--format", "jsonl", str(first), server.url("/a"), server.url("/moved"), str(last),
                 server.url("/no/b"))
    assert result.exit_code == 1, result.output
    out = records(result.stdout)
    assert [r["url"] for r in out] == [None, server.url("/a"), server.url("/moved"), None,
                                       server.url("/no/b")]
    assert [r["error"] is None for r in out] == [True, True, True, True, False]
    assert "Friday" in str(out[3]["text"]) and "Tuesday" in str(out[0]["text"])
