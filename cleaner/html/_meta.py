"""Page metadata from the parsed tree, cheaply.

``<meta>``/OpenGraph tags and JSON-LD through trafilatura's readers, the title from those, the
one ``<h1>`` or ``<title>``, and the publication date from the usual meta tags, JSON-LD or the
URL. trafilatura's own ``extract_metadata`` also scans the whole body for bylines, dates and
category links, which costs about a third of an extraction; that scan is left out.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html
from trafilatura.metadata import examine_meta, extract_meta_json

from .._urls import host_of

_LOG = logging.getLogger(__name__)

_DATE_META = etree.XPath(
    """/html/head/meta[@content][
        contains(' article:published_time og:published_time article:published
                   datepublished date pubdate publishdate publish_date publication_date
                   dc.date dc.date.issued dcterms.created dcterms.date sailthru.date
                   parsely-pub-date cxenseparse:recs:publishtime ',
                 concat(' ', translate(concat(@property, @name, @itemprop),
                        'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), ' '))]
      /@content""",
    smart_strings=False,
)
_ITEMPROP_DATE = etree.XPath(  # one pass over the attributes, not the elements, of the tree
    "//@itemprop[.='datePublished']/../@*[name()='content' or name()='datetime']",
    smart_strings=False,
)
_LD_JSON = etree.XPath("//script[@type='application/ld+json']/text()", smart_strings=False)
_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])")
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|[-_]|$)")
_TITLE = etree.XPath("/html/head/title")


@dataclass(frozen=True, slots=True)
class Metadata:
    fields: dict[str, Any]
    headlines: list[str]
    """What the headline may read: the metadata title, the page's first ``<h1>`` and its
    ``<title>`` (social and SEO titles often differ from the visible headline)."""


def page_metadata(root: lxml_html.HtmlElement, url: str | None) -> Metadata:
    """title, author, date, sitename, url, language, description (None where unknown)."""
    meta = examine_meta(root)
    if meta.author and " " not in meta.author:
        meta.author = None  # a single word is a handle or a site name, not an author
    try:
        meta = extract_meta_json(root, meta)
    except Exception as exc:  # noqa: BLE001 - trafilatura's JSON-LD reader has known crashes
        _LOG.debug("JSON-LD metadata skipped: %s", exc)
    body = root.find("body")
    h1s = list(body.iter("h1")) if body is not None else []  # lxml's tag filter beats XPath
    h1 = _text(h1s[0]) if h1s else None
    titles = _TITLE(root)
    title_tag = _text(titles[0]) if titles else None
    title = _clean(meta.title) or (h1 if len(h1s) == 1 else None) or title_tag or h1
    page_url = url or meta.url
    sitename = _clean(meta.sitename) or _host(page_url)
    fields = {
        "title": without_site_name(title, sitename),
        "author": _clean(meta.author),
        "date": publication_date(root, page_url),
        "sitename": sitename,
        "url": page_url,
        "language": _language(root),
        "description": _clean(meta.description),
    }
    headlines = [t for t in dict.fromkeys((title, h1, title_tag)) if t]
    return Metadata(fields, headlines)


_SITE_SEPARATOR = re.compile(r"\s+(?:[-|–—·•:]{1,2}|::)\s+")
_DOMAIN = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$", re.IGNORECASE)
_SITE_MAX_WORDS = 4
_HEAD_MIN_WORDS = 3


def without_site_name(title: str | None, sitename: str | None) -> str | None:
    """A title without the site's name after it ("Ferry Fares Rise - Gull Point News" ->
    "Ferry Fares Rise"): the part after the last separator goes when it is the site's name, a
    domain, or a short name in capitals, after a headline of three words or more."""
    last = None
    for last in _SITE_SEPARATOR.finditer(title or ""):
        pass
    if not title or last is None:
        return title
    head, tail = title[: last.start()].rstrip(), title[last.end():].strip()
    if len(head.split()) < _HEAD_MIN_WORDS or not _site_like(tail, sitename):
        return title
    return head


def _site_like(tail: str, sitename: str | None) -> bool:
    folded = tail.lower().removeprefix("www.")
    if sitename and folded in (sitename.lower().removeprefix("www."),
                               sitename.lower().split(".")[0]):
        return True
    if _DOMAIN.match(tail):
        return True
    words = tail.split()
    return len(words) <= _SITE_MAX_WORDS and all(w[:1].isupper() or w[:1].isdigit() for w in words)


def publication_date(root: lxml_html.HtmlElement, url: str | None) -> str | None:
    """YYYY-MM-DD from the URL, the publication-date meta tags or JSON-LD ``datePublished``."""
    found = _URL_DATE.search(urlsplit(url).path) if url and "://" in url else None
    if found:
        return "-".join(found.groups())
    for source in (_meta_dates, _json_ld_dates, _ITEMPROP_DATE):  # cheapest first
        for value in source(root):
            found = _ISO_DATE.search(str(value))
            if found:
                return "-".join(found.groups())
    return None


def _meta_dates(root: lxml_html.HtmlElement) -> list[str]:
    return [str(v) for v in _DATE_META(root)]


def _json_ld_dates(root: lxml_html.HtmlElement) -> list[str]:
    return [m.group(1) for text in _LD_JSON(root) for m in _LD_DATE.finditer(str(text))]


def _text(element: lxml_html.HtmlElement) -> str | None:
    return _clean(element.text_content())


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    return " ".join(value.split()) or None


def _host(url: str | None) -> str | None:
    host = host_of(url)
    return host.removeprefix("www.") if host else None


def _language(root: lxml_html.HtmlElement) -> str | None:
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        return None
    code = lang.strip().replace("_", "-").split("-")[0].lower()
    return code if code.isalpha() and 2 <= len(code) <= 3 else None
