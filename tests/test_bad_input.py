"""Bad input gets a clear one-line error or a clean result, never a hang or a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import cleaner
from cleaner import SourceError
from cleaner._decode import decode_text
from cleaner.cli import main


def test_empty_text() -> None:
    result = cleaner.clean_text("")
    assert (result.text, result.title, list(result.removed)) == ("", None, [])


def test_empty_file_cleans_to_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = CliRunner().invoke(main, ["clean", str(path)])
    assert result.exit_code == 0 and result.output.strip() == ""


@pytest.mark.parametrize(
    ("data", "what"),
    [(b"%PDF-1.7\n%\xe2\xe3", "PDF"), (b"\x1f\x8b\x08\x00\x00", "gzip"), (bytes(range(256)) * 4, "binary")],
)
def test_binary_data_is_refused_by_name(data: bytes, what: str) -> None:
    with pytest.raises(SourceError) as info:
        decode_text(data, "in/file.txt")
    assert str(info.value).startswith("in/file.txt: not text") and what in str(info.value)


def test_invalid_utf8_is_detected_not_fatal() -> None:
    text = "Der Bürgermeister äußerte sich am Dienstag zur Lage der Stadtwerke in Köln."
    assert decode_text(text.encode("cp1252"), "x.txt") == text


def test_fifty_megabyte_single_line(tmp_path: Path) -> None:
    line = "word " * 10_000_000
    result = cleaner.clean_text("Long Title Of The Page\n\n" + line)
    assert result.text == line.strip()


def test_str_expected() -> None:
    with pytest.raises(SourceError, match="expected str"):
        cleaner.clean_text(b"bytes")  # type: ignore[arg-type]


def test_control_characters_and_odd_unicode() -> None:
    text = "\x00\x0b\x0c\u2028\u2029\ufeff Title\u200b\n\n\ud7ff body \U0001f600.\n\n\x1c"
    result = cleaner.clean_text(text)
    assert isinstance(result.text, str)
