from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .._errors import SourceError

Kind = Literal["text", "html"]


@dataclass(frozen=True, slots=True)
class Document:
    """One input: its name (path, URL, ``file:line``), its content or the error reading it."""

    source: str
    content: str | bytes = ""
    kind: Kind = "text"
    url: str | None = None
    error: SourceError | None = None
