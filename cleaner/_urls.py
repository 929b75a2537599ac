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
