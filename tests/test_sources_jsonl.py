"""JSON lines in: one document per record, and every bad line an error naming file:line."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.sources import Document
from cleaner.sources.jsonl import (
    JsonLine,
    JsonLines,
    RecordFields,
    iter_blocks,
    iter_jsonl,
    iter_lines,
    parse_line,
)

FIELDS = RecordFields()


def line(raw: bytes, number: int = 1, fields: RecordFields = FIELDS) -> JsonLine:
    return JsonLine("in.jsonl", number, raw, fields)


def test_text_record_with_id_and_url() -> None:
    doc = parse_line(line(b'{"id": 7, "url": "https://e.x/a", "text": "Body."}\n'))
    assert (doc.source, doc.content, doc.kind, doc.url, doc.id, doc.error) == (
        "in.jsonl:1", "Body.", "text", "https://e.x/a", "7", None)


def test_html_field_is_preferred_and_named_fields_are_used() -> None:
    fields = RecordFields(text="body", html="page", url="link", id="key")
    doc = parse_line(line(b'{"key": "k1", "link": "u", "body": "t", "page": "<p>h</p>"}', fields=fields))
    assert (doc.kind, doc.content, doc.id, doc.url) == ("html", "<p>h</p>", "k1", "u")
    doc = parse_line(line(b'{"key": "k1", "body": "t", "page": null}', fields=fields))
    assert (doc.kind, doc.content) == ("text", "t")


def test_record_with_only_a_url_is_to_be_fetched() -> None:
    doc = parse_line(line(b'{"url": "https://e.x/page"}'))
    assert doc.fetch and doc.url == "https://e.x/page" and doc.error is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"text": "a",}', ("in.jsonl:3: malformed JSON: Expecting property name enclosed in "
                             "double quotes at column 14")),
        (b"[1, 2]", "in.jsonl:3: not a JSON object: got an array"),
        (b'{"id": 1, "title": "x"}', "in.jsonl:3: missing field: the record has none of 'html', 'text', 'url'"),
        (b'{"text": 12}', "in.jsonl:3: wrong type: field 'text' is a number, expected a string"),
        (b'{"text": "caf\xe9"}', "in.jsonl:3: not valid UTF-8: byte 0xe9 at column 14"),
        (b'{"text": "a \\ud800 b"}', ("in.jsonl:3: not valid Unicode: field 'text' holds a "
                                      "lone surrogate (U+D800) at character 3")),
        (b"[" * 100_000, "in.jsonl:3: malformed JSON: nested too deeply"),
    ],
    ids=["syntax", "array", "missing", "type", "utf8", "surrogate", "deep"],
)
def test_bad_lines_name_line_and_problem(raw: bytes, message: str) -> None:
    doc = parse_line(line(raw, number=3))
    assert doc.error is not None and str(doc.error) == message


def test_missing_field_keeps_id_for_the_error_record() -> None:
    doc = parse_line(line(b'{"id": "x9"}'))
    assert doc.id == "x9" and doc.error is not None


def test_bom_on_first_line_and_blank_lines_keep_numbering(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "one"}\n\n   \n{"text": "two"}\n{"text": "three"}')
    docs = list(iter_jsonl(path))
    assert [(d.source.rsplit(":", 1)[1], d.content) for d in docs] == [
        ("1", "one"), ("4", "two"), ("5", "three")]


def test_gzip_is_recognised_by_content(tmp_path: Path) -> None:
    path = tmp_path / "a.data"
    path.write_bytes(gzip.compress(b'{"text": "one"}\n{"text": "two"}\n'))
    assert [d.content for d in iter_jsonl(path)] == ["one", "two"]


def test_truncated_gzip_ends_with_an_error_naming_line_and_offset(tmp_path: Path) -> None:
    records = b"".join(json.dumps({"id": i, "text": f"record {i} " * 50}).encode() + b"\n"
                       for i in range(200))
    data = gzip.compress(records)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    docs = list(iter_jsonl(path))
    assert all(d.error is None for d in docs[:-1]) and len(docs) > 2
    last = docs[-1]
    assert last.error is not None and "truncated gzip" in str(last.error)
    number = int(last.source.rsplit(":", 1)[1])
    assert number == len(docs) and f"line {number}" in str(last.error) and "bytes of uncompressed" in str(last.error)


def test_corrupt_gzip_is_an_error_not_a_crash(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(b'{"text": "one"}\n' * 1000))
    data[-8:-4] = b"\x00\x00\x00\x00"  # break the CRC
    path = tmp_path / "bad.jsonl.gz"
    path.write_bytes(bytes(data))
    docs = list(iter_jsonl(path))
    assert docs[-1].error is not None and "gzip" in str(docs[-1].error)


def test_overlong_line_is_skipped_as_an_error() -> None:
    stream = io.BytesIO(b'{"text": "short"}\n{"text": "' + b"x" * 5000 + b'"}\n{"text": "after"}\n')
    items = list(iter_lines("s", FIELDS, stream=stream, name="<stdin>", max_bytes=1000))
    docs = [item.load() for item in items]
    assert [d.content for d in docs] == ["short", "", "after"]
    assert str(docs[1].error) == "<stdin>:2: too long: the line has more than 1000 bytes"


def test_unreadable_file() -> None:
    [doc] = list(iter_jsonl("/no/such/file.jsonl"))
    assert doc.error is not None and "cannot read" in str(doc.error)


def test_lines_are_parsed_only_when_loaded(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"text": "one"}\nnot json\n')
    items = list(iter_lines(path, FIELDS))
    assert all(isinstance(i, JsonLine) for i in items)
    assert items[1].load().error is not None


def _by_readline(stream: io.BufferedIOBase, max_bytes: int) -> list[tuple[str, object]]:
    """What cutting into lines means, one ``readline`` at a time: (line number, raw line) for
    each record, (line number, message) for each error."""
    out: list[tuple[str, object]] = []
    number, offset = 0, 0
    while True:
        number += 1
        try:
            line = stream.readline(max_bytes + 1)
            if len(line) > max_bytes and not line.endswith(b"\n"):
                rest = b"x"
                while rest and not rest.endswith(b"\n"):
                    rest = stream.readline(7)
                    line += rest
                offset += len(line)
                out.append((f"<s>:{number}", f"too long: the line has more than {max_bytes} bytes"))
                continue
        except EOFError:
            out.append((f"<s>:{number}", f"truncated gzip: the file ends inside line {number}, "
                                         f"after {offset} bytes of uncompressed data"))
            return out
        if not line:
            return out
        offset += len(line)
        if line.strip():
            out.append((f"<s>:{number}", line))
    return out


def _by_blocks(data: bytes, size: int, max_bytes: int) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for block in iter_blocks("s", FIELDS, stream=io.BufferedReader(io.BytesIO(data)), name="<s>",
                             size=size, max_bytes=max_bytes):
        if isinstance(block, JsonLines):
            assert block.raw and block.first >= 1
            out += [(item.source, item.raw) for item in block.lines()]
        else:
            assert isinstance(block, Document) and block.error is not None
            out.append((block.source, block.error.reason))
    return out


LINES = st.lists(st.sampled_from([b"", b" ", b"a", b"{}", b"\r", b"xxxxxxxx", b"y" * 20]),
                 max_size=6).map(b"".join)


@settings(max_examples=400, deadline=None)
@given(lines=st.lists(LINES, max_size=30), last_newline=st.booleans(),
       size=st.integers(1, 40), max_bytes=st.integers(1, 25), gzipped=st.booleans(),
       cut=st.floats(0.2, 1.0))
def test_blocks_cut_the_stream_as_readline_does(
    lines: list[bytes], last_newline: bool, size: int, max_bytes: int, gzipped: bool, cut: float,
) -> None:
    """Blocks of any size, lines of any length (overlong ones among them), blank lines, a last
    line without its newline, and gzip cut short anywhere: the same records and errors, with the
    same numbers and offsets, as reading one line at a time."""
    data = b"\n".join(lines) + (b"\n" if last_newline and lines else b"")
    stream: io.BufferedIOBase = io.BufferedReader(io.BytesIO(data))
    if gzipped:
        data = gzip.compress(data)
        data = data[: max(3, int(len(data) * cut))] if cut < 1 else data
        stream = gzip.GzipFile(fileobj=io.BytesIO(data), mode="rb")
    assert _by_blocks(data, size, max_bytes) == _by_readline(stream, max_bytes)


def test_blocks_hold_about_the_size_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"".join(b'{"text": "%d"}\n' % i for i in range(20_000))
                     + b'{"text": "' + b"x" * 100_000 + b'"}\n{"text": "end"}\n')
    blocks = list(iter_blocks(path, FIELDS, size=1 << 16))
    assert all(isinstance(b, JsonLines) for b in blocks)
    sizes = [len(b.raw) for b in blocks if isinstance(b, JsonLines)]
    assert all((1 << 16) - 20 <= n <= 1 << 16 for n in sizes[:-2])  # whole lines, short ones
    assert sizes[-2] <= 1 << 16 and 100_000 < sizes[-1] < 100_000 + (1 << 17)  # the long line
    numbers = [item.number for b in blocks if isinstance(b, JsonLines) for item in b.lines()]
    assert numbers == list(range(1, 20_003))


def test_a_block_splits_at_a_line_end_keeping_the_numbers() -> None:
    raw = b'{"text": "a"}\n\n{"text": "bb"}\n   \n{"text": "ccc"}'
    block = JsonLines("in.jsonl", 5, raw, FIELDS)
    whole = [(item.number, item.raw) for item in block.lines()]
    for size in range(0, len(raw) + 2):
        head, rest = block.split(size)
        assert head.raw.endswith(b"\n") or rest is None
        assert head.raw + (rest.raw if rest else b"") == raw
        assert len(head.raw) <= size or head.raw.count(b"\n") <= 1  # one line longer than size
        assert rest is None or len(head.raw) + (rest.raw.find(b"\n") + 1 or len(rest.raw)) > size
        parts = [head, rest] if rest is not None else [head]
        assert [(item.number, item.raw) for part in parts for item in part.lines()] == whole
