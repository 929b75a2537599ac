"""Built-in detectors: rules that judge a block by its shape and its neighbours, not by phrases.

A *block detector* has a context-free ``candidates`` test (run once per document, naming the
blocks that could be dropped) and a ``check`` that looks at the neighbours (run each pass, only
on candidates). A *document detector* looks
at the whole document once per pass and names the positions to drop.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from .._model import Block
from ._comments import comment_section
from ._shape import _CJK, Shape, _ends_open, headline_end, headline_like
from ._view import View

Params = Mapping[str, Any]


Candidates = Callable[[Sequence[Block], Sequence[Shape], Params], list[int]]
"""The positions of the blocks a block detector could drop, whatever their neighbours."""


@dataclass(frozen=True, slots=True)
class BlockDetector:
    candidates: Candidates
    check: Callable[[View, int, Params], bool]


DocumentDetector = Callable[[View, Params], set[int]]


def _between_body(view: View, k: int, params: Params) -> bool:
    return view.body_at(k - 1) and view.body_at(k + 1)


_NOT_HEADLINE = re.compile(
    r"https?:|www\.|@|[\[\]#|;{}]|\b[a-z]{3,}\. [A-Z]|^(?:posted|by)\b"
    r"|[$€£]\s?\d[\d,]*\.\d\d\b",  # a price to the cent: a product or a deal, not a headline
    re.I)
_DEAL = re.compile(
    r"\b(?:now|save|get|only|just|originally|from)\s+[$€£]\s?\d|\d\s?%\s+off\b"
    r"|\bfor\s+[$€£]\s?\d[\d,.]*\)?$",
    re.IGNORECASE)
"""A deal line of a shopping roundup: "Now $549", "Save $5", "40% Off", "... for $199"."""
_QA = re.compile(r"[QA]\s?:")
"""A quiz's or an interview's question or answer: "Q: ...", "A: ..."."""


def _not_headline(text: str) -> bool:
    if _NOT_HEADLINE.search(text) or _QA.match(text):
        return True
    # the deal test is slow to run on every line; most lines have no price or percentage
    return any(sign in text for sign in "$€£%") and _DEAL.search(text) is not None


def _headline_candidates(blocks: Sequence[Block], shapes: Sequence[Shape],
                         params: Params) -> list[int]:
    """Headline-shaped, and not a reference, a citation, a link or two sentences; from a web
    page, only with a link in it (where links are known, a headline without one is a
    subheading, a product name or a caption, not a teaser)."""
    least, most = int(params.get("min_words", 8)), int(params.get("max_words", 30))
    # Plain text shows no links: there a subheading cannot be told from a teaser.
    linked = bool(params.get("needs_link", False))
    # Most blocks end a sentence or have the wrong length: they are ruled out before a call.
    return [i for i, s in enumerate(shapes)
            if not s.terminal and least <= s.words <= most
            and (blocks[i].link_density > 0 or not linked)
            and _headline_candidate(blocks[i], s, least, most)]


def _headline_candidate(block: Block, s: Shape, least: int, most: int) -> bool:
    if block.kind not in ("p", "h") or _not_headline(block.text):
        return False
    if block.from_html and not block.link_density:
        return False  # on a web page a teaser links to its article; this is a subheading
    return headline_like(s, block.text, min_words=least, max_words=most, min_ratio=0.0)


def _teaser_check(view: View, k: int, params: Params) -> bool:
    """Between body paragraphs, and either title case with a teaser's marks, or off-topic.

    Title-case section subheadings exist too, so title case alone is not enough: a teaser is
    longer or carries a colon, quote or comma. In sentence-case languages a teaser is told from
    a subheading by its words: almost none of them occur anywhere else in the article.
    """
    if not _between_body(view, k, params):
        return False
    s, text = view.shapes[k], view.blocks[k].text
    if s.title_ratio >= float(params.get("min_title_ratio", 0.75)):
        if s.colon_or_quote or "," in text or s.words >= int(params.get("long_words", 14)):
            return True
    max_overlap = float(params.get("max_overlap", 0.0))
    if max_overlap <= 0 or _CJK.search(text):
        return False  # CJK words are not space-separated: no stems to compare
    return _off_topic(view, k, max_overlap)


_STEM = re.compile(r"(?!\d+(?!\w))(\w{4,5})\w*")
"""A word of four letters or more that is not a number; the group is its first five letters.
It only ever matches at the start of a word: where it fails at a word's start (a number, a
word of three letters or fewer), it fails inside that word too."""
_STEM_HERE = re.compile(r"(?<!\w)" + _STEM.pattern)
"""``_STEM`` at a given position that starts a word (``match(text, pos)`` sees behind pos)."""


def _stems(text: str) -> set[str]:
    """Content words cut to five letters (a cheap stem that joins 'council' and 'councils')."""
    return set(_STEM.findall(text.lower()))


def _off_topic(view: View, k: int, max_overlap: float) -> bool:
    """Fewer than ``max_overlap`` of block k's content words occur in the rest of the document.

    Each stem of block k is looked up in the others' lower-cased text by a substring search,
    each hit then tested for being that word's stem: stemming every block of the document
    instead cost more than the rest of judging it. The look-ups stop once enough stems are
    shared (most candidates share their words with the article): a stem that is not shared
    costs a search through the whole document."""
    mine = _stems(view.blocks[k].text)
    if not mine:
        return 1.0 < max_overlap
    lows: list[str] | None = view.memo.get("lows")
    if lows is None:
        lows = view.memo["lows"] = [block.text.lower() for block in view.blocks]
    others = "\n".join(lows[:k] + lows[k + 1 :])
    shared = 0
    for stem in mine:
        if _has_stem(others, stem):
            shared += 1
            if shared / len(mine) >= max_overlap:
                return False
    return shared / len(mine) < max_overlap


def _has_stem(text: str, stem: str) -> bool:
    """Some word of ``text`` (lower-cased, blocks joined by line breaks) has this stem."""
    at = text.find(stem)
    while at >= 0:
        m = _STEM_HERE.match(text, at)
        if m is not None and m.group(1) == stem:
            return True
        at = text.find(stem, at + 1)
    return False


def _link_candidates(blocks: Sequence[Block], shapes: Sequence[Shape],
                     params: Params) -> list[int]:
    """Wholly one link to the page's own site (or to a site that cannot be told): a teaser
    promotes the site's other articles; a link to another site is a reference (a product, a
    source) the article gives."""
    least = int(params.get("min_words", 3))
    return [i for i, block in enumerate(blocks)
            if block.is_link and block.link_internal is not False
            and block.kind in ("p", "li", "h") and shapes[i].words >= least]


def _link_row_candidates(blocks: Sequence[Block], shapes: Sequence[Shape],
                         params: Params) -> list[int]:
    """(HTML) Several links and no word outside them, only separators between (``Archive |
    Contact | Site map``): a menu or footer bar. A sentence that cites several links has words
    of its own; a list of references gives each link its own item."""
    least = int(params.get("min_links", 3))
    return [i for i, block in enumerate(blocks)
            if block.from_html and block.links_only and block.links >= least]


def _always(view: View, k: int, params: Params) -> bool:
    """No context needed: a menu bar is one wherever it stands."""
    return True


_CODE_CHARS = frozenset("{}();=<>[]|\\/_$#")


def menu_like(block: Block, s: Shape) -> bool:
    """A few words with no full stop and nothing code-like: a menu entry, a footer link."""
    if block.kind != "p" or s.words > 4 or s.terminal:
        return False
    return not _CODE_CHARS.intersection(block.text)


def is_page_dump(view: View, params: Params) -> bool:
    """Many menu-like blocks: a dump of a whole page rather than an extracted article.

    Blocks from a web page never are: the DOM extraction has already taken the page apart.
    A reader-comment thread's short lines ("Reply", "Anna says:") are no menu: the blocks
    from the start of a thread found by ``comment-section`` on are not counted."""
    n = len(view.blocks)
    if n < int(params.get("min_blocks", 12)) or view.blocks[0].from_html:
        return False
    counted = view.memo.get("menu-like")
    if counted is None:  # the same count for every detector of this pass
        end = view.memo.get("thread-start", n)  # set by comment-section, which runs first
        menu = sum(1 for b, s in zip(view.blocks[:end], view.shapes[:end]) if menu_like(b, s))
        counted = view.memo["menu-like"] = (menu, end)
    menu, end = counted
    return bool(end >= int(params.get("min_blocks", 12))
                and menu >= float(params.get("min_share", 0.35)) * end)


def _page_chrome(view: View, params: Params) -> set[int]:
    """On a page dump, everything outside the run of blocks with the most prose in it.

    The run ends early at an *end marker* — a block that a rule named in ``end_rules`` (by id
    prefix) drops, such as a comment-section or "Related stories" header — once at least
    ``end_after`` of the run's prose stands before it: what follows such a header is the
    readers' comments or other articles, however much prose they hold.

    With ``side_share`` and ``side_max``, a few blocks before the run (or after it, unless an
    end marker cut it) stay when less than that share of them is menu-like: a saved article's
    headline above its first paragraph is no page furniture."""
    if not is_page_dump(view, params):
        return set()
    start, stop = _main_region(view, params)
    marked = _end_marker(view, params, start, stop)
    head, tail = range(start), range(marked, len(view.blocks))
    drop: set[int] = set()
    if not _kept_side(view, head, params):
        drop.update(head)
    if marked < stop or not _kept_side(view, tail, params):
        drop.update(tail)
    return drop


def _kept_side(view: View, side: range, params: Params) -> bool:
    """A short side (``side_max`` blocks at most) with less than ``side_share`` of it menu-like:
    a saved article's headline, or its last lines, rather than a page's menus."""
    return (len(side) <= int(params.get("side_max", 0))
            and _menu_share(view, side) < float(params.get("side_share", 0.0)))


def _menu_share(view: View, side: range) -> float:
    if not side:
        return 1.0
    return sum(1 for k in side if menu_like(view.blocks[k], view.shapes[k])) / len(side)


def _end_marker(view: View, params: Params, start: int, stop: int) -> int:
    prefixes = tuple(params.get("end_rules", ()))
    dropped: Mapping[int, str] = view.memo.get("dropped-by", {})
    if not prefixes or not dropped:
        return stop
    prose = [_prose_words(view.shapes[k]) for k in range(start, stop)]
    needed = float(params.get("end_after", 0.5)) * sum(prose)
    before = 0
    for k in range(start, stop):
        rule_id = dropped.get(k)
        if rule_id is not None and rule_id.startswith(prefixes) and before >= needed > 0:
            return k
        before += prose[k - start]
    return stop


def _prose_words(s: Shape) -> int:
    return s.words if (s.terminal and s.words >= 8) or s.words >= 20 else 0


def _main_region(view: View, params: Params) -> tuple[int, int]:
    """A maximum-sum segment: prose scores its words (less ``prose_offset``), menu-like blocks
    cost ``penalty``, other lines (headlines, captions) score ``neutral``."""
    penalty = float(params.get("penalty", 4))
    offset = float(params.get("prose_offset", 0))
    neutral = float(params.get("neutral", 0.5))
    best, best_span = 0.0, (0, len(view.blocks))
    total, start = 0.0, 0
    for k, (block, s) in enumerate(zip(view.blocks, view.shapes)):
        if total <= 0:
            total, start = 0.0, k
        if menu_like(block, s):
            total -= penalty
        elif words := _prose_words(s):
            total += min(words, 120) - offset
        else:
            total += neutral
        if total > best:
            best, best_span = total, (start, k + 1)
    return best_span


def _repeated_block(view: View, params: Params) -> set[int]:
    """On a page dump, a block whose exact text (a few words at least) already stood earlier.

    With ``max_repeats``, a text that stands more than that many times and recurs inside the
    run of prose (see ``_main_region``) is kept: it is the article's own structure (the labels of
    a schedule, a recipe's repeated steps), not a caption or menu printed twice. With
    ``family``, so is a text whose label (see ``_opening``) opens at least that many distinct
    texts: a line of a list the article is made of ("Lunch: 1 cup rice, ...", "Lunch: 2 eggs,
    ..."), where the same item comes back on another day."""
    if params.get("page_dumps_only", True) and not is_page_dump(view, params):
        return set()
    min_words = int(params.get("min_words", 3))
    texts = [b.text if s.words >= min_words else None for b, s in zip(view.blocks, view.shapes)]
    seen: set[str] = set()
    repeated = set()
    for k, text in enumerate(texts):
        if text is None:
            continue
        if text in seen:
            repeated.add(k)
        seen.add(text)
    max_repeats = int(params.get("max_repeats", 0))
    if max_repeats and repeated:
        start, stop = _main_region(view, params)
        counts = Counter(texts[k] for k in repeated)  # each text's count less its first
        repeated = {k for k in repeated
                    if not (start <= k < stop and counts[texts[k]] >= max_repeats)}
    family = int(params.get("family", 0))
    if family and repeated:
        openings = Counter(_opening(t) for t in set(texts) if t is not None)
        repeated = {k for k in repeated if openings[_opening(texts[k])] < family}
    return repeated


def _opening(text: str | None) -> str:
    """A list line's label: its words up to a colon among the first three, or its first two."""
    words = (text or "").split()[:3]
    for i, word in enumerate(words):
        if word.endswith(":"):
            return " ".join(words[:i + 1])
    return " ".join(words[:2])


def _marks(view: View, params: Params, name: str) -> list[int]:
    """The positions dropped in this pass by a rule whose id starts with one of the prefixes
    listed in ``params[name]``, in order."""
    prefixes = tuple(params.get(name, ()))
    dropped: Mapping[int, str] = view.memo.get("dropped-by", {})
    if not prefixes:
        return []
    return sorted(k for k, rule_id in dropped.items() if rule_id.startswith(prefixes))


def _after_end(view: View, params: Params) -> set[int]:
    """The short blocks after the article's closing furniture.

    Once a block dropped in this pass by a rule named in ``end_rules`` (a newsletter, app or
    share pitch, a comments header) stands in the last part of the document (after ``after``
    of its blocks or, unless the document is a page dump, ``after_words`` of its words), what
    follows it is the page's furniture (other stories' headlines, widget text, menus) when
    none of it is longer than ``max_words`` and at most ``max_prose`` of it reads as
    sentences. A pitch inside the article is followed by more of its sentences, and
    stays a single drop."""
    marks = _marks(view, params, "end_rules")
    if not marks:
        return set()
    dropped: Mapping[int, str] = view.memo["dropped-by"]
    n = len(view.blocks)
    first = int(float(params.get("after", 0.6)) * n)
    longest = int(params.get("max_words", 30))
    max_prose = float(params.get("max_prose", 0.5))
    before: list[int] = []  # words before each block, counted when first needed
    for k in marks:
        if k < first:
            # A short article with a long tail of furniture ends early by blocks, late by
            # words (on a page dump the menus above the article skew the words, and
            # page-chrome takes its tail).
            if not before:
                before = list(accumulate((s.words for s in view.shapes), initial=0))
            share = float(params.get("after_words", 1.0))
            if before[k] < share * before[-1] or is_page_dump(view, params):
                continue
        rest = [j for j in range(k + 1, n) if j not in dropped]
        if not rest:
            return set()
        if any(view.shapes[j].words > longest for j in rest):
            continue
        prose = sum(1 for j in rest if view.shapes[j].terminal and view.shapes[j].words >= 8)
        if prose <= max_prose * len(rest):
            return set(rest)
    return set()


def _headline_list(view: View, params: Params) -> set[int]:
    """A run of list items shaped like headlines (title case, no closing full stop) in the
    last part of a document where a rule named in ``evidence_rules`` dropped a block in this
    pass, right after a body paragraph: the site's "Related" links, set as a bare list.

    Sites that put "Related: ..." lines between the paragraphs commonly end the article with
    a few more of their headlines as a headerless list. A list the article gives is introduced
    by a line ending in a colon, or stands under a subheading, and is rarely all title case;
    on a page with no teaser dropped, a title-case list is left alone (tour dates, line-ups)."""
    if not _marks(view, params, "evidence_rules"):
        return set()
    dropped: Mapping[int, str] = view.memo["dropped-by"]
    n = len(view.blocks)
    first = int(float(params.get("after", 0.5)) * n)
    min_run = int(params.get("min_run", 2))
    blocks = view.blocks
    if sum(1 for k in range(first, n) if blocks[k].kind == "li") < min_run:
        return set()  # most documents end without a list
    kept = [k for k in range(n) if k not in dropped]
    items = [i for i, k in enumerate(kept) if k >= first and _listed_headline(view, k, params)]
    found: set[int] = set()
    for run in _runs(items):
        # after a paragraph: not a line announcing the list (a colon), a subheading or an item
        before = kept[run[0] - 1] if run[0] > 0 else -1
        if len(run) >= min_run and view.body_at(before) and blocks[before].kind != "li":
            found.update(kept[i] for i in run)
    return found


def _listed_headline(view: View, k: int, params: Params) -> bool:
    block, s = view.blocks[k], view.shapes[k]
    if block.kind != "li" or s.words > int(params.get("max_words", 20)):
        return False
    if not headline_end(s):
        return False
    return (s.title_ratio >= float(params.get("min_title_ratio", 0.75))
            and _ends_open(block.text))


_PIPE_TITLE = re.compile(r"^[^|\n]{3,60} \| [^|\n]{10,}$")
"""A page title as a browser tab shows it: a series or site name, a bar, a headline."""


def _pipe_titles(view: View, params: Params) -> set[int]:
    """After ``after`` of the blocks, a run of at least ``min_run`` blocks that are each a page
    title with one bar in it ("Design Week | A chair made of rope", "A chair made of rope |
    Harbour Design"), no closing full stop and at most ``max_words`` words: links to the
    site's other posts, listed under their full page titles. Body text rarely has a bar, and
    a table row or a menu bar has more than one."""
    n = len(view.blocks)
    first = int(float(params.get("after", 0.6)) * n)
    min_run, longest = int(params.get("min_run", 2)), int(params.get("max_words", 20))
    shapes = view.shapes  # the cheap tests first: most blocks are sentences
    titles = [k for k in range(first, n) if not shapes[k].terminal
              and shapes[k].words <= longest and " | " in shapes[k].text
              and _PIPE_TITLE.match(shapes[k].text)]
    return {k for run in _runs(titles) if len(run) >= min_run for k in run}


def _runs(positions: list[int]) -> list[list[int]]:
    """Ascending positions cut into runs of consecutive ones."""
    runs: list[list[int]] = []
    for k in positions:
        if runs and runs[-1][-1] == k - 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def _link_list(view: View, params: Params) -> set[int]:
    """(HTML) A run of list items that each carry a link and some text of their own, after the
    body has begun: a list of other stories with their summaries ("Ferry fares to rise |
    The operator blames fuel costs..."). Lists inside an article have items without links,
    or fewer of them."""
    if not view.blocks or not view.blocks[0].from_html:
        return set()  # plain text has no links
    min_run = int(params.get("min_run", 3))
    low, high = float(params.get("min_density", 0.2)), float(params.get("max_density", 0.99))
    start_share = float(params.get("after", 0.5))
    n = len(view.blocks)
    items = [k for k, block in enumerate(view.blocks) if block.kind == "li"
             and low <= block.link_density <= high and not view.shapes[k].terminal]
    return {k for run in _runs(items) if len(run) >= min_run and run[0] >= start_share * n
            for k in run}


BLOCK_DETECTORS: dict[str, BlockDetector] = {
    "headline-among-body": BlockDetector(_headline_candidates, _teaser_check),
    "link-among-body": BlockDetector(_link_candidates, _between_body),
    "link-row": BlockDetector(_link_row_candidates, _always),
}
DOCUMENT_DETECTORS: dict[str, DocumentDetector] = {
    "page-chrome": _page_chrome,
    "repeated-block": _repeated_block,
    "link-list": _link_list,
    "after-end": _after_end,
    "headline-list": _headline_list,
    "pipe-titles": _pipe_titles,
    "comment-section": comment_section,
}
DETECTOR_NAMES = frozenset(BLOCK_DETECTORS) | frozenset(DOCUMENT_DETECTORS)
