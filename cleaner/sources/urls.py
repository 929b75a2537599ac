"""URLs as a source: named on the command line or in a list file, as documents still to fetch.

:mod:`cleaner.fetch` fetches them (``fetch_documents``: loaded documents for a batch that cleans
with its own pool; ``cleaner.fetch`` / ``cleaner.afetch``: fetched *and* cleaned, one
``FetchResult`` per URL).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from .._errors import SourceError
from ._document import Document


def is_url(source: str) -> bool:
    """Does this command-line source name a web page (``http://`` or ``https://``)?"""
    return source[:8].lower().startswith(("http://", "https://"))


def read_url_list(path: str) -> Iterator[str]:
    """URLs from a file (``-``: stdin), one per line; blank lines and ``#`` comments skipped."""
    if path == "-":
        yield from _url_lines(sys.stdin)
        return
    try:
        with Path(path).open(encoding="utf-8", errors="replace") as lines:
            yield from _url_lines(lines)
    except OSError as exc:
        raise SourceError(path, f"cannot read URL list: {exc.strerror or exc}") from exc


def _url_lines(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        url = line.strip()
        if url and not url.startswith("#"):
            yield url


def url_document(url: str) -> Document:
    """A URL to fetch, as a document (``source`` and ``url`` are the URL, ``fetch`` is set)."""
    return Document(url, kind="html", url=url, fetch=True)


def url_name(url: str) -> str:
    """A relative path naming a URL's output under ``-o DIR``: host and path, made safe
    (``https://example.org/news/a?id=3`` -> ``example.org/news/a_id=3``)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
    if not host:
        return _safe(url) or "url"
    path = parts.path.strip("/") or "index"
    query = f"_{parts.query}" if parts.query else ""
    names = [_safe(p) for p in f"{path}{query}".split("/")]
    return "/".join([_safe(host), *(n for n in names if n and n not in (".", ".."))])


def _safe(part: str) -> str:
    return "".join(c if c.isalnum() or c in "-_.=" else "_" for c in part)[:120]
