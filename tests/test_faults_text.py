"""Text is never lost without a word (issue 19 item 8): any ``str`` is accepted (lone surrogates
become U+FFFD and are counted), a size cap leaves a ``truncated`` note, and bytes that say UTF-8
but are not fall back to detection."""

from __future__ import annotations

import html

from _examples import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, CleanerError

BARE = Cleaner(default_rules=False)
FIRST = "The first paragraph is an ordinary sentence about the harbour and its ferries."
LAST = "The last paragraph closes the article with one more ordinary sentence of news."


ANY_STR = st.one_of(st.text(), st.lists(st.one_of(
    st.characters(exclude_categories=()),
    st.sampled_from(["\ud800", "\udfff", "\x00", "\x0c", "\ufffe", "<", ">", "&", "\r"]),
), max_size=200).map("".join))
"""Any str, lone surrogates and control characters included (plain ``st.text()`` has none)."""


def _page(middle: str) -> str:
    return (f"<html><head><title>A page</title></head><body><article><p>{FIRST}</p>"
            f"<p>{middle}</p><p>{LAST}</p></article></body></html>")


def test_clean_text_replaces_a_lone_surrogate_and_counts_it() -> None:
    result = BARE.clean_text("Words before \ud800 and words after it.")
    assert result.text == "Words before \ufffd and words after it."
    assert result.metadata["surrogates_replaced"] == 1


def test_clean_html_keeps_the_text_after_a_lone_surrogate() -> None:
    result = BARE.clean_html(_page("A middle paragraph with a broken \udc00 character in it."))
    assert LAST in result.text and "broken \ufffd character" in result.text
    assert result.metadata["surrogates_replaced"] == 1


def test_a_text_node_over_the_parser_limit_leaves_a_truncated_note() -> None:
    result = BARE.clean_html(_page("x" * 10_500_000))
    assert "truncated" in result.metadata
    assert "parser's limit" in result.metadata["truncated"]


def test_an_attribute_over_the_parser_limit_leaves_a_truncated_note() -> None:
    page = _page("ok").replace("<p>ok</p>", f'<p title="{"y" * 10_500_000}">ok</p>')
    assert "truncated" in BARE.clean_html(page).metadata


def test_bytes_that_say_utf8_but_are_latin1_are_detected() -> None:
    words = ("Le café était fermé à cause de la grève générale, déclarée hier matin par les "
             "employés du quartier.", "Une deuxième phrase pour être sûr que le texte est assez "
             "long pour être gardé.")
    page = (f'<html><head><meta charset="utf-8"><title>t</title></head><body><article><p>{words[0]}'
            f"</p><p>{words[1]}</p></article></body></html>").encode("latin-1")
    assert BARE.clean_html(page).text == "\n\n".join(words)


@settings(max_examples=examples(200), suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(ANY_STR)
def test_clean_html_on_any_str_never_loses_text_silently(middle: str) -> None:
    """Whatever a paragraph holds, the paragraph after it is kept, or the result says why not;
    and any str as a whole page gives a result or a CleanerError, nothing else."""
    result = BARE.clean_html(_page(html.escape(middle)))
    assert LAST in result.text or result.reason or result.metadata.get("truncated")
    try:
        BARE.clean_html(middle)
    except CleanerError:
        pass


@settings(max_examples=examples(200), suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(ANY_STR)
def test_clean_text_accepts_any_str(text: str) -> None:
    result = BARE.clean_text(text)
    result.text.encode("utf-8")  # always writable
