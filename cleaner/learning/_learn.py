"""The learning pass: segment each page as cleaning does, count its blocks for its site."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .._cleaner import Cleaner
from .._decode import decode_html, decode_text
from .._errors import CleanerError
from .._model import Block
from .._urls import page_address
from ..blocks import segment_text
from ..rules import Rule
from ..sources import Document
from ._counts import Counts
from ._select import MIN_PAGES, MIN_SHARE, Settings, learned_rules
from ._site import site_key


def page_blocks(cleaner: Cleaner, doc: Document) -> tuple[list[Block], str | None]:
    """A document's blocks exactly as ``cleaner`` segments them before judging, and the page's
    own address (canonical link or og:url) for a web page. Raises what cleaning raises."""
    if doc.kind == "html":
        from ..html import extract_page

        html = doc.content
        if isinstance(html, bytes):
            html = decode_html(html, doc.source)
        page = extract_page(html, url=doc.url, selectors=cleaner._selectors,
                            time_limit=cleaner.time_limit)
        return list(page.blocks), None if doc.url else page_address(html)
    text = doc.content
    if isinstance(text, bytes):
        text = decode_text(text, doc.source)
    return segment_text(text), None


def count_document(counts: Counts, cleaner: Cleaner, doc: Document) -> None:
    """Add one document to ``counts``; a document that cannot be read counts as an error."""
    if doc.error is not None:
        counts.errors += 1
        return
    try:
        blocks, address = page_blocks(cleaner, doc)
    except CleanerError:
        counts.errors += 1
        return
    counts.add(site_key(doc.site, doc.url, address), blocks)


@dataclass(frozen=True, slots=True)
class Learned:
    """What learning found: the rules, and the counts they came from (for the stats)."""

    rules: list[Rule]
    counts: Counts

    def summary(self) -> list[str]:
        c = self.counts
        sites = sum(1 for s in c.sites.values() if len(s.pages) >= 2)
        learned = len({r.domains[0] for r in self.rules})
        lines = [f"learned {len(self.rules)} site rule(s) for {learned} of {sites} site(s) with "
                 f"2 or more pages; {c.pages} page(s) read, {c.no_site} without a site, "
                 f"{c.errors} unreadable"]
        if c.pages and c.no_site == c.pages:
            lines.append("no page named its site (give URLs, --site-field, or pages with a "
                         "canonical link): nothing learned, cleaning as usual")
        capped = sorted(site for site, s in c.sites.items() if s.capped)
        if capped:
            lines.append(f"{len(capped)} site(s) had too many distinct blocks to count them all")
        return lines

    def to_dict(self) -> dict[str, int]:
        c = self.counts
        return {"pages": c.pages, "pages_without_site": c.no_site, "unreadable": c.errors,
                "sites": len(c.sites), "sites_with_rules": len({r.domains[0] for r in self.rules}),
                "rules": len(self.rules)}


def learn_from(documents: Iterable[Document], cleaner: Cleaner | None = None, *,
               min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE) -> Learned:
    """:func:`learn`, with the counts kept for the stats."""
    cleaner = cleaner or Cleaner()
    counts = Counts()
    for doc in documents:
        count_document(counts, cleaner, doc)
    return finish(counts, cleaner, Settings(min_pages, min_share))


def finish(counts: Counts, cleaner: Cleaner, settings: Settings) -> Learned:
    return Learned(learned_rules(counts, cleaner, settings), counts)


def learn(documents: Iterable[Document], cleaner: Cleaner | None = None, *,
          min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE) -> list[Rule]:
    """Learn each site's furniture from its own pages: rules for the lines that recur on at
    least ``min_pages`` pages and ``min_share`` of the pages of a site.

    ``documents`` are :class:`cleaner.sources.Document` items (text or HTML, with ``url`` or
    ``site``); ``cleaner`` segments them (its selector rules prune pages first) and holds the
    rules the learned ones join (default: the shipped rules). Use the result as
    ``Cleaner(rules=learned)``; :func:`write_site_files` saves it as TOML."""
    return learn_from(documents, cleaner, min_pages=min_pages, min_share=min_share).rules


def learned_sites(rules: Sequence[Rule]) -> list[str]:
    return sorted({r.domains[0] for r in rules if r.domains})
