"""One web page to blocks: decode, parse once, prune with selector rules, extract, shape."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from .._decode import decode_html
from .._errors import SourceError
from .._model import Block, Removal
from .._urls import host_of
from ..rules._select import CompiledSelector
from ._article import not_an_article, split_title
from ._blocks import body_blocks
from ._deadline import Deadline
from ._meta import page_metadata
from ._parse import cap_size, parse_html
from ._prune import prune

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


def extract_page(
    html: str | bytes,
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
    text = decode_html(html, source) if isinstance(html, bytes) else html
    if not isinstance(text, str):
        raise SourceError(source, f"expected str or bytes, got {type(html).__name__}")
    parsed = parse_html(text, source)
    if parsed is None:
        return Page([], {"url": url}, [], EMPTY)
    root = parsed.root
    notes = [n for n in (parsed.truncated, cap_size(root, len(text))) if n]
    deadline.check("parse")
    pruned = prune(root, selectors, host_of(url))
    meta = page_metadata(root, url)
    metadata = meta.fields
    if notes:
        metadata["truncated"] = "; ".join(notes)
    with deadline.interrupting("extraction"):
        body = _extract(root)
    blocks = body_blocks(body, url) if body is not None else []
    headline = split_title(blocks, meta.headlines)
    if headline.text:
        metadata["title"] = headline.text
    pruned.extend(Removal(ABOVE_HEADLINE, "navigation", b.text) for b in headline.above)
    reason = not_an_article(root, headline.body, url)
    return Page([] if reason else headline.body, metadata, pruned, reason)


def _extract(root: lxml_html.HtmlElement) -> etree._Element | None:
    """trafilatura on the pruned tree (it copies the tree; nothing is parsed again). It gets no
    URL: links stay as written (relative ones are internal), which spares resolving each one."""
    document = trafilatura.bare_extraction(
        root,
        url=None,
        include_comments=False,
        include_tables=True,
        include_links=True,
        include_formatting=False,
        favor_recall=True,
        output_format="xml",
        with_metadata=False,
    )
    if document is None:
        return None
    body: etree._Element | None = getattr(document, "body", None)
    return body

