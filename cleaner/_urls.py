"""URL helpers shared by the text, HTML and fetch paths."""

from __future__ import annotations

import re
from urllib.parse import urlsplit


def host_of(url: str | None) -> str | None:
    """The URL's host name (lowercased by urllib), or None for no URL or a malformed one."""
    if not url:
        return None
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "edu", "ac", "ne", "or", "go", "gob"})


def site_key(url: str | None) -> str | None:
    """The part of a URL's host a site registers: ``news.example.co.uk`` -> ``example.co.uk``."""
    host = host_of(url)
    if not host:
        return None
    labels = host.rstrip(".").split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def link_internal(target: str, site: str | None) -> bool | None:
    """Does a link go to the page's own site? Relative links do; None when it cannot be told."""
    try:
        parts = urlsplit(target)
    except ValueError:
        return None
    if parts.scheme and parts.scheme not in ("http", "https"):
        return False  # mailto:, tel:, javascript:
    if not parts.netloc:
        return True
    if site is None:
        return None
    return site_key(target) == site


_CANONICAL = re.compile(
    r"""<link\b(?=[^>]*\brel\s*=\s*["']?canonical\b)[^>]*\bhref\s*=\s*["']?([^"'\s>]+)""",
    re.IGNORECASE)
_OG_URL = re.compile(
    r"""<meta\b(?=[^>]*\bproperty\s*=\s*["']?og:url\b)[^>]*\bcontent\s*=\s*["']?([^"'\s>]+)""",
    re.IGNORECASE)


def page_address(html: str | bytes) -> str | None:
    """The page's own absolute URL from its canonical link, else its og:url (in the first
    200,000 characters), or None."""
    head = html[:200_000]
    if isinstance(head, bytes):
        head = head.decode("ascii", "replace")
    for pattern in (_CANONICAL, _OG_URL):
        found = pattern.search(head)
        if found and found.group(1).lower().startswith(("http://", "https://")):
            return found.group(1).replace("&amp;", "&")
    return None
