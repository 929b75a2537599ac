"""The benchmark loaders' own parsing (no benchmark data needed: the inputs are written here)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _data  # noqa: E402


def test_dragnet_gold_stops_at_the_comments_marker_in_its_variants() -> None:
    article = "A headline\nThe first paragraph of the story.\n"
    for marker in ("!@#$%^&*()  COMMENTS", "!@#$%^&*() COMMENTS", "!@ $%^&*()  \tCOMMENTS"):
        text = f"{article}\r\n\r\n{marker}\r\n\r\nA reader wrote this reply.\r\n"
        assert _data.dragnet_gold(text) == article.strip()


def test_dragnet_gold_without_a_marker_is_the_whole_text() -> None:
    text = "A headline\rA paragraph that mentions COMMENTS in passing.\r"
    assert _data.dragnet_gold(text) == "A headline\nA paragraph that mentions COMMENTS in passing."


def test_page_url_prefers_the_canonical_link_then_og_url() -> None:
    both = (
        b'<head><meta property="og:url" content="http://example.org/og">'
        b"<link href='http://example.org/a?x=1&amp;y=2' rel='canonical' /></head>"
    )
    assert _data.page_url(both) == "http://example.org/a?x=1&y=2"
    assert _data.page_url(b'<meta content="https://example.org/b" property="og:url">') == (
        "https://example.org/b"
    )
    assert _data.page_url(b'<link rel="canonical" href="/relative">') is None
    assert _data.page_url(b"<html><p>no address</p></html>") is None
