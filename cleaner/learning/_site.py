"""Which site a page belongs to: the record's own site field, else the registrable domain of its
URL (``news.example.co.uk`` -> ``example.co.uk``), else that of its canonical link or og:url."""

from __future__ import annotations

import re
from functools import lru_cache

from typing import TYPE_CHECKING

from .._urls import host_of

if TYPE_CHECKING:
    import tldextract


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # The public-suffix list bundled with tldextract; no download, no cache on disk. Imported
    # on first use (it takes a second), as only learning needs it.
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=65536)
def _domain_of_host(host: str) -> str:
    found = _extractor()(host)
    # A host with no public suffix (localhost, an IP address) is its own site.
    return (found.top_domain_under_public_suffix or host).lower()


def registrable_domain(url: str | None) -> str | None:
    """The domain a person registers for the URL's host, or None for no URL or a malformed one."""
    host = host_of(url)
    if not host:
        return None
    return _domain_of_host(host.rstrip("."))


def site_key(site_field: str | None, url: str | None, page_url: str | None) -> str | None:
    """The site of one page: its site field, else the domain of its URL, else of the page's own
    address (canonical link or og:url, from the HTML)."""
    if site_field:
        return site_field.strip().lower() or None
    return registrable_domain(url) or registrable_domain(page_url)


_NOT_ID = re.compile(r"[^a-z0-9_-]+")


def slug(site: str) -> str:
    """The site as a rule id's middle part and a file name: ``example.co.uk`` stays, other
    signs become ``-``."""
    parts = [_NOT_ID.sub("-", part).strip("-") for part in site.lower().split(".")]
    return ".".join(p for p in parts if p) or "site"
