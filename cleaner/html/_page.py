"""One web page to blocks: decode, parse once, prune with selector rules, extract, shape."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from .._decode import decode_html
from .._errors import SourceError
from .._limit import Deadline
from .._model import Block, Removal
from .._urls import host_of
from ..rules._select import CompiledSelector
from ._article import not_an_article, split_title
from ._blocks import body_blocks
from ._chunks import join_chunks
from ._classes import with_classes
from ._dump import baseline_blocks
from ._meta import page_metadata
from ._parse import cap_size, parse_html
from ._prune import link_text_chars, page_text_chars, prune

if TYPE_CHECKING:
    from bs4 import Tag

HtmlInput: TypeAlias = "str | bytes | Tag | etree._Element | etree._ElementTree"
"""What ``clean_html`` takes: markup, or a page already parsed by bs4 or lxml."""
EMPTY = "empty document"
ABOVE_HEADLINE = "navigation.above-headline"
"""The reason given for short blocks (kicker, section label) extracted above the headline."""


@dataclass(frozen=True)
class Page:
    """What :func:`extract_page` found: the body's blocks, metadata, what selector rules pruned,
    and, when the body is empty, why."""

    blocks: list[Block]
    metadata: dict[str, Any] = field(default_factory=dict)
    pruned: list[Removal] = field(default_factory=list)
    reason: str | None = None


def markup_of(html: HtmlInput, source: str) -> str | bytes:
    """The page as markup: ``str`` and ``bytes`` as they are; a parsed page as scrapers hold
    one (a bs4 ``BeautifulSoup`` or ``Tag``, an lxml element or tree) written out as HTML, to be
    parsed again here with this package's parser settings (never changing the caller's tree)."""
    if isinstance(html, (str, bytes)):
        return html
    if isinstance(html, etree._ElementTree):
        html = html.getroot()
    if isinstance(html, etree._Element):
        return str(etree.tostring(html, encoding="unicode", method="html"))
    from bs4 import Tag

    if isinstance(html, Tag):
        return html.decode()
    raise SourceError(source, f"expected str, bytes, a BeautifulSoup or an lxml element, got "
                              f"{type(html).__name__}")


def extract_page(
    html: HtmlInput,
    *,
    url: str | None,
    selectors: Sequence[CompiledSelector],
    time_limit: float | None = None,
) -> Page:
    """Parse ``html`` once, prune it with the selector rules that apply to ``url``'s host, and
    let trafilatura extract the main content from the pruned tree (comments left out, tables
    kept). Raises :class:`SourceError` for input that is not HTML, :class:`CleanTimeout` past
    ``time_limit`` seconds."""
    source = url or "<html>"
    deadline = Deadline(time_limit, source)
    markup = markup_of(html, source)
    text = decode_html(markup, source) if isinstance(markup, bytes) else markup
    parsed = parse_html(text, source)
    if parsed is None:
        return Page([], {"url": url}, [], EMPTY)
    root = parsed.root
    notes = [n for n in (parsed.truncated, cap_size(root, len(text))) if n]
    deadline.check("parse")
    pruned = prune(root, selectors, host_of(url))
    join_chunks(root)
    meta = page_metadata(root, url)
    metadata = meta.fields
    if notes:
        metadata["truncated"] = "; ".join(notes)
    with deadline.interrupting("extraction"):
        blocks = _main_blocks(root, url)
    headline = split_title(blocks, meta.headlines)
    if headline.text:
        metadata["title"] = headline.text
    pruned.extend(Removal(ABOVE_HEADLINE, "navigation", b.text) for b in headline.above)
    reason = not_an_article(root, headline.body, url)
    if reason:
        return Page([], metadata, pruned, reason)
    return Page(with_classes(headline.body, root), metadata, pruned)


def _main_blocks(root: lxml_html.HtmlElement, url: str | None) -> list[Block]:
    """The main content's blocks: trafilatura in recall mode, or, when that takes a small part
    of a page that is nearly all text (few links), its balanced mode (whose own fallbacks,
    justext among them, reach text in layouts without article markup: old table pages), or,
    failing that, trafilatura's baseline; on a bare page (next to no links) the baseline also
    when it finds clearly more than recall mode."""
    blocks = _blocks_of(_extract(root, recall=True), url)
    taken = _block_chars(blocks)
    page = page_text_chars(root)
    if taken * BARE_GAIN >= page:
        return blocks  # nothing else could find clearly more
    links = link_text_chars(root)
    dump: list[Block] | None = None
    if taken < FALLBACK_BELOW * page and links <= FALLBACK_MAX_LINKS * page:
        other = _blocks_of(_extract(root, recall=False), url)
        if _finds_more(other, taken, FALLBACK_GAIN, FALLBACK_COVER * page):
            return other
        dump = baseline_blocks(root, url)
        if _finds_more(dump, taken, FALLBACK_GAIN, DUMP_COVER * page):
            return dump
    if links <= BARE_MAX_LINKS * page:
        dump = baseline_blocks(root, url) if dump is None else dump
        if _finds_more(dump, taken, BARE_GAIN):
            return dump
    return blocks


FALLBACK_BELOW = 0.45
"""The balanced extraction is tried when recall mode took less than this share of the page's
text..."""
FALLBACK_MAX_LINKS = 0.25
"""...of a page with little link text (more is navigation around an article recall mode found)..."""
FALLBACK_GAIN = 2.0
"""...and taken when it finds at least this many times as much text..."""
FALLBACK_COVER = 0.6
"""...covering at least this share of the page's text (the page is the article)..."""
FALLBACK_MAX_REPEATS = 0.5
"""...without this share of its blocks being repeats (a dump of hidden metadata and teasers)."""
BARE_MAX_LINKS = 0.02
"""A page whose link text is at most this share of its text is bare: no menus, teasers or
footers around it (they are links), so what the extractor leaves out is text too (a repeated
paragraph, a block outside its article markup)..."""
BARE_GAIN = 1.3
"""...and there the baseline is taken when it finds at least this many times as much text."""
DUMP_COVER = 0.7
"""When the balanced extraction does not qualify, trafilatura's baseline (the page's article
element, paragraphs or whole text) is taken on the same terms, covering at least this share."""


def _blocks_of(body: etree._Element | None, url: str | None) -> list[Block]:
    return body_blocks(body, url) if body is not None else []


def _block_chars(blocks: Sequence[Block]) -> int:
    return sum(len(b.text) for b in blocks)


def _finds_more(blocks: Sequence[Block], taken: int, gain: float, cover: float = 0) -> bool:
    """The other extraction has ``gain`` times the text recall mode took, at least ``cover``
    characters of it, and is not mostly repeats."""
    found = _block_chars(blocks)
    return found > gain * taken and found >= cover and not _repetitive(blocks)


def _repetitive(blocks: Sequence[Block]) -> bool:
    counts = Counter(b.text for b in blocks)
    repeats = sum(n for n in counts.values() if n > 1)
    return repeats >= FALLBACK_MAX_REPEATS * len(blocks)


def _extract(root: lxml_html.HtmlElement, *, recall: bool) -> etree._Element | None:
    """trafilatura on the pruned tree (it copies the tree; nothing is parsed again). It gets no
    URL: links stay as written (relative ones are internal), which spares resolving each one."""
    document = trafilatura.bare_extraction(
        root,
        url=None,
        include_comments=False,
        include_tables=True,
        include_links=True,
        include_formatting=False,
        favor_recall=recall,
        output_format="xml",
        with_metadata=False,
    )
    if document is None:
        return None
    body: etree._Element | None = getattr(document, "body", None)
    return body
