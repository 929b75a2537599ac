"""clean_html takes the parsed pages scrapers hold: bs4 and lxml (issue 17, item 21)."""

from __future__ import annotations

import bs4
import lxml.html
import pytest

import cleaner

PAGE = """<html><head><title>Harbour Ferry Gets New Timetable</title></head><body>
<div class="sidebar">Most read stories this week</div>
<article><h1>Harbour Ferry Gets New Timetable</h1>
<p>The council approved a new ferry timetable on Tuesday after a long debate about morning
crowding on the boats.</p><p>Advertisement</p><p>Boats will now leave every twenty minutes
during the morning rush, the transport officer said at the meeting.</p></article>
</body></html>"""


@pytest.mark.parametrize("parsed", [
    lambda: bs4.BeautifulSoup(PAGE, "html.parser"),
    lambda: bs4.BeautifulSoup(PAGE, "html.parser").body,
    lambda: lxml.html.fromstring(PAGE),
    lambda: lxml.html.fromstring(PAGE).getroottree(),
], ids=["soup", "tag", "lxml-element", "lxml-tree"])
def test_a_parsed_page_is_cleaned_as_its_markup_is(parsed) -> None:  # type: ignore[no-untyped-def]
    page = parsed()
    before = _markup(page)
    result = cleaner.clean_html(page)
    expected = cleaner.clean_html(PAGE)
    assert result.text == expected.text and "Advertisement" not in result.text
    assert result.text.startswith("The council approved")
    assert _markup(page) == before  # the caller's tree is not pruned


def _markup(page: object) -> str:
    return str(page) if isinstance(page, bs4.Tag) else lxml.html.tostring(page, encoding="unicode")


def test_anything_else_is_a_source_error() -> None:
    with pytest.raises(cleaner.SourceError, match="expected str, bytes, a BeautifulSoup"):
        cleaner.clean_html(42)  # type: ignore[arg-type]
