"""What the command line writes: one output per input, never one over another (issue 17)."""

from __future__ import annotations

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
