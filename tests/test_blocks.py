from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError, fields

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner._model import Block, BlockKind, text_block
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


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1), st.sampled_from(["p", "h", "li", "quote", "pre", "table"]))
def test_text_block_is_the_block_the_constructor_makes(text: str, kind: BlockKind) -> None:
    made, reference = text_block(text, kind), Block(text, kind)
    assert type(made) is Block
    assert [getattr(made, f.name) for f in fields(Block)] == [
        getattr(reference, f.name) for f in fields(Block)]
    assert made == reference and hash(made) == hash(reference) and repr(made) == repr(reference)
    assert pickle.loads(pickle.dumps(made)) == reference
    with pytest.raises(FrozenInstanceError):
        made.text = "changed"  # type: ignore[misc]


def test_segmented_blocks_equal_constructed_ones() -> None:
    blocks = segment_text("Title\n\n• eggs\n3. bread\nThe end.")
    assert blocks == [Block("Title"), Block("• eggs", "li"), Block("3. bread", "li"), Block("The end.")]
