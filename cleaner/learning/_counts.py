"""Counting, per site, on how many distinct pages each folded block stands.

What is held is keys (64-bit hashes), not strings: a block's text is kept only for blocks short
enough to become a rule (``MAX_WORDS``), one text per distinct key. A site holds at most
``MAX_KEYS`` distinct keys; past that, the keys seen on one page only are let go (the site is
then marked ``capped``). Counts from several workers merge into the same numbers in any order:
pages are told apart by a key of their own (near-duplicates share it), supports are sets of
those keys, and kept texts and keep-example candidates are chosen by smallest value.
"""

from __future__ import annotations

import heapq
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from functools import lru_cache
from typing import Any

from .._model import Block
from ._fold import fold, key_of

MAX_WORDS = 50
"""Longer blocks are never learned (their text is not kept)."""
MAX_KEYS = 200_000
"""Distinct block keys held per site."""
MAX_PAGES_TRACKED = 100_000
"""A block's support counts up to this many pages (then it is boilerplate whatever the share)."""
KEEP_CANDIDATES = 8
_PROSE_WORDS = 12
_PROSE_ENDS = (".", "!", "?", '"', "”", "’", "»", ")")
_PERMUTATIONS = 4
_SHINGLES = 64


@lru_cache(maxsize=1)
def _minhash() -> Any:
    """datasketch's MinHash class and one sketch whose permutations every page reuses (imported
    on first use: datasketch takes seconds to import, and only learning needs it)."""
    from datasketch import MinHash  # type: ignore[import-untyped]

    return MinHash, MinHash(num_perm=_PERMUTATIONS, seed=15, hashfunc=zlib.crc32)


@dataclass(slots=True)
class Entry:
    """A block key seen on more than one page."""

    pages: set[int]
    occurrences: int = 0
    in_body: int = 0
    """Occurrences as a label over body: a recurring format line, not furniture."""


@dataclass(slots=True)
class SiteCounts:
    pages: set[int] = field(default_factory=set)
    singles: dict[int, int] = field(default_factory=dict)
    """Key -> page key << 1 | in-body flag, for keys seen on one page so far."""
    repeated: dict[int, Entry] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)
    keep: list[tuple[int, str]] = field(default_factory=list)
    """Candidate keep examples: the body paragraphs with the smallest keys (a max-heap by -key)."""
    capped: bool = False

    def add_page(self, page: int, blocks: Sequence[tuple[int, str, bool]]) -> None:
        self.pages.add(page)
        for key, text, body in blocks:
            self._add(key, page, body, text)
        if len(self.singles) + len(self.repeated) > MAX_KEYS:
            self.singles.clear()
            self.texts = {k: t for k, t in self.texts.items() if k in self.repeated}
            self.capped = True

    def _add(self, key: int, page: int, body: bool, text: str) -> None:
        entry = self.repeated.get(key)
        if entry is None:
            first = self.singles.get(key)
            if first is None:
                self.singles[key] = page << 1 | body
                self._text(key, text)
                return
            if first >> 1 == page:
                return  # the same page again (a near-duplicate page counts once)
            del self.singles[key]
            entry = self.repeated[key] = Entry({first >> 1}, 1, first & 1)
        if len(entry.pages) < MAX_PAGES_TRACKED:
            entry.pages.add(page)
        entry.occurrences += 1
        entry.in_body += body
        self._text(key, text)

    def _text(self, key: int, text: str) -> None:
        if text:
            old = self.texts.get(key)
            if old is None or text < old:
                self.texts[key] = text

    def offer_keep(self, key: int, text: str) -> None:
        item = (-key, text)
        if len(self.keep) < KEEP_CANDIDATES:
            heapq.heappush(self.keep, item)
        elif item > self.keep[0]:
            heapq.heapreplace(self.keep, item)

    def merge(self, other: SiteCounts) -> None:
        self.pages |= other.pages
        for key, entry in other.repeated.items():
            mine = self._promote(key)
            mine.pages |= entry.pages
            mine.occurrences += entry.occurrences
            mine.in_body += entry.in_body
        for key, packed in other.singles.items():
            if key in self.repeated or key in self.singles:
                mine = self._promote(key)
                mine.pages.add(packed >> 1)
                mine.occurrences += 1
                mine.in_body += packed & 1
            else:
                self.singles[key] = packed
        for key, text in other.texts.items():
            self._text(key, text)
        for item in other.keep:
            self.offer_keep(-item[0], item[1])
        self.capped = self.capped or other.capped

    def _promote(self, key: int) -> Entry:
        entry = self.repeated.get(key)
        if entry is None:
            packed = self.singles.pop(key, None)
            entry = self.repeated[key] = (Entry(set(), 0, 0) if packed is None else
                                          Entry({packed >> 1}, 1, packed & 1))
        return entry

    def support(self, key: int) -> int:
        entry = self.repeated.get(key)
        return len(entry.pages) if entry is not None else (1 if key in self.singles else 0)


