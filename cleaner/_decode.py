"""Bytes to text: UTF-8 first, then detection; binary data is refused with a reason."""

from __future__ import annotations

import codecs
import re

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


# --- HTML ------------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(
    rb"""^\s*<\?xml\b[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_PRESCAN_BYTES = 8192
_DETECT_BYTES = 65536
_CHAOS_SLACK = 0.05
_STRAY_NUL_RATIO = 100
"""At most one NUL byte per this many bytes counts as stray, not as binary data."""
# WHATWG: browsers read these labels as windows-1252.
_WEB_ALIASES = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
    "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "windows-1252": "cp1252",
}
# Encodings whose bytes can be valid UTF-8 without being UTF-8 text: trust the declaration first.
_SEVEN_BIT = frozenset({"iso2022_jp", "iso2022_jp_2", "iso2022_kr", "utf-7", "hz"})


def declared_charset(data: bytes) -> str | None:
    """The Python codec named by an XML declaration or a ``<meta>`` charset near the start."""
    head = data[:_PRESCAN_BYTES]
    found = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return web_codec(found.group(1).decode("ascii")) if found else None


def web_codec(label: str | None) -> str | None:
    """A charset label as browsers read it (latin-1 and ASCII are windows-1252); None if unknown."""
    if not label:
        return None
    name = label.strip().lower().removeprefix("x-")
    try:
        return codecs.lookup(_WEB_ALIASES.get(name, name)).name
    except LookupError:
        return None


def decode_html(data: bytes, source: str, *, charset: str | None = None) -> str:
    """Decode a web page: a byte-order mark, else the declared charset (``charset`` from the HTTP
    header, else the page's own ``<meta>``/XML declaration), else detection.

    Valid UTF-8 wins over a declared single-byte charset: non-ASCII UTF-8 is practically never
    valid text in a legacy charset by accident, so such a page is mislabelled. Detection runs only
    when neither UTF-8 nor the declared charset fits. Raises :class:`SourceError` naming ``source``
    for binary data (PDF, images, archives).
    """
    what = sniff_binary(_without_stray_nuls(data))
    if what:
        raise SourceError(source, f"not HTML: looks like {what}")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    declared = web_codec(charset) or declared_charset(data)
    for codec in _decode_order(declared):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return _detect(data, mislabelled=declared == "utf-8")


def _decode_order(declared: str | None) -> list[str]:
    if declared is None:
        return ["utf-8"]
    if declared in _SEVEN_BIT:
        return [declared, "utf-8"]
    order = list(dict.fromkeys(["utf-8", declared]))
    if declared == "cp1252":
        order.append("latin-1")  # the five bytes cp1252 leaves undefined
    return order


def _without_stray_nuls(data: bytes) -> bytes:
    """The start of ``data`` without its NUL bytes when they are a stray few (a page saved with
    a NUL or two is still a page; the parser drops them)."""
    head = data[:_PRESCAN_BYTES]
    nuls = head.count(0)
    if 0 < nuls <= len(head) // _STRAY_NUL_RATIO:
        return head.replace(b"\0", b"")
    return data


def _detect(data: bytes, mislabelled: bool = False) -> str:
    """charset_normalizer's guess; among near-equal guesses the most coherent one (so French in
    windows-1252 is not read as Baltic windows-1257), windows-1252 on a tie. A page that says
    UTF-8 and is not (``mislabelled``) is nearly always windows-1252 saved under a UTF-8 header:
    windows-1252 wins when it is among the near-equal guesses."""
    half = _DETECT_BYTES // 2
    sample = data if len(data) <= _DETECT_BYTES else data[:half] + data[-half:]
    results = list(charset_normalizer.from_bytes(sample))
    encoding = "cp1252"
    if results:
        least = min(m.chaos for m in results)
        near = [m for m in results if m.chaos <= least + _CHAOS_SLACK]
        encoding = max(near, key=lambda m: (mislabelled and m.encoding == "cp1252", m.coherence,
                                            m.encoding == "cp1252")).encoding
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("cp1252", errors="replace")


_TEXT_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode_declared(body: bytes, charset: str | None) -> str | None:
    """A text/plain body decoded with the header's charset (read as browsers read it: latin-1
    means windows-1252); None when there is none, it is unknown, a byte-order mark outranks it,
    or the bytes do not fit it — detection then decides."""
    codec = web_codec(charset)
    if codec is None or body.startswith(_TEXT_BOMS):
        return None
    for name in (codec, "latin-1") if codec == "cp1252" else (codec,):
        try:
            return body.decode(name)
        except UnicodeDecodeError:
            continue
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> tuple[str, int]:
    """``text`` with each lone surrogate (from a ``\\ud800`` escape, or bytes decoded with
    ``surrogateescape``) replaced by U+FFFD, and how many were replaced; a high and a low
    surrogate in a row become the character they encode. Text without any is returned as is."""
    if text.isascii() or _SURROGATE.search(text) is None:
        return text, 0
    fixed = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return fixed, fixed.count("\ufffd") - text.count("\ufffd")
