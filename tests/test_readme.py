"""The README's CLI examples are run, and their output must be what the README shows.

After an intended change: ``python tests/test_readme.py --update`` rewrites the outputs.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
_CONSOLE = re.compile(r"```console\n(.*?)```", re.S)


def examples(text: str) -> list[tuple[str, str]]:
    """(command, expected output) pairs from the README's console blocks."""
    pairs = []
    for block in _CONSOLE.findall(text):
        command, output = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command:
                    pairs.append((command, "\n".join(output)))
                command, output = line[2:], []
            else:
                output.append(line)
        if command:
            pairs.append((command, "\n".join(output)))
    return pairs


def run(command: str) -> str:
    args = shlex.split(command)
    assert args[0] == "cleaner", command
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(main, args[1:])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    return result.output.rstrip("\n")


EXAMPLES = examples(README.read_text(encoding="utf-8"))


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example(command: str, expected: str) -> None:
    assert run(command) == expected


def update() -> None:
    text = README.read_text(encoding="utf-8")

    def fill(match: re.Match[str]) -> str:
        lines = []
        for command, _ in examples(match.group(0)):
            lines.append(f"$ {command}")
            lines.append(run(command))
        return "```console\n" + "\n".join(lines) + "\n```"

    README.write_text(_CONSOLE.sub(fill, text), encoding="utf-8")


if __name__ == "__main__" and "--update" in sys.argv:
    update()
