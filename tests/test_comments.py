"""The reader-comment thread detector (``comments.thread``) on saved article text."""

from __future__ import annotations

import pytest

import cleaner

ARTICLE = [
    "The harbour council approved the new ferry timetable on Tuesday after a two-hour debate.",
    "Under the plan, boats will leave every twenty minutes during the morning rush, the operator said.",
    "Residents on the island had asked for earlier departures for more than three years.",
    "The first boats on the new timetable will sail on the first Monday of next month.",
]
COMMENT_TEXTS = [
    "About time, the early boat has been full every single day since March.",
    "Will the old season tickets still be valid on the new boats?",
]
# (header, author lines, stamp, action) as each language's blog engines print them
THREADS = {
    "en": ("2 Responses to “Ferry timetable approved”", ["Marta says:", "Desmond Price says:"],
           "May 3, 2024 at 8:12 am", "Reply"),
    "de": ("Kommentare (2)", ["Inselkind sagt:", "Heike M. schrieb:"], "vor 3 Stunden", "Antworten"),
    "fr": ("2 réponses à « Nouveaux horaires du bac »", ["Sylvie a écrit :", "Marc dit :"],
           "3 mai 2024 à 18 h 20", "Répondre"),
    "es": ("2 comentarios en “Nuevo horario del ferry”", ["Lucía dice:", "Andrés escribió:"],
           "hace 2 horas", "Responder"),
    "it": ("2 risposte a “Nuovi orari del traghetto”", ["Giulia ha scritto:", "Marco dice:"],
           "3 maggio 2024 alle 18:20", "Rispondi"),
    "pt": ("2 comentários em “Novo horário da balsa”", ["Ana disse:", "Rui escreveu:"],
           "há 2 horas", "Responder"),
}


def _thread(lang: str) -> list[str]:
    header, authors, stamp, action = THREADS[lang]
    lines = [header]
    for author, text in zip(authors, COMMENT_TEXTS, strict=True):
        lines += [author, stamp, text, action]
    return lines


def clean(lines: list[str]) -> cleaner.Cleaned:
    return cleaner.Cleaner().clean_text("\n\n".join(lines))


@pytest.mark.parametrize("lang", sorted(THREADS))
def test_a_thread_is_cut_from_its_header_to_the_end(lang: str) -> None:
    result = clean(ARTICLE + _thread(lang))
    assert [b.text for b in result.kept] == ARTICLE
    by_thread = {r.text for r in result.removed if r.rule_id == "comments.thread"}
    assert set(COMMENT_TEXTS) <= by_thread


def test_a_thread_without_a_header_starts_at_its_first_author_line() -> None:
    lines = ["Marta says:", "May 3, 2024 at 8:12 am", COMMENT_TEXTS[0], "Reply",
             "Desmond Price says:", "May 3, 2024 at 9:40 am", COMMENT_TEXTS[1], "Reply"]
    result = clean(ARTICLE + lines)
    assert [b.text for b in result.kept] == ARTICLE


def test_an_article_quoting_readers_stays_whole() -> None:
    # Author-like lines without the rest of a thread's rhythm: readers quoted by the article.
    quoted = ["Marta, a nurse, says:", "“The early boat has been full every day since March.”",
              "Desmond Price, a retired pilot, says:", "“The evening boats matter more to me.”",
              "A third reader, Ines, says:", "“I will believe it when I see it.”"]
    lines = ARTICLE[:2] + quoted + ARTICLE[2:]
    assert [b.text for b in clean(lines).kept] == lines


def test_a_zero_count_header_above_the_article_does_not_open_a_thread() -> None:
    lines = [ARTICLE[0], ARTICLE[1], "Comments (0)"] + ARTICLE[2:] + [
        "No comments yet.", "Leave a Reply", "Name (required)", "Email (will not be published)"]
    result = clean(lines)
    assert [b.text for b in result.kept] == ARTICLE


def test_comment_lines_do_not_make_the_article_a_page_dump() -> None:
    # Many short thread lines once made the document look like a page of menus, and the
    # page-chrome detector then took the headline and the first paragraph.
    headline = "Ferry Timetable Approved After Two-Hour Debate"
    result = cleaner.Cleaner().clean_text("\n\n".join([headline] + ARTICLE + _thread("de") * 2))
    assert result.title == headline
    assert [b.text for b in result.kept] == ARTICLE
