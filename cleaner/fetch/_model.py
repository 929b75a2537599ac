"""What a fetch produces: the raw page (``Fetched``), then one ``FetchResult`` per URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from .._errors import FetchError
from .._model import Cleaned

if TYPE_CHECKING:
    from .._pipeline import Result

PageKind = Literal["html", "text"]
STAGES = ("robots", "connect", "http", "size", "type", "decode", "clean")
"""Where a URL can fail, in the order a fetch meets them."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """A page as it came off the wire: body already content-decoded (gzip/deflate), not yet text."""

    url: str
    final_url: str
    status: int
    body: bytes
    kind: PageKind
    content_type: str
    charset: str | None = None
    """The charset named by the Content-Type header, if any."""
    redirects: tuple[str, ...] = ()
    """Every URL that answered with a redirect, in order."""


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One record per URL: the cleaned page, or the error that stopped it (never both)."""

    url: str
    final_url: str | None = None
    status: int | None = None
    cleaned: Cleaned | None = None
    error: FetchError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def stage(self) -> str | None:
        return self.error.stage if self.error is not None else None

    def to_result(self) -> Result:
        """The same as any pipeline result: a fetched document (``fetch`` set, ``final_url``,
        ``status``) and its ``Cleaned`` or error, so every writer and record format applies."""
        from .._pipeline import Result
        from ..sources._document import Document

        doc = Document(self.url, url=self.url, kind="html", fetch=True,
                       final_url=self.final_url, status=self.status)
        return Result(doc, self.cleaned, self.error)

    def to_record(self) -> dict[str, Any]:
        """The JSON record ``cleaner clean --format jsonl`` writes: ``url``, ``final_url``,
        ``status``, ``title``, ``text``, ``metadata``, ``removed`` and ``error`` (null on
        success, else ``"<url>: <stage>: <reason>"``)."""
        from ..output import to_record

        return to_record(self.to_result())
