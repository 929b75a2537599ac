"""What a fetch produces: the raw page (``Fetched``) and, after cleaning, one ``FetchResult`` per URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ._errors import FetchError
from ._model import Cleaned

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

    def to_record(self) -> dict[str, Any]:
        """The JSON record: ``url``, ``final_url``, ``status``, the cleaned fields, ``error``, ``stage``.

        ``error`` is null on success, else ``"<stage>: <reason>"``; ``stage`` repeats the stage.
        """
        body: dict[str, Any] = self.cleaned.to_dict() if self.cleaned is not None else {
            "title": None, "text": None, "metadata": {}, "removed": [], "reason": None,
        }
        return {
            "url": self.url,
            "final_url": self.final_url,
            "status": self.status,
            **body,
            "error": self.error.reason if self.error is not None else None,
            "stage": self.stage,
        }
