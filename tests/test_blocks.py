from __future__ import annotations

from cleaner.blocks import segment_text


def texts(text: str) -> list[str]:
    return [b.text for b in segment_text(text)]


def test_blank_lines_and_line_breaks_make_blocks() -> None:
    assert texts("Title\n\nFirst para.\nSecond para.\n\n\nThird.") == [
        "Title", "First para.", "Second para.", "Third."]


def test_crlf_tabs_and_whitespace_only_lines() -> None:
    assert texts("One.\r\n \t \r\nTwo.\r\n\tThree.\t") == ["One.", "Two.", "Three."]


def test_non_breaking_spaces_inside_are_kept_verbatim() -> None:
    assert texts("\u00a0The parties\u00a0are still here.\u00a0") == ["The parties\u00a0are still here."]


def test_hard_wrapped_lines_join_one_block() -> None:
    blocks = segment_text("The committee met on Monday and\ndecided to postpone the vote.\nNext line.")
    assert [b.text for b in blocks] == [
        "The committee met on Monday and\ndecided to postpone the vote.", "Next line."]


def test_bullets_are_list_items() -> None:
    blocks = segment_text("Shopping list:\n• eggs\n- milk\n3. bread\n-5 degrees is cold.")
    assert [b.kind for b in blocks] == ["p", "li", "li", "li", "p"]


def test_resegmenting_output_gives_same_blocks() -> None:
    source = "Head line\n\nWrapped text that goes\non here.\n• item\nEnd."
    once = segment_text(source)
    again = segment_text("\n\n".join(b.text for b in once))
    assert once == again
