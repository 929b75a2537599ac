"""Document detectors on whole page dumps."""

from __future__ import annotations

import cleaner

MENU = ["Home", "News", "Sport", "Weather", "Business", "Culture", "Opinion", "Podcasts",
        "Newsletters", "Log in", "Subscribe", "Search"]
FOOTER = ["About us", "Contact", "Careers", "Privacy", "Terms", "Cookies"]
ARTICLE = [
    "The harbour council approved the new ferry timetable on Tuesday after a two-hour debate.",
    "Under the plan, boats will leave every twenty minutes during the morning rush, the operator said.",
    "Residents on the island had asked for earlier departures for more than three years.",
    "The first boats on the new timetable will sail on the first Monday of next month.",
]
COMMENTS = [
    "I have taken this ferry for twenty years and the morning boats were always full, so this is welcome.",
    "Another plan that ignores the evening crossings, which is when most of us actually travel home.",
    "Twenty minutes sounds fine on paper, but the boats were late every day last winter anyway.",
]


def clean(blocks: list[str]) -> cleaner.Cleaned:
    return cleaner.Cleaner().clean_text("\n".join(blocks))


def test_comment_section_after_the_article_is_cut() -> None:
    result = clean(MENU + ARTICLE + ["14 Comments"] + COMMENTS + FOOTER)
    assert result.text.split("\n\n") == ARTICLE
    chrome = {r.text for r in result.removed if r.rule_id == "navigation.page-chrome"}
    assert set(COMMENTS) <= chrome


def test_comments_header_before_most_of_the_prose_does_not_cut() -> None:
    # A comment-count line under the headline is not the end of the article.
    result = clean(MENU + ARTICLE[:1] + ["14 Comments"] + ARTICLE[1:] + FOOTER)
    assert result.text.split("\n\n") == ARTICLE


def test_without_an_end_marker_trailing_prose_stays() -> None:
    result = clean(MENU + ARTICLE + COMMENTS + FOOTER)
    assert result.text.split("\n\n") == ARTICLE + COMMENTS