@dataclass(slots=True)
class Counts:
    """Everything the learning pass gathers; ``merge`` adds another worker's counts."""

    sites: dict[str, SiteCounts] = field(default_factory=dict)
    pages: int = 0
    no_site: int = 0
    errors: int = 0

    def add(self, site: str | None, blocks: Sequence[Block]) -> None:
        """Count one page (its blocks as cleaning segments them) for ``site``."""
        self.pages += 1
        if site is None:
            self.no_site += 1
            return
        counts = self.sites.get(site)
        if counts is None:
            counts = self.sites[site] = SiteCounts()
        words = [len(b.text.split()) for b in blocks]
        # Only blocks short enough to learn are folded and counted; longer ones are body.
        keys = [key_of(fold(b.text)) if n <= MAX_WORDS else 0 for b, n in zip(blocks, words)]
        page = page_key(blocks)
        if len(blocks) < 2:
            counts.pages.add(page)  # a block that is the whole page is never learned
            return
        counts.add_page(page, _page_blocks(blocks, keys))
        for block, key in zip(blocks, keys):
            if key and _prose(block):
                counts.offer_keep(key, block.text)

    def merge(self, other: Counts) -> None:
        self.pages += other.pages
        self.no_site += other.no_site
        self.errors += other.errors
        for site, counts in other.sites.items():
            mine = self.sites.get(site)
            if mine is None:
                self.sites[site] = counts
            else:
                mine.merge(counts)


def page_key(blocks: Sequence[Block]) -> int:
    """A key shared by near-duplicate pages: the MinHash (``datasketch``) of the word 3-grams
    (every other one, 64 at most) opening the page's three longest blocks, its four values
    taken as one LSH band. The longest blocks are the article, so two saves of one article agree (Jaccard similarity 0.9 or more: the
    same key with probability 0.9**4 or more), while two articles of a site, sharing furniture
    but not their paragraphs, almost never do."""
    longest = sorted(range(len(blocks)), key=lambda i: (-len(blocks[i].text), i))[:3]
    words = " ".join(blocks[i].text for i in sorted(longest)).lower().split()[:_SHINGLES * 2 + 2]
    shingles = {" ".join(words[j:j + 3]).encode("utf-8", "surrogatepass")
                for j in range(0, max(1, len(words) - 2), 2)}
    if not words:
        return 0
    minhash, first = _minhash()
    sketch = minhash(num_perm=_PERMUTATIONS, permutations=first.permutations,
                     scheme=first.scheme, hashfunc=zlib.crc32)
    sketch.update_batch(sorted(shingles))
    return key_of(",".join(str(int(v)) for v in sketch.hashvalues)) >> 2


def _prose(block: Block) -> bool:
    text = block.text.rstrip()
    return (not block.is_link and block.link_density < 0.3 and text.endswith(_PROSE_ENDS)
            and len(text.split()) >= _PROSE_WORDS)


def _content(block: Block) -> bool:
    """Body that follows a label: a paragraph, or a list item that is not a link."""
    return _prose(block) or (block.kind == "li" and block.link_density < 0.5)


def _page_blocks(blocks: Sequence[Block], keys: Sequence[int]) -> list[tuple[int, str, bool]]:
    """(key, text, in-body flag) for each distinct block of a page short enough to learn."""
    seen: set[int] = set()
    out: list[tuple[int, str, bool]] = []
    last = len(blocks) - 1
    for i, (block, key) in enumerate(zip(blocks, keys)):
        if not key or key in seen:
            continue
        seen.add(key)
        body = 0 < i < last and _between_body(blocks[i - 1], block, blocks[i + 1])
        out.append((key, block.text, body))
    return out


def _between_body(before: Block, block: Block, after: Block) -> bool:
    """A label heading body ("Ingredients:" over its list, a column's fixed question over its
    answer, a section heading over its paragraphs, a split's name over its time): a format the
    site's articles share. (A sentence between body paragraphs is not one: that is where
    newsletter boxes sit.)"""
    if block.is_link or block.links_only:
        return False
    if len(block.text.split()) <= 3 and (_data(after) or _prose(before) and _prose(after)):
        return True  # a label over its figures (a split's name), a subheading among paragraphs
    label = block.text.rstrip().endswith((":", "?")) or block.kind == "h"
    return label and _content(after)


def _data(block: Block) -> bool:
    """A line of figures: digits, and no word of three letters or more ("14:32", "2-1 (h/t)")."""
    text = block.text
    return (any(ch.isdigit() for ch in text)
            and not any(sum(ch.isalpha() for ch in word) >= 3 for word in text.split()))
