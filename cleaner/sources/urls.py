"""URLs as a source: named on the command line or in a list file, as documents still to fetch.

:mod:`cleaner.fetch` fetches them (``fetch_documents``: loaded documents for a batch that cleans
with its own pool; ``cleaner.fetch`` / ``cleaner.afetch``: fetched *and* cleaned, one
``FetchResult`` per URL).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from .._errors import SourceError
from ._document import Document


_SCHEME = re.compile(r"\A([A-Za-z][A-Za-z0-9+.-]*)://")
_HOST_PATH = re.compile(
    r"\A(?:www\.[^/\s]+|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})(?::\d+)?/\S*\Z")
_FILE_SUFFIXES = frozenset({"txt", "text", "md", "html", "htm", "xhtml", "shtml", "json",
                            "jsonl", "ndjson", "warc", "gz", "xml", "csv"})


def is_url(source: str) -> bool:
    """Does this command-line source name a web page (``http://`` or ``https://``)?"""
    return source[:8].lower().startswith(("http://", "https://"))


def other_scheme(source: str) -> str | None:
    """The scheme of a URL that is not http(s) (``ftp``, ``file``...), or None."""
    found = _SCHEME.match(source)
    if found is None or found.group(1).lower() in ("http", "https"):
        return None
    return found.group(1)


def looks_like_a_web_address(source: str) -> bool:
    """``www.example.com/page.html`` or ``example.org/news/a``: a host name and a path, without
    a scheme (``notes.txt`` or ``data/a.html`` are not)."""
    if "://" in source or not _HOST_PATH.match(source):
        return False
    host = source.split("/", 1)[0].split(":", 1)[0]
    return host.lower().startswith("www.") or host.rsplit(".", 1)[-1].lower() not in _FILE_SUFFIXES


def add_scheme_hint(source: str) -> str:
    """What to say about a missing file that is probably a web address, or ``""``."""
    if looks_like_a_web_address(source):
        return f": to fetch a web page, give its full URL (https://{source})"
    return ""


def read_url_list(path: str) -> Iterator[str | Document]:
    """URLs from a file (``-``: stdin), one per line; blank lines and ``#`` comments skipped.
    A line that is not an http(s) URL is an error document naming the file and line."""
    if path == "-":
        yield from _url_lines(sys.stdin, "<stdin>")
        return
    try:
        with Path(path).open(encoding="utf-8", errors="replace") as lines:
            yield from _url_lines(lines, path)
    except OSError as exc:
        raise SourceError(path, f"cannot read URL list: {exc.strerror or exc}") from exc


def _url_lines(lines: Iterable[str], name: str) -> Iterator[str | Document]:
    for number, line in enumerate(lines, 1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        if is_url(url):
            yield url
            continue
        where = f"{name}:{number}"
        scheme = other_scheme(url)
        hint = add_scheme_hint(url).replace(": ", "; ", 1)
        why = (f"unsupported URL scheme: {scheme}:// (only http:// and https:// are fetched)"
               if scheme else f"not a URL: {url[:200]!r}{hint}")
        yield Document(where, error=SourceError(where, why))


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
