"""Text to one lxml tree: safe parser settings, small repairs, and a size cap on what follows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

from .._errors import SourceError

# Control characters lxml accepts in parsed text but refuses when the extractor sets it again.
# Pages seldom hold one: a substring test for each is four times quicker than a regex search.
_CONTROL_CHARS = (*map(chr, (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))), "\ufffe", "\uffff")
_CONTROL = re.compile("[" + "".join(map(re.escape, _CONTROL_CHARS)) + "]")
# A numeric character reference to a control character: to C0 controls (the parser would put
# them in the text, see above), or to 128-159, which browsers read as windows-1252 (&#151; is
# an em dash), as the HTML standard says.
_CONTROL_REF = re.compile(r"&#(?:([0-9]{1,5})|[xX]([0-9a-fA-F]{1,4}));?")
# An XML declaration (lxml refuses one with an encoding in a str) and a DOCTYPE with an internal
# subset (the HTML parser would leave its "]>" in the text). Entities declared there are never
# expanded: the HTML parser does not read DTDs.
_PROLOG = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!DOCTYPE[^>\[]*(?:\[[^\]]*\])?\s*>)?", re.IGNORECASE
)
_PROLOG_WINDOW = 65536
_LOOKUP = etree.ElementDefaultClassLookup(
    element=lxml_html.HtmlElement,
    comment=lxml_html.HtmlComment,
    pi=lxml_html.HtmlProcessingInstruction,
    entity=lxml_html.HtmlEntity,
)
"""Every element is a plain ``HtmlElement``, chosen in C. lxml.html's own lookup calls Python for
each element object made (to give forms, inputs and labels their own classes, which nothing here
uses); the extractor makes thousands per page."""
MAX_DEPTH = 255
"""libxml2's nesting limit without ``huge_tree``: deeper markup ends the parse (nothing crashes)."""


@dataclass(frozen=True, slots=True)
class Parsed:
    root: lxml_html.HtmlElement
    truncated: str | None = None
    """Why part of the page was not parsed (nesting too deep), or None."""


def parse_html(text: str, source: str) -> Parsed | None:
    """Parse once, with network access, DTD loading and huge trees off; None for an empty page."""
    text = _repair(text)
    if not text.strip():
        return None
    parser = lxml_html.HTMLParser(
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        default_doctype=False,
        collect_ids=False,
    )
    parser.set_element_class_lookup(_LOOKUP)
    try:
        root = lxml_html.document_fromstring(text, parser=parser)
    except etree.ParserError as exc:
        if "empty" in str(exc).lower():
            return None
        raise SourceError(source, f"cannot parse HTML: {exc}") from exc
    except (etree.LxmlError, ValueError) as exc:
        raise SourceError(source, f"cannot parse HTML: {exc}") from exc
    return Parsed(root, _truncation(parser))


def _repair(text: str) -> str:
    text = text.lstrip("\ufeff")
    head = _PROLOG.sub("", text[:_PROLOG_WINDOW], count=1)
    text = head + text[_PROLOG_WINDOW:]
    if "&#" in text:
        text = _CONTROL_REF.sub(_control_ref, text)
    if any(char in text for char in _CONTROL_CHARS):
        text = _CONTROL.sub("", text)
    return text


def _control_ref(match: re.Match[str]) -> str:
    decimal, hexadecimal = match.groups()
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if 0x80 <= code <= 0x9F:
        return bytes([code]).decode("cp1252", errors="ignore") or match.group()
    if _CONTROL.match(chr(code)):
        return ""
    return match.group()


def _truncation(parser: lxml_html.HTMLParser) -> str | None:
    for entry in parser.error_log:
        message = entry.message.lower()
        if "depth" in message:
            return f"nesting deeper than {MAX_DEPTH} levels; the rest of the page was not parsed"
        if "resource limit" in message or "huge" in message:
            return ("a text or attribute longer than the parser's limit (10,000,000 characters); "
                    "the rest of the page was not parsed")
    return None


MAX_TEXT_CHARS = 1_000_000
"""Text kept from one page (~150,000 words, more than any article); the rest is cut."""
MAX_ELEMENTS = 250_000
_MEASURE_FROM = 2_000_000
"""Pages with less markup than this (nearly all) are not measured at all."""
_NO_TEXT = frozenset({"script", "style", "template", "noscript"})


def cap_size(root: lxml_html.HtmlElement, markup_chars: int) -> str | None:
    """Cut a giant page after :data:`MAX_TEXT_CHARS` of text or :data:`MAX_ELEMENTS` elements,
    so extraction time stays bounded; say what was cut, or None."""
    if markup_chars < _MEASURE_FROM:
        return None
    chars = 0
    for count, element in enumerate(root.iter(), 1):
        if element.tag not in _NO_TEXT:
            chars += len(element.text or "")
        chars += len(element.tail or "")
        if chars > MAX_TEXT_CHARS or count > MAX_ELEMENTS:
            _cut_after(element)
            return f"page cut after {chars:,} characters of text in {count:,} elements"
    return None


def _cut_after(element: etree._Element) -> None:
    """Remove everything after ``element``'s own text in document order."""
    for child in list(element):
        element.remove(child)
    node: etree._Element | None = element
    while node is not None:
        node.tail = None
        parent = node.getparent()
        if parent is not None:
            for sibling in list(node.itersiblings()):
                parent.remove(sibling)
        node = parent
