"""The ``Cleaner``: rules loaded at once and compiled on first use, then text (or HTML) in,
``Cleaned`` out."""

from __future__ import annotations

import ctypes
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import re2

from ._errors import SourceError
from ._model import Block, Cleaned, Verdict, text_block
from ._urls import host_of, page_address
from .blocks import segment_text
from .rules import Rule, RuleEngine, default_rules_dir, load_rules
from .rules._select import CompiledSelector, compile_selectors
from .rules._shape import Shape, shape, title_like

RuleSource = str | Path | Rule


@dataclass(frozen=True, slots=True)
class _Compiled:
    engine: RuleEngine
    selectors: list[CompiledSelector]


class Cleaner:
    """Compiles rules once; reuse one instance for many documents (it holds no per-document state).

    Rule files are read and checked here, so a bad one raises :class:`RuleError` at once; the
    matchers are compiled on the first document (about a second with the shipped rules), so a
    process that only hands ``.rules`` on (the parent of a batch) never pays for them.

    ``rules`` adds rule files or folders (or already loaded :class:`Rule` objects) to the shipped
    ones; ``default_rules=False`` leaves the shipped ones out; ``disable`` turns rules off by id;
    ``languages`` keeps only rules for those ISO 639-1 codes (and language-neutral ones);
    ``time_limit`` (seconds) stops one web page that takes longer with :class:`CleanTimeout`.
    """

    def __init__(
        self,
        rules: Iterable[RuleSource] | None = None,
        *,
        languages: Iterable[str] | None = None,
        disable: Iterable[str] = (),
        default_rules: bool = True,
        time_limit: float | None = None,
    ) -> None:
        loaded: list[Rule] = load_rules(default_rules_dir()) if default_rules else []
        paths = []
        for item in rules or ():
            if isinstance(item, Rule):
                loaded.append(item)
            else:
                paths.append(item)
        if paths:
            loaded.extend(load_rules(*paths))
        self.rules: tuple[Rule, ...] = tuple(_select(loaded, languages, set(disable)))
        _release_free_heap()
        self.time_limit = time_limit
        self._built: _Compiled | None = None
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
                built = self._built
                if built is None:
                    selectors = compile_selectors([r for r in self.rules if r.selectors])
                    built = self._built = _Compiled(RuleEngine(self.rules), selectors)
                    _release_free_heap()
        return built

    def clean_text(self, text: str, url: str | None = None, *, site: str | None = None) -> Cleaned:
        """Clean a saved article given as plain text. ``site`` names the site the page belongs
        to, for rules limited to some domains (learned site rules); by default the URL's host."""
        if not isinstance(text, str):
            raise SourceError(url or "<text>", f"expected str, got {type(text).__name__}")
        return self.clean_blocks(segment_text(text), url=url, find_title=True, site=site)

    def clean_html(self, html: str | bytes, url: str | None = None, *,
                   site: str | None = None) -> Cleaned:
        """Clean a web page: parse once, prune with selector rules, extract, then judge blocks.
        ``site`` as for :meth:`clean_text`; without it or a URL, the page's canonical link."""
        from .html import extract_page

        page = extract_page(html, url=url, selectors=self._selectors, time_limit=self.time_limit)
        host = site or host_of(url) or host_of(page_address(html))
        verdicts = tuple(self._engine.judge(page.blocks, host))
        return Cleaned(
            tuple(page.blocks),
            verdicts,
            title=page.metadata.get("title"),
            metadata=page.metadata,
            pruned=tuple(page.pruned),
            reason=page.reason,
        )

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


def _release_free_heap() -> None:
    """Hand the C heap that checking or compiling rules used only for a while back to the system.

    RE2 builds its programs with large temporary allocations; glibc keeps the freed space, which
    with the shipped rules is ~40 MB per compiling process (~17 MB after loading), for the
    whole life of a batch worker. ``malloc_trim`` takes a few milliseconds; elsewhere (no glibc)
    this does nothing."""
    if not sys.platform.startswith("linux"):
        return
    re2.purge()  # checking patterns left up to 128 compiled programs in re2's own cache
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, ...)
        return
    trim(0)


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
    if first is None or next(kept, None) is None:
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
    return first if title_like(s, block.text) else None
