"""--explain and the title for web pages (issue 17, item 17)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import cleaner
from cleaner.cli import main
from cleaner.html._meta import without_site_name

PAGE = """<!doctype html><html><head><title>{title}</title></head><body>
<div aria-hidden="true"><img src="x.png"></div>
<div class="sidebar">Most read stories this week</div>
<article><p>The council approved a new ferry timetable on Tuesday after a long debate about
morning crowding on the boats.</p><p>Boats will now leave every twenty minutes during the
morning rush, the transport officer said at the meeting.</p><p>The change takes effect next
month and will cost the city about forty thousand a year in extra crew.</p></article>
</body></html>"""


def test_explain_of_a_page_has_its_title_and_no_empty_prune_lines(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE.format(title="Harbour Ferry Gets New Timetable | Gull Point News"),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["clean", "--explain", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "TITLE | Harbour Ferry Gets New Timetable"
    prunes = [line for line in lines if line.startswith("PRUNE")]
    assert prunes == ["PRUNE navigation.sidebar (navigation) | Most read stories this week"]


@pytest.mark.parametrize(("title", "site", "expected"), [
    ("Harbour Ferry Gets New Timetable | Gull Point News", None, "Harbour Ferry Gets New Timetable"),
    ("Leafs Win Again in Overtime - Example.ca", None, "Leafs Win Again in Overtime"),
    ("Council votes yes on the budget – Ledger", "ledger", "Council votes yes on the budget"),
    ("Budget 2024 - What You Need to Know", None, "Budget 2024 - What You Need to Know"),
    ("Review - Hamlet", None, "Review - Hamlet"),
    ("Who won the match - and why it matters", None, "Who won the match - and why it matters"),
])
def test_title_loses_the_site_name(title: str, site: str | None, expected: str) -> None:
    assert without_site_name(title, site) == expected


def test_clean_html_title_has_no_site_suffix() -> None:
    page = PAGE.format(title="Harbour Ferry Gets New Timetable - Gull Point News")
    assert cleaner.clean_html(page).title == "Harbour Ferry Gets New Timetable"
