"""The ``Cleaner``: rules loaded at once and compiled on first use, then text (or HTML) in,
``Cleaned`` out."""

from __future__ import annotations

import ctypes
import dataclasses
import difflib
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import re2

from ._decode import replace_surrogates
from ._errors import RuleError, SourceError
from ._model import Block, Cleaned, Verdict, text_block
from ._urls import host_of, page_address
from .blocks import segment_text
from .rules import Rule, RuleEngine, check_unique, default_rules_dir, load_rules
from .rules._cache import RuleCache
from .rules._guard import overreaching
from .rules._select import CompiledSelector, compile_selectors
from .rules._shape import Shape, every_word_capitalised, shape, title_like

if TYPE_CHECKING:
    from .html._page import HtmlInput

RuleSource = str | Path | Rule


@dataclass(frozen=True, slots=True)
class _Compiled:
    engine: RuleEngine
    selectors: list[CompiledSelector]


class Cleaner:
    """Compiles rules once; reuse one instance for many documents (it holds no per-document state).

    Rule files are read and checked here, so a bad one raises :class:`RuleError` at once; the
    matchers are compiled on the first document (about a second with the shipped rules, a few
    hundredths from the cache), so a process that only hands ``.rules`` on (the parent of a
    batch) never pays for them.

    ``rules`` adds rule files or folders (or already loaded :class:`Rule` objects) to the shipped
    ones; ``default_rules=False`` leaves the shipped ones out; ``disable`` turns rules off by id;
    ``languages`` keeps only rules for those ISO 639-1 codes (and language-neutral ones);
    ``time_limit`` (seconds) stops one web page that takes longer with :class:`CleanTimeout`.

    Loaded and compiled rules are kept on disk (``$CLEANER_CACHE_DIR``, else the user's cache
    folder) so that the next process skips that work; ``cache=False`` neither reads nor writes
    it. The cache never changes a result.
    """

    def __init__(
        self,
        rules: RuleSource | Iterable[RuleSource] | None = None,
        *,
        languages: Iterable[str] | None = None,
        disable: str | Iterable[str] = (),
        default_rules: bool = True,
        time_limit: float | None = None,
        cache: bool = True,
    ) -> None:
        if isinstance(rules, (str, Path, Rule)):
            rules = [rules]  # one folder, file or rule (a string is not a list of its letters)
        given = tuple(rules or ())
        sources: list[RuleSource] = [default_rules_dir(), *given] if default_rules else list(given)
        languages = None if languages is None else tuple(languages)
        disable = (disable,) if isinstance(disable, str) else tuple(disable)
        self.cache = cache
        self._cache = RuleCache() if cache else None

        def build() -> tuple[Rule, ...]:
            loaded = _load(default_rules, given)
            _check_known(disable, loaded)
            built = tuple(_select(loaded, languages, set(disable)))
            _release_free_heap()
            return built

        self.rules: tuple[Rule, ...] = (
            self._cache.rules(sources, languages, disable, build) if self._cache else build())
        self.time_limit = time_limit
        self._built: _Compiled | None = None
        self._failed: RuleError | None = None
        """Why the rules could not be compiled: raised again for every document, not retried."""
        self._lock = threading.Lock()

    @property
    def _engine(self) -> RuleEngine:
        return self._compiled().engine

    @property
    def _selectors(self) -> list[CompiledSelector]:
        return self._compiled().selectors

    def _compiled(self) -> _Compiled:
        """The compiled matchers, built by the first caller (other threads wait for it)."""
        built = self._built
        if built is None:
            with self._lock:
                if self._failed is not None:
                    raise self._failed
                built = self._built
                if built is None:
                    try:
                        selectors = compile_selectors([r for r in self.rules if r.selectors])
                        built = self._built = _Compiled(self._compile_engine(), selectors)
                    except RuleError as exc:
                        self._failed = exc
                        raise
        return built

    def _compile_engine(self) -> RuleEngine:
        def build() -> RuleEngine:
            engine = RuleEngine(self.rules)
            _release_free_heap()
            return engine

        return self._cache.engine(self.rules, build) if self._cache else build()

    def clean_text(self, text: str, url: str | None = None, *, site: str | None = None) -> Cleaned:
        """Clean a saved article given as plain text. ``site`` names the site the page belongs
        to, for rules limited to some domains (learned site rules); by default the URL's host."""
        if not isinstance(text, str):
            raise SourceError(url or "<text>", f"expected str, got {type(text).__name__}")
        text, replaced = replace_surrogates(text)
        cleaned = self.clean_blocks(segment_text(text), url=url, find_title=True, site=site)
        return _noting(cleaned, replaced)

    def clean_html(self, html: HtmlInput, url: str | None = None, *,
                   site: str | None = None) -> Cleaned:
        """Clean a web page: parse once, prune with selector rules, extract, then judge blocks.
        ``html`` is markup (``str``, or ``bytes`` in any charset) or a page already parsed with
        bs4 (``BeautifulSoup``, ``Tag``) or lxml (an element or tree), which is left unchanged.
        ``site`` as for :meth:`clean_text`; without it or a URL, the page's canonical link."""
        from .html import extract_page

        replaced = 0
        if isinstance(html, str):
            html, replaced = replace_surrogates(html)
        page = extract_page(html, url=url, selectors=self._selectors, time_limit=self.time_limit)
        markup = html if isinstance(html, (str, bytes)) else None
        host = site or host_of(url) or (host_of(page_address(markup)) if markup else None)
        verdicts = tuple(self._engine.judge(page.blocks, host))
        return _noting(Cleaned(
            tuple(page.blocks),
            verdicts,
            title=page.metadata.get("title"),
            metadata=page.metadata,
            pruned=tuple(page.pruned),
            reason=page.reason,
        ), replaced)

    def clean_blocks(
        self, blocks: Sequence[Block], url: str | None = None, *, find_title: bool = False,
        site: str | None = None,
    ) -> Cleaned:
        """Judge already segmented blocks (from text or from a web page)."""
        blocks = tuple(blocks)
        shapes = [shape(b) for b in blocks]
        verdicts = tuple(self._engine.judge(blocks, site or host_of(url), shapes))
        title_index = (_find_title(blocks, verdicts, shapes, self._bylines)
                       if find_title else None)
        title = blocks[title_index].text.split("\n", 1)[0] if title_index is not None else None
        return Cleaned(blocks, verdicts, title=title, title_index=title_index)

    def _bylines(self, lines: Sequence[str]) -> bool:
        """Whether the byline rules drop every one of these lines (a dateline, "By <Name>")."""
        verdicts = self._engine.judge([text_block(line) for line in lines])
        return all(v.category == "byline" for v in verdicts)


