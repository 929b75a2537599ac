"""The CLI as a user runs it: outputs, --explain, rule commands and exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cleaner.cli import main

ARTICLE = (
    "Harbour Council Approves New Ferry Timetable\n\n"
    "The council approved the timetable on Tuesday after a long debate.\n\n"
    "Advertisement\n\n"
    "Boats will leave every twenty minutes during the morning rush.\n"
)
BODY = ("The council approved the timetable on Tuesday after a long debate.\n\n"
        "Boats will leave every twenty minutes during the morning rush.\n")


def run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=stdin)


def test_clean_file_prints_body(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = run("clean", str(path))
    assert result.exit_code == 0, result.output
    assert result.output == BODY


def test_clean_stdin() -> None:
    result = run("clean", "-", stdin=ARTICLE)
    assert result.exit_code == 0 and result.output == BODY


def test_explain_names_rule_and_category(tmp_path: Path) -> None:
    result = run("clean", "--explain", "-", stdin=ARTICLE)
    lines = result.output.splitlines()
    assert lines[0].startswith("TITLE | Harbour Council")
    drop = next(line for line in lines if line.startswith("DROP"))
    assert "(advertisement)" in drop and drop.endswith("| Advertisement")
    assert sum(line.startswith("KEEP") for line in lines) == 2


def test_json_format(tmp_path: Path) -> None:
    record = json.loads(run("clean", "--format", "json", "-", stdin=ARTICLE).output)
    assert record["title"] == "Harbour Council Approves New Ferry Timetable"
    assert record["text"] == BODY.rstrip("\n")
    assert [r["category"] for r in record["removed"]] == ["advertisement"]
    assert record["error"] is None


def test_folder_and_a_failing_input(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "two.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    result = run("clean", str(tmp_path), str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    assert BODY.splitlines()[0] in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("cleaner:")]
    assert any("two.txt: left out: not text: looks like a PNG image" in e for e in errors)
    assert any("missing.txt: no such file" in e for e in errors)


def test_bad_rule_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("[[rule]]\nid = 'x'\n", encoding="utf-8")
    result = run("clean", "--rules", str(tmp_path), "-", stdin=ARTICLE)
    assert result.exit_code == 2
    assert "bad.toml:1" in result.stderr and "rule 'x'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_no_default_rules_and_disable() -> None:
    assert "Advertisement" in run("clean", "--no-default-rules", "-", stdin=ARTICLE).output
    rule = json.loads(run("clean", "--format", "json", "-", stdin=ARTICLE).output)["removed"][0]["rule_id"]
    assert "Advertisement" in run("clean", "--disable", rule, "-", stdin=ARTICLE).output


def test_rules_commands() -> None:
    listed = run("rules", "list")
    assert listed.exit_code == 0
    ids = [line.split("\t")[0] for line in listed.output.splitlines()]
    assert "teaser.inline-headline" in ids and len(ids) == len(set(ids))
    shown = run("rules", "show", "teaser.inline-headline")
    assert "detector: headline-among-body" in shown.output
    assert run("rules", "show", "no.such-rule").exit_code == 2
    assert run("rules", "lint").exit_code == 0
    tested = run("rules", "test", "-k", "teaser")
    assert tested.exit_code == 0 and " passed, 0 failed" in tested.output
