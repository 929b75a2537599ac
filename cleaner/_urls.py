"""URL helpers shared by the text, HTML and fetch paths."""

from __future__ import annotations

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