def _noting(cleaned: Cleaned, replaced: int) -> Cleaned:
    """``cleaned`` with ``surrogates_replaced`` in its metadata when the input held lone
    surrogates (each became U+FFFD; nothing after them is lost), and a ``reason`` whenever the
    body is empty."""
    if replaced:
        cleaned = dataclasses.replace(
            cleaned, metadata={**cleaned.metadata, "surrogates_replaced": replaced})
    if cleaned.reason is None and not cleaned.text:
        cleaned = dataclasses.replace(cleaned, reason=_why_empty(cleaned))
    return cleaned


def _why_empty(cleaned: Cleaned) -> str:
    if not any(block.text.strip() for block in cleaned.blocks):
        return "empty document"
    if cleaned.title is not None and len(cleaned.blocks) == 1:
        return "only a title, no body"
    return "every block was removed by the rules"


def _release_free_heap() -> None:
    """Hand the C heap that checking or compiling rules used only for a while back to the system.

    RE2 builds its programs with large temporary allocations; glibc keeps the freed space, which
    with the shipped rules is ~40 MB per compiling process (~17 MB after loading), for the
    whole life of a batch worker. ``malloc_trim`` takes a few milliseconds; elsewhere (no glibc)
    this does nothing. Kept because measured: with the shipped rules compiled, a process holds
    55 MB instead of 63 MB (13% less, issue 16)."""
    if not sys.platform.startswith("linux"):
        return
    re2.purge()  # checking patterns left up to 128 compiled programs in re2's own cache
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, ...)
        return
    trim(0)


