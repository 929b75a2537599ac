"""What each dataset's gold keeps that a cleaner of article bodies removes by design.

The golds were written under different conventions. Where a ``SOURCE.md`` in the shared data
states one, it is followed; where it does not, the gold's own text decides, by what the audit
finds in it (``bench/audit.py``: the share of a category's removals that stand in the gold):

* dragnet-train: the headline and often the byline or date line (its SOURCE.md);
* cleaneval: the headline, author and date lines, and source / "reprinted from" lines: the 2007
  annotators kept the whole text of the main content (about three quarters of the cleaner's
  "By NAME" removals, two thirds of its "originally published" ones, stand in the gold) and
  reader comments under a post (two thirds of the blocks ``comments.thread`` removes stand in the
  gold, against under 1% in dragnet-train's, whose SOURCE.md puts comments apart);
* mozilla: Readability's own output keeps all text inside the article's container: captions and
  the closing "originally appeared on" / "contributed to this report" lines;
* zyte: ``articleBody`` keeps neither headline nor byline (it keeps some credit lines and drops
  others: no convention to follow, so every removal counts);
* trafilatura-eval: scored on snippets chosen as body or boilerplate, none a headline.

``"title"`` stands for the block the cleaner reports as the headline; the other names are rule
categories. Two uses, never a change to the rules:

* a *convention-fair* score: the cleaner's output with the headline and the removals of the
  categories the gold keeps put back (:func:`fair_text`);
* the audit counts a rule's removals against a gold only where that gold's convention counts
  the rule's category (:func:`counts_category`).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from bench import _data

GOLD_KEEPS: dict[str, frozenset[str]] = {
    "zyte": frozenset(),
    "mozilla": frozenset({"caption", "syndication"}),
    "cleaneval": frozenset({"title", "byline", "syndication", "comments"}),
    "trafilatura-eval": frozenset(),
    "dragnet-train": frozenset({"title", "byline"}),
}


def gold_keeps(dataset: str) -> frozenset[str]:
    return GOLD_KEEPS.get(dataset, frozenset())


def counts_category(dataset: str, category: str) -> bool:
    """Does ``dataset``'s gold judge removals of ``category`` (i.e. not keep them by convention)?"""
    return category not in gold_keeps(dataset)


def fair_text(cleaned: Any, keeps: frozenset[str]) -> str:
    """A ``cleaner.Cleaned``'s body with the headline (``"title"`` in ``keeps``) and the blocks
    removed by rules of the kept categories put back where they stood. A headline that is not a
    block (raw HTML: it comes from the page's markup) goes first. DOM elements pruned by
    selector rules have no place in the text and stay out."""
    if not keeps:
        return str(cleaned.text)
    parts: list[str] = []
    for i, (block, verdict) in enumerate(zip(cleaned.blocks, cleaned.verdicts, strict=True)):
        if i == cleaned.title_index:
            if "title" in keeps:
                parts.append(block.text)
        elif verdict.keep or verdict.category in keeps:
            parts.append(block.text)
    if "title" in keeps and cleaned.title_index is None and cleaned.title:
        parts.insert(0, cleaned.title)
    return "\n\n".join(parts)


_LINK_HOST_RE = re.compile(rb"""<a\b[^>]*\bhref\s*=\s*["']?https?://([^/"'\s>:?#]+)""", re.IGNORECASE)


def site_of(page: _data.Page) -> str:
    """The site a page belongs to, for counting distinct sites: the host of its URL without
    ``www.``; Mozilla's pages all carry one fake URL, so there the test-page name without its
    ``-N`` suffix (``site-2`` -> ``site``); a page without a URL, the host most of its absolute
    links point to (a blog links its own posts); failing that, a site of its own."""
    if page.dataset == "mozilla":
        stem, _, tail = page.id.rpartition("-")
        return f"mozilla:{stem if stem and tail.isdigit() else page.id}"
    host = _host(page.url) if page.url else None
    if not host:
        hosts = Counter(h.lower() for h in _LINK_HOST_RE.findall(page.raw))
        host = hosts.most_common(1)[0][0].decode("ascii", "replace") if hosts else None
    if not host:
        return f"{page.dataset}:{page.id}"
    return host.removeprefix("www.")


def _host(url: str) -> str | None:
    """The URL's host; for an archived copy (``web.archive.org/web/<time>/<url>``), the original's."""
    host = urlsplit(url).hostname
    if host == "web.archive.org":
        _, _, inner = url.partition("/web/")
        _, _, original = inner.partition("/")
        return urlsplit(original).hostname or host
    return host
