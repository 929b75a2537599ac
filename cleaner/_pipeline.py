"""One document through the pipeline: decode, clean, and catch what goes wrong as a result."""

from __future__ import annotations

from dataclasses import dataclass

from ._cleaner import Cleaner
from ._decode import decode_html, decode_text
from ._errors import CleanerError
from ._model import Cleaned
from .sources import Document


@dataclass(frozen=True, slots=True)
class Result:
    """A document and what became of it: a ``Cleaned`` or an error, never both."""

    document: Document
    cleaned: Cleaned | None = None
    error: CleanerError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def clean_document(cleaner: Cleaner, doc: Document) -> Result:
    """Clean one document; a bad one becomes an error result, it never raises."""
    if doc.error is not None:
        return Result(doc, error=doc.error)
    try:
        if doc.kind == "html":
            html = doc.content
            if isinstance(html, bytes):
                html = decode_html(html, doc.source)  # so an error names the file
            return Result(doc, cleaner.clean_html(html, url=doc.url, site=doc.site))
        text = doc.content
        if isinstance(text, bytes):
            text = decode_text(text, doc.source)
        return Result(doc, cleaner.clean_text(text, url=doc.url, site=doc.site))
    except CleanerError as exc:
        return Result(doc, error=exc)
