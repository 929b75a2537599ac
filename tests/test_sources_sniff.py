"""Inputs are told apart by their content, not their name (issue 17, items 1-3)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.sources.sniff import gunzip, sniff
from cleaner._errors import SourceError

PAGE = (
    "<!doctype html><html><head><title>Harbour Ferry Gets New Timetable</title></head><body>"
    "<article><h1>Harbour Ferry Gets New Timetable</h1>"
    "<p>The council approved a new ferry timetable on Tuesday after a long debate about "
    "morning crowding on the boats.</p>"
    "<p>Boats will now leave every twenty minutes during the morning rush, the transport "
    "officer said at the meeting.</p>"
    "<p>The change takes effect next month and will cost the city about forty thousand a "
    "year in extra crew.</p></article></body></html>"
)
BODY_START = "The council approved a new ferry timetable"


def run(*args: str, stdin: bytes | str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=stdin)


@pytest.mark.parametrize(("head", "kind"), [
    (PAGE.encode(), "html"),
    (b"  \n<div class='story'><p>Hello</p></div>", "html"),
    (b"Some words first\n<html><body><p>x</p></body></html>", "html"),
    (b"Council Approves Budget\nThe city council voted on Tuesday.\n", "text"),
    (b"Use the <b> tag with care, a reader wrote.\n", "text"),
    (b'{"text": "a"}\n{"text": "b"}\n', "jsonl"),
    (b'{\n "text": "a"\n}\n', "json"),
    (b'[{"text": "a"}, {"text": "b"}]', "json"),
    (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "warc"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
])
def test_sniff_tells_kind_by_content(head: bytes, kind: str) -> None:
    found = sniff(head)
    assert (found.kind, found.gzip) == (kind, False)
    assert sniff(gzip.compress(head)).kind == kind and sniff(gzip.compress(head)).gzip


def test_gunzip_refuses_a_truncated_stream() -> None:
    data = gzip.compress(b"x" * 10_000)
    assert gunzip(data, "a.gz") == b"x" * 10_000
    with pytest.raises(SourceError, match="a.gz: truncated gzip"):
        gunzip(data[:-12], "a.gz")


@pytest.mark.parametrize("name", ["page.php", "page", "page.txt"])
def test_html_under_any_name_is_cleaned_as_html(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(PAGE, encoding="utf-8")
    result = run("clean", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.lstrip().startswith(BODY_START) or f"\n{BODY_START}" in result.output
    assert "<p>" not in result.output and "<article>" not in result.output


def test_html_on_stdin_is_cleaned_as_html() -> None:
    result = run("clean", "-", stdin=PAGE)
    assert result.exit_code == 0 and result.output.startswith(BODY_START)


def test_input_format_overrides_the_sniff(tmp_path: Path) -> None:
    result = run("clean", "--input-format", "text", "--no-default-rules", "-", stdin=PAGE)
    assert result.exit_code == 0 and "<article>" in result.output


def test_gzipped_html_file_is_cleaned(tmp_path: Path) -> None:
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(PAGE.encode()))
    result = run("clean", str(path))
    assert result.exit_code == 0, result.output
    assert BODY_START in result.output


def test_folder_names_and_counts_what_it_leaves_out(tmp_path: Path) -> None:
    folder = tmp_path / "col"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: x\n")
    (folder / "page.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    (folder / "saved.php").write_text(PAGE, encoding="utf-8")
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00rest")
    stats = tmp_path / "stats.json"
    result = run("clean", "--stats", str(stats), str(folder))
    assert result.exit_code == 0, result.output
    assert result.output.count(BODY_START) == 2
    assert f"{folder / 'logo.png'}: left out: not text: looks like a PNG image" in result.stderr
    assert f"{folder / '.git'}: left out: hidden" in result.stderr
    summary = json.loads(stats.read_text())
    assert summary["documents"] == 2
    assert summary["left_out"] == {"hidden": 1, "not text": 1}


def test_binary_file_named_directly_still_fails(tmp_path: Path) -> None:
    path = tmp_path / "logo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00rest")
    result = run("clean", str(path))
    assert result.exit_code == 1 and "logo.png: not text: looks like a PNG image" in result.stderr


def test_jsonl_on_stdin_is_recognised_and_html_field_read_without_network() -> None:
    lines = (json.dumps({"html": PAGE, "url": "https://example.invalid/x"}) + "\n"
             + json.dumps({"text": "Just a line of saved text here."}) + "\n")
    result = run("clean", "--format", "jsonl", "-", stdin=lines)
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["error"] is None and first["text"].startswith(BODY_START)
    assert first["url"] == "https://example.invalid/x" and "final_url" not in first
    assert second["text"] == "Just a line of saved text here."


def test_a_json_document_is_read_as_records(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps([{"id": "a", "html": PAGE}, {"id": "b", "text": "Plain words."}],
                               indent=2), encoding="utf-8")
    result = run("clean", "--format", "jsonl", str(path))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["a", "b"]
    assert records[0]["text"].startswith(BODY_START) and records[1]["text"] == "Plain words."


def test_a_json_file_without_record_fields_in_a_folder_is_left_out(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "page.expected.json").write_text(json.dumps({"title": "x", "body": "y"}),
                                                 encoding="utf-8")
    result = run("clean", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "page.expected.json: left out: not records: JSON without 'html', 'text' or 'url'" \
        in result.stderr
