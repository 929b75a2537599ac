"""From counts to rules: which recurring blocks are a site's furniture, and the rule for each."""

from __future__ import annotations

from dataclasses import dataclass

from .._cleaner import Cleaner
from .._model import Block, text_block
from ..rules import Rule
from ..rules._check import _BODY, _TITLE
from ..rules._match import TextMatcher
from ..rules._shape import shape
from ._counts import MAX_PAGES_TRACKED, Counts, SiteCounts
from ._site import slug
from ._fold import DATE_MARK, NUMBER_MARK, fold, whole_pattern

MIN_PAGES = 3
"""K: a block is learned when it stands on at least this many pages of its site..."""
MIN_SHARE = 0.2
"""f: ...and on at least this share of the site's pages."""
LONG_WORDS = 20
"""Blocks of more words are prose-like: they need twice the support."""
MAX_IN_BODY = 0.5
"""A block found between body paragraphs (or as a label over body) on more than this share of
its occurrences is a format the site's articles share, not furniture."""
_FALLBACK_KEEP = _BODY[0]


@dataclass(frozen=True, slots=True)
class Settings:
    min_pages: int = MIN_PAGES
    min_share: float = MIN_SHARE


def learned_rules(counts: Counts, cleaner: Cleaner, settings: Settings = Settings()) -> list[Rule]:
    """The rules for every site's furniture, sites in name order, each site's rules numbered by
    support (most pages first). ``cleaner`` holds the rules the learned ones join: a line they
    already drop in an article's middle is not learned again, and a learned rule takes the
    category of the one whose phrase or pattern also matches it."""
    rules: list[Rule] = []
    for site in sorted(counts.sites):
        rules.extend(_site_rules(site, counts.sites[site], cleaner, settings))
    return _passing(rules)


def _site_rules(site: str, counts: SiteCounts, cleaner: Cleaner,
                settings: Settings) -> list[Rule]:
    pages = len(counts.pages)
    if pages < 2:
        return []
    found = []
    for key, entry in counts.repeated.items():
        text = counts.texts.get(key)
        support = len(entry.pages)
        if text is None or text.lstrip().startswith("<") or not _enough(text, support, pages,
                                                                         settings):
            continue  # (a rule example starting with "<" is read as HTML)
        if entry.in_body > MAX_IN_BODY * entry.occurrences or not _has_words(fold(text)):
            continue
        found.append((-support, fold(text), text))
    found.sort()
    keep = _keep_example(counts)
    out = []
    for n, (neg, _folded, text) in enumerate(found, 1):
        category = _shipped_category(cleaner, text)
        if category == "":
            continue  # the shipped rules drop it already
        out.append(_rule(f"site.{slug(site)}.{n}", category or "site", site, text, -neg, pages, keep))
    return out


def _enough(text: str, support: int, pages: int, settings: Settings) -> bool:
    factor = 2 if len(text.split()) > LONG_WORDS else 1
    if support < factor * settings.min_pages:
        return False
    return support >= MAX_PAGES_TRACKED or support >= factor * settings.min_share * pages


def _has_words(folded: str) -> bool:
    """A word of three letters or more: a line of numbers, units and signs (a race's split
    distance, a score table's row) is data, not furniture."""
    bare = folded.replace(DATE_MARK, " ").replace(NUMBER_MARK, " ")
    return any(sum(ch.isalpha() for ch in word) >= 3 for word in bare.split())


def _keep_example(counts: SiteCounts) -> str:
    """A body paragraph of the site: the candidate with the smallest key seen on one page."""
    for neg, text in sorted(counts.keep, reverse=True):
        if counts.support(-neg) == 1:
            return text
    return _FALLBACK_KEEP


def _shipped_category(cleaner: Cleaner, text: str) -> str | None:
    """"" when the shipped rules drop ``text`` in an article's middle already; else the category
    of the first shipped rule whose phrase or pattern matches it, or None. (Only a phrase or
    pattern can take a line from a learned rule: those are tried before any detector.)"""
    engine = cleaner._engine
    hits = engine.matcher.hits(text, shape(text_block(text)).words)
    if not hits:
        return None
    blocks = [Block(_TITLE), *(Block(t) for t in _BODY[:2]), text_block(text),
              *(Block(t) for t in _BODY[2:])]
    if not engine.judge(blocks)[3].keep:
        return ""
    return engine.text_rules[hits[0].rule].category


def _rule(rule_id: str, category: str, site: str, text: str, support: int, pages: int,
          keep: str) -> Rule:
    line = " ".join(text.split())
    words = shape(text_block(line)).words
    digits = any(ch.isdigit() for ch in line)
    return Rule(
        id=rule_id,
        category=category,
        description=f"Learned: on {support} of {pages} pages of {site}",
        languages=("*",),
        phrases=() if digits else (line,),
        pattern=whole_pattern(line) if digits else None,
        match="whole",
        max_words=words + 2,
        domains=(site,),
        examples_drop=(line,),
        examples_keep=(keep,),
    )


def _passing(rules: list[Rule]) -> list[Rule]:
    """The rules that drop their own example. (A phrase does by construction; a pattern is
    checked. The shipped rules were checked against each line already: one they drop in an
    article's middle is not learned, so ``cleaner rules test`` passes on what is written.)"""
    patterns = [r for r in rules if r.pattern is not None]
    if not patterns:
        return rules
    matcher = TextMatcher(patterns)
    failed = set()
    for n, rule in enumerate(patterns):
        text = rule.examples_drop[0]
        if n not in {hit.rule for hit in matcher.hits(text, shape(text_block(text)).words)}:
            failed.add(rule.id)
    return [r for r in rules if r.id not in failed]
