"""What a detector sees during one pass of the engine: the blocks still kept, with their shapes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .._model import Block
from ._shape import Shape


@dataclass(frozen=True, slots=True)
class View:
    """The blocks still kept during one pass, as positions 0..n-1."""

    blocks: Sequence[Block]
    shapes: Sequence[Shape]
    memo: dict[str, Any] = field(default_factory=dict)
    """What detectors compute once per pass and share (the document's vocabulary)."""

    def body_at(self, k: int) -> bool:
        return 0 <= k < len(self.shapes) and self.shapes[k].body_like
