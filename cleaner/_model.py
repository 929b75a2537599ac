"""The data that flows through the pipeline: blocks in, verdicts on them, a ``Cleaned`` out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

BlockKind = Literal["p", "h", "li", "quote", "pre", "table"]


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph, heading, list item, quote or table row, exactly as it stood in the input.

    HTML features are filled in when the block came from a web page; for plain text they keep
    their neutral defaults.
    """

    text: str
    kind: BlockKind = "p"
    level: int = 0
    """Heading level (1-6) for ``kind == "h"``; 0 otherwise."""
    link_density: float = 0.0
    """Share of the block's characters that sit inside links."""
    is_link: bool = False
    """The whole block is one link."""
    link_internal: bool | None = None
    """For ``is_link`` blocks: does the link point to the page's own site?"""
    links: int = 0
    """How many different link targets the block has."""
    links_only: bool = False
    """Every letter and digit of the block is link text (a menu row when ``links`` > 1)."""
    classes: tuple[str, ...] = ()
    """class/id tokens of the source element and its near ancestors (lowercased)."""
    from_html: bool = False


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the rules decided for one block."""

    keep: bool
    rule_id: str | None = None
    category: str | None = None
    span: tuple[int, int] | None = None
    """The matched characters within the block, when a phrase or pattern decided."""


KEEP = Verdict(True)


class _BlockDraft:
    """A :class:`Block` being filled in: the same slots, without the frozen guard."""

    __slots__ = Block.__slots__


def text_block(text: str, kind: BlockKind = "p") -> Block:
    """``Block(text, kind)`` with every other field at its default, at a quarter of the cost.

    A frozen dataclass stores each of its ten fields through ``object.__setattr__``, most of the
    ~1.5 µs a Block takes, and segmenting text makes one per line (~15% of cleaning a text).
    The draft takes the fields with plain stores and then becomes a Block: ``__class__`` may be
    reassigned between classes with the same slots. ``tests/test_blocks.py`` checks the result
    equals ``Block(text, kind)``, so a new field or default shows there first.
    Kept because measured: cleaning the bench's article texts costs 5-10% more CPU with
    ``Block(text, kind)`` (best and median of 11 alternating passes, issue 16).
    """
    draft: Any = _BlockDraft()  # typed by Block's fields, which the checker does not see here
    draft.text = text
    draft.kind = kind
    draft.level = 0
    draft.link_density = 0.0
    draft.is_link = False
    draft.link_internal = None
    draft.links = 0
    draft.links_only = False
    draft.classes = ()
    draft.from_html = False
    draft.__class__ = Block
    return cast(Block, draft)



def block_with_classes(block: Block, classes: tuple[str, ...]) -> Block:
    """``dataclasses.replace(block, classes=classes)`` at a third of its cost (it looks the
    fields up on every call); every field is named, so a new one fails the test that compares.
    It sits beside :func:`text_block`, the other place that names all of a block's fields."""
    return Block(
        text=block.text,
        kind=block.kind,
        level=block.level,
        link_density=block.link_density,
        is_link=block.is_link,
        link_internal=block.link_internal,
        links=block.links,
        links_only=block.links_only,
        classes=classes,
        from_html=block.from_html,
    )

@dataclass(frozen=True, slots=True)
class Removal:
    """One removed block (or one DOM element pruned by a selector rule)."""

    rule_id: str
    category: str
    text: str
    index: int | None = None
    """Index of the block in ``Cleaned.blocks``; ``None`` for pruned DOM elements."""
    span: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "category": self.category,
            "text": self.text,
            "chars": len(self.text),
        }


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The result of cleaning one document."""

    blocks: tuple[Block, ...]
    verdicts: tuple[Verdict, ...]
    title: str | None = None
    title_index: int | None = None
    """Index of the block taken as the headline (not part of the body), if any."""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    pruned: tuple[Removal, ...] = ()
    """DOM elements removed by selector rules before extraction (HTML only)."""
    reason: str | None = None
    """Why the body is empty when it is (for example: the page is not an article)."""

    @property
    def kept(self) -> list[Block]:
        return [
            b for i, (b, v) in enumerate(zip(self.blocks, self.verdicts))
            if v.keep and i != self.title_index
        ]

    @property
    def text(self) -> str:
        """The body: kept blocks in order, separated by a blank line; the title is not included."""
        return "\n\n".join(b.text for b in self.kept)

    @property
    def removed(self) -> Sequence[Removal]:
        out = list(self.pruned)
        for i, (b, v) in enumerate(zip(self.blocks, self.verdicts)):
            if not v.keep:
                out.append(Removal(v.rule_id or "", v.category or "", b.text, i, v.span))
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: body, title, metadata and removals with their rule ids."""
        return {
            "title": self.title,
            "text": self.text,
            "metadata": dict(self.metadata),
            "removed": [r.to_dict() for r in self.removed],
            "reason": self.reason,
        }
