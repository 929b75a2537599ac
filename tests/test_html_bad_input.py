"""Bad HTML gets a clear error or a clean result: never a crash, a hang, an expanded entity or a
fetched file."""

from __future__ import annotations

import base64
import gzip
import time
from pathlib import Path

import pytest

import cleaner
from cleaner import SourceError
from cleaner._decode import decode_html
from cleaner.html import extract_page
from cleaner.html._parse import MAX_TEXT_CHARS

SENTENCE = (
    "The lighthouse keeper logged every passing ship in a leather book that is now kept "
    "in the harbour museum."
)


def article(paragraphs: int = 6, extra_head: str = "", extra_body: str = "") -> str:
    body = "".join(f"<p>{SENTENCE} Entry {n}.</p>" for n in range(paragraphs))
    return (
        f"<html><head><title>The Keeper's Log</title>{extra_head}</head><body>"
        f"<article><h1>The Keeper's Log</h1>{body}</article>{extra_body}</body></html>"
    )


def texts(html: str | bytes) -> list[str]:
    return [b.text for b in extract_page(html, url=None, selectors=()).blocks]


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (gzip.compress(article().encode()), "gzip-compressed data"),
        (bytes(range(256)) * 8, "binary data"),
    ],
)
def test_non_html_bytes_are_refused_by_name(data: bytes, what: str) -> None:
    with pytest.raises(SourceError) as info:
        extract_page(data, url="https://ledger.example/log.html", selectors=())
    assert str(info.value).startswith(
        f"https://ledger.example/log.html: not HTML: looks like {what}"
    )
    with pytest.raises(SourceError, match="not HTML"):
        decode_html(data, "saved/log.html")


def test_non_html_file_named_html_through_the_cleaner(default_cleaner: cleaner.Cleaner) -> None:
    with pytest.raises(SourceError, match="not HTML: looks like a PDF document"):
        default_cleaner.clean_html(
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", url="https://ledger.example/a.html"
        )


@pytest.mark.parametrize("empty", ["", b"", "   \n\t ", b"\xef\xbb\xbf", "<!-- nothing -->"])
def test_empty_document(empty: str | bytes) -> None:
    page = extract_page(empty, url=None, selectors=())
    assert (page.blocks, page.pruned, page.reason) == ([], [], "empty document")


def test_empty_document_through_the_cleaner(default_cleaner: cleaner.Cleaner) -> None:
    result = default_cleaner.clean_html("")
    assert (result.text, result.reason) == ("", "empty document")


def test_wrong_input_type() -> None:
    with pytest.raises(SourceError, match="expected str, bytes, a BeautifulSoup or an lxml element, got int"):
        extract_page(12345, url=None, selectors=())  # type: ignore[arg-type]


def test_truncated_markup_keeps_what_arrived() -> None:
    html = article(paragraphs=8)
    cut = html[: html.index("Entry 6.")] + "Entr"
    got = texts(cut)
    assert f"{SENTENCE} Entry 5." in got
    assert not any("Entry 6" in t for t in got)


def test_unclosed_and_misnested_tags() -> None:
    html = (
        "<html><body><div><p>"
        + "<b><i>".join(f"{SENTENCE} Part {n}.<p>" for n in range(6))
        + "</div></span></td></table>"
    )
    got = " ".join(texts(html))
    assert "Part 0." in got and "Part 5." in got


def test_ten_thousand_deep_nesting_does_not_crash_or_recurse_out() -> None:
    deep = "<div>" * 10_000 + "<p>Buried text.</p>" + "</div>" * 10_000
    html = article(extra_body=deep)
    page = extract_page(html, url=None, selectors=())
    assert f"{SENTENCE} Entry 0." in [b.text for b in page.blocks]
    assert "nesting deeper than" in page.metadata["truncated"]


