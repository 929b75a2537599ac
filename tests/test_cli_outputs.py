"""What the command line writes: one output per input, never one over another (issue 17)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cleaner.cli import main

FIRST = "The council approved the ferry timetable on Tuesday after a long debate.\n"
SECOND = "The harbour master said the new pier would open in the spring of next year.\n"


def run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=stdin)


def _files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_output_folder_keeps_same_names_from_two_folders_apart(tmp_path: Path) -> None:
    for name, text in (("a", FIRST), ("b", SECOND)):
        (tmp_path / "col" / name).mkdir(parents=True)
        (tmp_path / "col" / name / "x.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run("clean", "-q", "-o", f"{out}/", str(tmp_path / "col" / "a"), str(tmp_path / "col" / "b"))
    assert result.exit_code == 0, result.output
    written = _files(out)
    assert len(written) == 2
    assert sorted(written.values()) == sorted([FIRST, SECOND])
    assert all(name.endswith(("col/a/x.txt", "col/b/x.txt")) for name in written)


def test_output_folder_keeps_one_name_with_two_suffixes_apart(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.txt").write_text(FIRST, encoding="utf-8")
    (tmp_path / "in" / "x.md").write_text(SECOND, encoding="utf-8")
    out = tmp_path / "out"
    result = run("clean", "-q", "-o", f"{out}/", str(tmp_path / "in"))
    assert result.exit_code == 0, result.output
    assert _files(out) == {"x.txt": SECOND, "x.txt.txt": FIRST}


STORY = ("Harbour Ferry Timetable Changes Next Month\n\n"
         "The council approved the timetable on Tuesday after a long debate that ran past "
         "midnight and filled the public gallery with ferry commuters.\n\n"
         "Advertisement\n\n"
         "- Boats every twenty minutes\n- Night boats on Fridays\n- A new pier in spring\n\n"
         "The change takes effect next month.\n")


def test_json_with_several_inputs_is_one_array(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(STORY, encoding="utf-8")
    result = run("clean", "-q", "--format", "json", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [Path(r["source"]).name for r in records] == ["a.txt", "b.txt"]
    out = tmp_path / "all.json"
    assert run("clean", "-q", "--format", "json", "-o", str(out), str(tmp_path)).exit_code == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 2
    single = json.loads(run("clean", "--format", "json", str(tmp_path / "a.txt")).stdout)
    assert single["title"] == "Harbour Ferry Timetable Changes Next Month"


def test_json_from_stdin_lines_is_one_array() -> None:
    lines = "\n".join(json.dumps({"id": str(i), "text": STORY}) for i in range(3)) + "\n"
    records = json.loads(run("clean", "-q", "--format", "json", "-", stdin=lines).stdout)
    assert [r["id"] for r in records] == ["0", "1", "2"]


def test_explain_with_json_and_removed_text(tmp_path: Path) -> None:
    for fmt in ("json", "jsonl"):
        record = json.loads(run("clean", "--explain", "--format", fmt, "-", stdin=STORY).stdout)
        assert record["blocks"][0] == {"verdict": "TITLE",
                                       "text": "Harbour Ferry Timetable Changes Next Month"}
        assert {"verdict": "DROP", "rule_id": "advertisement.label",
                "category": "advertisement", "text": "Advertisement"} in record["blocks"]
        assert record["removed"][0]["text"] == "Advertisement"


def test_explain_width_zero_shows_whole_lines() -> None:
    clipped = run("clean", "--explain", "-", stdin=STORY).stdout
    whole = run("clean", "--explain", "--width", "0", "-", stdin=STORY).stdout
    assert "ferry commuters." not in clipped and "past midnight and filled…" in clipped
    assert "filled the public gallery with ferry commuters." in whole


def test_one_file_of_any_name_has_no_header(tmp_path: Path) -> None:
    page = "<html><body><article><p>" + STORY.replace("\n\n", "</p><p>") + "</p></article></body></html>"
    for name in ("story.md", "story.text", "story.xhtml", "story.shtml", "story"):
        path = tmp_path / name
        path.write_text(page if "htm" in name else STORY, encoding="utf-8")
        result = run("clean", str(path))
        assert result.exit_code == 0, result.output
        assert "==>" not in result.stdout, name
        assert "The council approved" in result.stdout.split("\n")[0 if "htm" not in name else 2]


def test_markdown_list_items_follow_each_other() -> None:
    out = run("clean", "--format", "markdown", "-", stdin=STORY).stdout
    assert "- Boats every twenty minutes\n- Night boats on Fridays\n- A new pier in spring" in out
    assert out.startswith("# Harbour Ferry Timetable Changes Next Month\n\nThe council")


def test_title_and_metadata_above_a_text_body(tmp_path: Path) -> None:
    out = run("clean", "--title", "-", stdin=STORY).stdout
    assert out.startswith("Harbour Ferry Timetable Changes Next Month\n\nThe council approved")
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Ferry Fares Rise Again | Gull Point News</title>"
                    "<meta name='author' content='Ada Marsh'></head><body><article><p>"
                    + "The ferry fares rise again in the spring, the operator said. " * 4
                    + "</p></article></body></html>", encoding="utf-8")
    meta = run("clean", "--with-metadata", str(page)).stdout
    assert meta.startswith('---\ntitle: "Ferry Fares Rise Again"\nauthor: "Ada Marsh"\n')
    assert "\n---\nThe ferry fares rise again" in meta


def test_short_and_alias_options(tmp_path: Path) -> None:
    assert run("-h").exit_code == 0 and "Usage:" in run("clean", "-h").stdout
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(STORY, encoding="utf-8")
    out = tmp_path / "out"
    result = run("clean", "-q", "-i", str(folder), "--output-dir", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "a.txt").read_text(encoding="utf-8").startswith("The council approved")
    assert "-u, --url URL" in run("clean", "--help").stdout
    bad = run("clean", "-u", "www.example.invalid/page")
    assert bad.exit_code == 2 and "not an http:// or https:// URL" in bad.stderr
