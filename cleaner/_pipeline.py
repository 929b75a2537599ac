"""One document through the pipeline: decode, clean, and catch what goes wrong as a result.

Every caller shares this path and its :class:`Result`: the CLI and batch pool, Dask, the adapters
and fetching (a fetched page is a :class:`Document` with ``fetch`` set and the fetch facts).
"""

from __future__ import annotations

from dataclasses import dataclass

from ._cleaner import Cleaner
from ._decode import decode_declared, decode_html, decode_text, sniff_binary
from ._errors import CleanerError, FetchError, SourceError
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

    @property
    def url(self) -> str | None:
        return self.document.url

    @property
    def final_url(self) -> str | None:
        """Where a fetched page came from after redirects."""
        return self.document.final_url

    @property
    def status(self) -> int | None:
        """A fetched page's HTTP status."""
        return self.document.status

    @property
    def stage(self) -> str | None:
        """Where a fetch failed (see ``cleaner.fetch.STAGES``)."""
        return self.error.stage if isinstance(self.error, FetchError) else None


def decode(doc: Document) -> str:
    """The document's content as text. Bytes are decoded as a web page (byte-order mark,
    declared charset, detection) or as text; a fetched page is first refused when it is binary,
    and the charset its Content-Type header named is tried first. Raises ``SourceError``."""
    content = doc.content
    if isinstance(content, str):
        return content
    if doc.fetch and (what := sniff_binary(content)):
        raise SourceError(doc.source, f"not text: looks like {what}")
    if doc.kind == "html":
        return decode_html(content, doc.source, charset=doc.charset)  # so an error names the file
    text = decode_declared(content, doc.charset)
    return text if text is not None else decode_text(content, doc.source)


def clean_document(cleaner: Cleaner, doc: Document) -> Result:
    """Clean one document; a bad one becomes an error result, it never raises."""
    if doc.error is not None:
        return Result(doc, error=doc.error)
    try:
        if doc.kind == "html":
            return Result(doc, cleaner.clean_html(decode(doc), url=doc.url, site=doc.site))
        return Result(doc, cleaner.clean_text(decode(doc), url=doc.url, site=doc.site))
    except CleanerError as exc:
        return Result(doc, error=exc)
