"""Bytes to text: UTF-8 first, then detection; binary data is refused with a reason."""

from __future__ import annotations

import charset_normalizer

from ._errors import SourceError

_MAGIC = {
    b"%PDF-": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "gzip-compressed data",
    b"PK\x03\x04": "a ZIP archive",
    b"\x7fELF": "an executable",
    b"BZh": "bzip2-compressed data",
    b"\xfd7zXZ": "xz-compressed data",
    b"RIFF": "a RIFF media file",
}


def sniff_binary(data: bytes) -> str | None:
    """Say what kind of binary data this is, or None when it may be text."""
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            return what
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 with a byte-order mark
    if b"\x00" in head:
        return "binary data (NUL bytes)"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if head and controls / len(head) > 0.1:
        return "binary data (control bytes)"
    return None


def decode_text(data: bytes, source: str) -> str:
    """Decode saved text. Raises :class:`SourceError` naming ``source`` when it is not text."""
    what = sniff_binary(data)
    if what:
        raise SourceError(source, f"not text: looks like {what}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data[:1_000_000]).best()
    if best is None or best.encoding is None:
        raise SourceError(source, "not valid UTF-8 and no text encoding could be detected")
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise SourceError(source, f"not valid UTF-8 and not {best.encoding} either") from exc
