"""What a fetch produces: the raw page (``Fetched``), then one ``FetchResult`` per URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .._pipeline import Result
from ..output import to_record

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


class FetchResult(Result):
    """One record per URL: a :class:`~cleaner._pipeline.Result` whose document is the fetched
    page (``url``, ``final_url``, ``status``), with its ``Cleaned`` or the ``FetchError`` that
    stopped it (never both)."""

    __slots__ = ()

    def to_record(self) -> dict[str, Any]:
        """The JSON record ``cleaner clean --format jsonl`` writes: ``url``, ``final_url``,
        ``status``, ``title``, ``text``, ``metadata``, ``removed`` and ``error`` (null on
        success, else ``"<url>: <stage>: <reason>"``)."""
        return to_record(self)