def test_deep_inline_nesting_inside_a_paragraph() -> None:
    html = article(
        extra_body="<p>" + "<span>" * 10_000 + "deep words" + "</span>" * 10_000 + "</p>"
    )
    assert f"{SENTENCE} Entry 0." in texts(html)


def xhtml(subset: str, entity: str, *, title: str, encoding: str = "", wrap: str = "") -> str:
    """An XHTML page whose DOCTYPE declares ``subset`` and whose paragraphs each use ``entity``."""
    paragraphs = "".join(f"<p>{SENTENCE} Entry {n}. {entity}</p>" for n in range(6))
    if wrap:
        paragraphs = f"<{wrap}>{paragraphs}</{wrap}>"
    return (
        f'<?xml version="1.0"{encoding}?>\n'
        f"<!DOCTYPE html [{subset}]>\n"
        f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{title}</title></head>'
        f"<body>{paragraphs}</body></html>"
    )


def test_xml_bomb_is_not_expanded() -> None:
    lol = "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10))
    html = xhtml(f'<!ENTITY lol0 "lol">{lol}', "&lol9;", title="Log", encoding=' encoding="utf-8"',
                 wrap="article")
    start = time.monotonic()
    page = extract_page(html.encode("utf-8"), url=None, selectors=())
    assert time.monotonic() - start < 10
    body = " ".join(b.text for b in page.blocks)
    assert "lollol" not in body and len(body) < 5_000
    assert f"{SENTENCE} Entry 0." in body
    assert "]>" not in body  # the internal subset does not leak into the text


def test_external_entity_is_not_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-PASSPHRASE", encoding="utf-8")
    html = xhtml(f'<!ENTITY xxe SYSTEM "{secret.as_uri()}">', "&xxe;", title="&xxe;")
    page = extract_page(html, url=None, selectors=())
    assert page.blocks
    everything = repr(page)
    assert "TOP-SECRET-PASSPHRASE" not in everything


def test_stray_control_characters_and_nul_bytes() -> None:
    html = article().replace("Entry 1.", "Entry\x00 1.\x01\x0b\x1f")
    assert texts(html) == texts(html.encode("utf-8"))
    got = texts(html.encode("utf-8"))
    assert f"{SENTENCE} Entry 0." in got
    assert any("Entry" in t and "1." in t for t in got)


def test_xml_declaration_with_an_encoding_in_a_str() -> None:
    html = '<?xml version="1.0" encoding="ISO-8859-1"?>' + article()
    assert f"{SENTENCE} Entry 0." in texts(html)


def test_mislabelled_charset() -> None:
    html = article(extra_head='<meta charset="utf-8">').replace("keeper", "gardien é à ç")
    got = texts(html.encode("cp1252"))
    assert any("gardien é à ç" in t for t in got)


def test_twenty_megabyte_page_of_scripts_and_images() -> None:
    script = "<script>var data = " + '"x",' * 2_000_000 + "0;</script>"
    image = (
        '<img src="data:image/png;base64,' + base64.b64encode(b"\x00" * 9_000_000).decode() + '">'
    )
    html = article(extra_head=script, extra_body=image)
    assert len(html) > 20_000_000
    start = time.monotonic()
    got = texts(html)
    assert time.monotonic() - start < 30
    assert f"{SENTENCE} Entry 5." in got


def test_twenty_megabyte_page_of_text_is_cut_not_stalled() -> None:
    paragraph = f"<p>{SENTENCE} The book lists the weather, the tides and the ships. {{}}</p>\n"
    html = article(extra_body="".join(paragraph.format(n) for n in range(120_000)))
    assert len(html) > 20_000_000
    start = time.monotonic()
    page = extract_page(html, url=None, selectors=())
    assert time.monotonic() - start < 60
    assert "cut after" in page.metadata["truncated"]
    chars = sum(len(b.text) for b in page.blocks)
    assert 0.5 * MAX_TEXT_CHARS < chars <= 1.1 * MAX_TEXT_CHARS
