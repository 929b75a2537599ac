"""Page metadata from the parsed tree: the cheap parts of trafilatura's metadata extraction.

``<meta>``/OpenGraph tags, JSON-LD, the ``<title>``/``<h1>`` and htmldate's quick date search.
trafilatura's own ``extract_metadata`` also scans the whole body for bylines and category links,
which costs about a third of an extraction; those fields are left out.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from htmldate import find_date
from lxml import html as lxml_html
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title

_LOG = logging.getLogger(__name__)


def page_metadata(root: lxml_html.HtmlElement, url: str | None) -> dict[str, Any]:
    """title, author, date, sitename, url, language, description (None where unknown)."""
    meta = examine_meta(root)
    if meta.author and " " not in meta.author:
        meta.author = None  # a single word is a handle or a site name, not an author
    try:
        meta = extract_meta_json(root, meta)
    except Exception as exc:  # noqa: BLE001 - trafilatura's JSON-LD parser has known crashes
        _LOG.debug("JSON-LD metadata skipped: %s", exc)
    title = meta.title or extract_title(root)
    page_url = url or meta.url
    return {
        "title": _clean(title),
        "author": _clean(meta.author),
        "date": _date(root, page_url),
        "sitename": _clean(meta.sitename) or _host(page_url),
        "url": page_url,
        "language": _language(root),
        "description": _clean(meta.description),
    }


def headlines(root: lxml_html.HtmlElement, metadata: dict[str, Any]) -> list[str]:
    """What the page's headline may read: the metadata title and the one ``<h1>`` (or the
    element marked as the headline), which often differ (a shorter title for social media)."""
    found = [metadata.get("title"), _clean(extract_title(root))]
    return [t for t in dict.fromkeys(found) if t]


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    return " ".join(value.split()) or None


def _date(root: lxml_html.HtmlElement, url: str | None) -> str | None:
    try:
        found = find_date(
            root,
            extensive_search=False,
            original_date=True,
            url=url,
            max_date=date.today().isoformat(),
        )
    except Exception as exc:  # noqa: BLE001 - htmldate is best effort; a date is not worth a page
        _LOG.debug("date search failed: %s", exc)
        return None
    return str(found) if found else None


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def _language(root: lxml_html.HtmlElement) -> str | None:
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        return None
    code = lang.strip().replace("_", "-").split("-")[0].lower()
    return code if code.isalpha() and 2 <= len(code) <= 3 else None
