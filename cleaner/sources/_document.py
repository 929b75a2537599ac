from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeGuard

from .._errors import SourceError

Kind = Literal["text", "html"]


@dataclass(frozen=True, slots=True)
class Document:
    """One input: its name (path, URL, ``file:line``, ``file@offset``), its content or the error
    reading it.

    ``id`` is the record's own id when the input had one (a JSONL id field, a WARC-Record-ID);
    ``fetch`` marks a record that named only a URL, whose page is still to be fetched;
    ``final_url``, ``status`` and ``charset`` (the Content-Type header's) say where a fetched
    page came from and how it declared itself.
    """

    source: str
    content: str | bytes = ""
    kind: Kind = "text"
    url: str | None = None
    error: SourceError | None = None
    id: str | None = None
    fetch: bool = False
    final_url: str | None = None
    status: int | None = None
    charset: str | None = None
    site: str | None = None
    """The site the record names (``--site-field``), for site rules; else the URL's host."""

    def load(self) -> Document:
        """A document is already loaded (lazy inputs such as ``FileRef`` have the same method)."""
        return self


def needs_fetch(item: object) -> TypeGuard[Document]:
    """A document that names a URL still to fetch (``fetch`` set, no content, no error)."""
    return isinstance(item, Document) and item.fetch and item.error is None and not item.content
