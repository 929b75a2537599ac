"""What the command line says when it is used wrongly: one line, the true cause, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cleaner.cli import main

ARTICLE = "The council approved the timetable on Tuesday after a long debate.\n"


def run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=stdin)


def test_disable_of_an_unknown_rule_is_a_usage_error() -> None:
    result = run("clean", "--disable", "advertisement.labell", "-", stdin=ARTICLE)
    assert result.exit_code == 2
    assert "did you mean 'advertisement.label'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_url_list_is_a_usage_error(tmp_path: Path) -> None:
    result = run("clean", "--urls", str(tmp_path / "nofile.txt"))
    assert result.exit_code == 2
    assert "nofile.txt: no such file" in result.stderr


def test_json_error_message_says_each_word_once() -> None:
    result = run("clean", "--input-format", "jsonl", "--format", "jsonl", "-",
                 stdin='{"text": "abc\n')
    assert result.exit_code == 1
    record = json.loads(result.stdout)
    assert record["error"] == "<stdin>:1: malformed JSON: Invalid control character at column 14"
