"""Document detectors on whole page dumps."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner._model import Block
from cleaner.rules._detectors import View, _off_topic, _stems
from cleaner.rules._shape import shape

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


def test_headlines_asking_a_question_stay_in_the_run_under_a_related_header() -> None:
    teasers = ["Will the island get a second ferry next year?",
               "Harbour wall repairs delayed again after winter storms",
               "What the new timetable means for school runs?"]
    result = clean(ARTICLE + ["You may also like"] + teasers)
    assert result.text.split("\n\n") == ARTICLE


def test_a_caption_printed_twice_in_a_page_dump_goes_once() -> None:
    caption = "The new ferry at the harbour wall on Monday"
    result = clean(MENU + ARTICLE[:1] + [caption] + ARTICLE[1:3] + [caption] + ARTICLE[3:] + FOOTER)
    repeated = [r.text for r in result.removed if r.rule_id == "residue.repeated-block"]
    assert repeated == [caption]
    assert result.text.split("\n\n") == ARTICLE[:1] + [caption] + ARTICLE[1:]


def test_lines_a_page_dump_repeats_through_its_prose_are_its_structure() -> None:
    # A timetable: the same short lines under every day, more than three times, between prose.
    days = ["Monday", "Tuesday", "Wednesday", "Thursday"]
    slots = ["First boat leaves at six", "Last boat leaves at ten"]
    body: list[str] = []
    for day, sentence in zip(days, ARTICLE):
        body += [f"{day} sailings from the island", sentence, *slots]
    result = clean(MENU + body + COMMENTS[:1] + FOOTER)
    assert not [r for r in result.removed if r.rule_id == "residue.repeated-block"]
    assert result.text.split("\n\n").count(slots[0]) == len(days)


# The teaser detector's off-topic test looks stems up by substring search and stops once it
# knows; it must decide exactly as counting every block's stems does (numbers, underscores,
# short words, non-ASCII case folding).
_PIECES = ["ferry", "ferries", "fer", "12345", "12345ab", "ab_cd", "with", "without", "İstanbul",
           "ΣΟΦΟΣ", "σοφος", "straße", "²³⁴⁵", "٣٣٣٣", "-", " ", "\n", ". "]


def _overlap_by_counting(view: View, k: int) -> float:
    counts: Counter[str] = Counter()
    for block in view.blocks:
        counts.update(_stems(block.text))
    mine = _stems(view.blocks[k].text)
    return sum(1 for w in mine if counts[w] > 1) / len(mine) if mine else 1.0


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=8), min_size=1, max_size=5),
       st.data())
def test_off_topic_is_decided_as_by_counting_every_blocks_stems(pieces: list[list[str]],
                                                                  data: st.DataObject) -> None:
    blocks = [Block("".join(p)) for p in pieces]
    view = View(blocks, [shape(b) for b in blocks])
    k = data.draw(st.integers(0, len(blocks) - 1))
    max_overlap = data.draw(st.sampled_from([0.01, 0.2, 1 / 3, 0.5, 1.0, 1.5]))
    assert _off_topic(view, k, max_overlap) == (_overlap_by_counting(view, k) < max_overlap)