def _check_known(ids: Iterable[str], rules: Sequence[Rule]) -> None:
    """Every id to disable names a loaded rule; a typo is an error, with the nearest id."""
    known = {rule.id for rule in rules}
    for rule_id in ids:
        if rule_id not in known:
            near = difflib.get_close_matches(rule_id, known, n=1, cutoff=0.6)
            hint = f" (did you mean {near[0]!r}?)" if near else " (see 'cleaner rules list')"
            raise RuleError(f"cannot disable {rule_id!r}: no rule has that id{hint}")


def _load(default_rules: bool, given: Iterable[RuleSource]) -> list[Rule]:
    """The shipped rules, then the rules given as objects, then those of the files and folders
    given (which must not remove the body of an ordinary article); no two with one id."""
    loaded: list[Rule] = load_rules(default_rules_dir()) if default_rules else []
    paths: list[str | Path] = []
    for item in given:
        if isinstance(item, Rule):
            loaded.append(item)
        else:
            paths.append(item)
    if paths:
        mine = load_rules(*paths)
        for error in overreaching(mine, _alone):
            raise error
        loaded.extend(mine)
    check_unique(loaded)
    return loaded


def _select(rules: list[Rule], languages: Iterable[str] | None, disable: set[str]) -> list[Rule]:
    wanted = None if languages is None else {lang.lower() for lang in languages} | {"*"}
    out = []
    for rule in rules:
        if rule.id in disable:
            continue
        if wanted is not None and not wanted.intersection(rule.languages):
            continue
        out.append(rule)
    return out


def _find_title(blocks: Sequence[Block], verdicts: Sequence[Verdict], shapes: Sequence[Shape],
                bylines: Callable[[Sequence[str]], bool]) -> int | None:
    """The first kept block, when it is shaped like a headline and body follows it. The
    headline may carry its dateline or byline on the lines under it, as many sites print them
    in one element ("<headline>" then "Tuesday, 5 March 2024 at 10:32"): such a block is the
    title when its first line is shaped like one and ``bylines`` drops the other lines; the
    dateline marks it, so a short headline ("Harbour Tide Tables") counts too."""
    kept = (i for i, v in enumerate(verdicts) if v.keep)
    first = next(kept, None)
    second = next(kept, None)
    if first is None or second is None:
        return None
    block = blocks[first]
    if block.kind != "p":
        return None
    if "\n" in block.text:
        head, *rest = block.text.split("\n")
        if len(rest) > 2 or not title_like(shape(text_block(head)), head, 1) or not bylines(rest):
            return None
        return first
    s = shapes[first]
    if block.text.isupper() and "|" not in block.text and s.words <= len(s.tokens):
        # Headlines are stored in their written case (style sheets do the shouting), so a first
        # line all in capitals is a call to action ("CLICK FOR FULL RESULTS"), a quoted title or
        # a label the body keeps; a table row of capitals ("| HOME | CONTACT |") is a menu. (A
        # Chinese or Japanese line, more words than tokens, is "upper" for a few Latin capitals.)
        return None
    if title_like(s, block.text):
        return first
    return first if _short_headline(s, block.text, shapes[second]) else None


_SHORT_HEADLINE_WORDS = 2
"""A headline of two to four words ("Council Approves Budget") is taken only in title case and
over a body paragraph: shorter first lines are more often a label or a section name."""
_PROSE_WORDS = 10


def _short_headline(s: Shape, text: str, following: Shape) -> bool:
    """A short first line in title case, every word capitalised, over a paragraph of prose."""
    if not title_like(s, text, _SHORT_HEADLINE_WORDS) or not every_word_capitalised(s):
        return False
    return following.body_like and following.words >= _PROSE_WORDS


def _alone(rules: Sequence[Rule]) -> Cleaner:
    """A cleaner of ``rules`` and no others, for the guard against rules that remove the body."""
    return Cleaner(rules, default_rules=False, cache=False)
