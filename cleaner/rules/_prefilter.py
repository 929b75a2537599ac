"""Literal prefilters for rule patterns, so most blocks never reach a regular expression.

For each pattern we derive *triggers*: lower-case strings of which every match must contain one
(``anywhere``), or with which every match must begin at the block's first letter or digit
(``lead``, for patterns anchored with ``^`` and a leading run of punctuation). A block whose
normalized text shows no trigger of a pattern cannot match it, so the pattern is not run on it.
Triggers are a necessary condition only: a block that shows one still meets the real pattern.

The analysis reads the pattern with Python's own regular-expression parser after rewriting the
few RE2 spellings it lacks. A pattern it cannot read, or from which no selective trigger follows
(``^\\d+$``), gets no prefilter and is always run — slower, never wrong.
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# The standard library's own parser for regular expressions (``sre_parse`` before 3.11).
_p: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

_MAX_SET = 2000
"""More alternatives than this and a trigger set is not worth keeping."""
_CUT = 12
"""Triggers are cut to this many characters: a prefix of a required string is required too."""

Node = tuple[Any, Any]


@dataclass(frozen=True, slots=True)
class Triggers:
    lead: frozenset[str]
    """Every match begins with one of these at the block's first letter or digit."""
    anywhere: frozenset[str]
    """Every match contains one of these. A pattern may have both kinds (one per alternative)."""

    def shown_in(self, low: str, lead: int) -> bool:
        """Could the pattern match a block whose normalized text is ``low``, with its first
        letter or digit at ``lead``? (The reference for the matcher's faster tables.)"""
        if any(s in low for s in self.anywhere):
            return True
        if lead >= len(low):
            return END in self.lead
        if low[lead].isdigit() and DIGIT in self.lead:
            return True
        return any(low.startswith(s, lead) for s in self.lead if s not in (DIGIT, END))


class _TooComplex(Exception):
    """The analysis took more steps than a prefilter is worth."""


_BUDGET = 20_000

_state = threading.local()
"""Per thread, for the pattern being analysed: ``steps`` taken, and ``memo``, the exact strings
of each parse node by id (the node is kept with them, so its id cannot be reused meanwhile).
Cleaners compiling in two threads at once each have their own."""


def _step() -> None:
    _state.steps += 1
    if _state.steps > _BUDGET:
        raise _TooComplex


def triggers(pattern: str) -> Triggers | None:
    """The pattern's triggers, or None when it must run on every block."""
    _state.steps = 0
    _state.memo = {}
    try:
        return _triggers(pattern)
    except (_TooComplex, re.error, OverflowError, RecursionError, ValueError):
        return None
    finally:
        _state.memo = {}


def _triggers(pattern: str) -> Triggers | None:
    parsed = _p.parse(_python_spelling(pattern), 0)
    items = list(parsed)
    branches = [list(b) for b in items[0][1][1]] if len(items) == 1 and items[0][0] is _c.BRANCH else [items]
    lead: set[str] = set()
    anywhere: set[str] = set()
    for branch in branches:
        found = _branch_triggers(branch)
        if found is None:
            return None
        kind, strings = found
        (lead if kind == "lead" else anywhere).update(strings)
    return Triggers(frozenset(lead), frozenset(anywhere))


def _branch_triggers(items: list[Node]) -> tuple[str, set[str]] | None:
    """Lead triggers for an anchored branch, unless they are weak (a digit, a word of one or two
    letters) and a required word of four letters or more is known; else required strings."""
    lead: set[str] | None = None
    if items and items[0] == (_c.AT, _c.AT_BEGINNING):
        lead = _first(items[1:], lead=True)
        lead = _matchable(lead) if lead is not None else None
        if lead is not None and not (
            all(s[:1].isalnum() or s in (DIGIT, END) for s in lead) and _selective(lead, 1)
        ):
            lead = None
    required = _required(items)
    required = _matchable(required) if required is not None else None
    if required is not None and not _selective(required, 3):
        required = None
    if lead is not None:
        weak = any(s == DIGIT or len(s) < 3 for s in lead)
        if not (weak and required is not None and min(map(len, required)) >= 4):
            return "lead", lead
    if required is not None:
        return "anywhere", required
    return None


_COMMON = frozenset(" .,;:'\"-")


def _selective(strings: set[str], min_len: int) -> bool:
    """Worth using: no empty string, and none so short that it is common (a short string
    counts when it has a character prose rarely has: ``©``, ``|``, ``>``)."""
    return bool(strings) and all(_rare(s, min_len) for s in strings)


def _rare(s: str, min_len: int) -> bool:
    return len(s) >= min_len or any(not ch.isalnum() and ch not in _COMMON for ch in s)


def _matchable(strings: Iterable[str]) -> set[str]:
    """Triggers in the form of normalized text: white space folded to one space (and trimmed),
    cut before a sigma, whose lower case depends on its place in a word."""
    out = set()
    for s in strings:
        s = " ".join(s.split())
        for sigma in "σς":
            s = s.split(sigma, 1)[0]
        out.add(s)
    return out


_RE2_CLASS = re.compile(r"\\[pP](?:\{\^?\w+\}|\w)|\[:\^?\w+:\]")
_RE2_HEX = re.compile(r"\\x\{([0-9a-fA-F]{1,6})\}")


def _python_spelling(pattern: str) -> str:
    r"""RE2 → Python for parsing only: Unicode classes become ``\w``/``\W`` (a class is a class
    to the analysis), ``\x{HHHH}`` becomes ``\UHHHHHHHH``, ``\z`` becomes ``\Z``."""
    pattern = _RE2_CLASS.sub(lambda m: r"\W" if m.group(0)[1] == "P" or "^" in m.group(0) else r"\w",
                             pattern)
    pattern = _RE2_HEX.sub(lambda m: "\\U%08x" % int(m.group(1), 16), pattern)
    return pattern.replace(r"\z", r"\Z")


def _skips_punctuation(node: Node) -> bool:
    """A repeated class that cannot match a letter or digit (``[^\\pL\\pN]*``, ``\\s+``, ``\\W*``)."""
    op, av = node
    if op not in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        return False
    body = list(av[2])
    if len(body) != 1:
        return False
    return not any(_class_matches(body[0], ch) for ch in _PROBES)


_PROBES = "aZzéßöñçøłяαΩ中ا0٣²"
"""Letters and digits of several scripts: a class that matches none of them skips punctuation."""
_NOT_DIGITS = _PROBES.replace("0", "").replace("٣", "").replace("²", "") + " .,-/:(#+_"

DIGIT = "\x00"
"""A lead trigger: the block's first letter or digit is a digit."""
END = "\x01"
"""A lead trigger: the block has no letter or digit at all."""


def _digit_class(node: Node) -> bool:
    """A class (or a repeat of one) that matches digits and nothing else."""
    op, av = node
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        body = list(av[2])
        return av[0] >= 1 and len(body) == 1 and _digit_class(body[0])
    if op not in (_c.IN, _c.CATEGORY):
        return False
    return _class_matches(node, "7") and not any(_class_matches(node, ch) for ch in _NOT_DIGITS)


def _class_matches(node: Node, ch: str) -> bool:
    op, av = node
    if op is _c.LITERAL:
        return chr(av) == ch
    if op is _c.NOT_LITERAL:
        return chr(av) != ch
    if op is _c.ANY:
        return ch != "\n"
    if op is _c.CATEGORY:
        return _in_category(av, ch)
    if op is _c.IN:
        negate = bool(av) and av[0][0] is _c.NEGATE
        hit = any(_item_matches(item, ch) for item in (av[1:] if negate else av))
        return hit != negate
    return True  # unknown: assume it may match


def _item_matches(item: Node, ch: str) -> bool:
    op, av = item
    if op is _c.RANGE:
        return bool(av[0] <= ord(ch) <= av[1])
    return _class_matches(item, ch)


def _in_category(category: Any, ch: str) -> bool:
    word = ch.isalnum() or ch == "_"
    table = {
        _c.CATEGORY_DIGIT: ch.isdigit(), _c.CATEGORY_NOT_DIGIT: not ch.isdigit(),
        _c.CATEGORY_SPACE: ch.isspace(), _c.CATEGORY_NOT_SPACE: not ch.isspace(),
        _c.CATEGORY_WORD: word, _c.CATEGORY_NOT_WORD: not word,
    }
    return table.get(category, True)


def _cut(strings: Iterable[str]) -> set[str] | None:
    out = {s[:_CUT] for s in strings}
    return out if len(out) <= _MAX_SET else None


def _exact(items: Sequence[Node]) -> set[str] | None:
    """Every string the items match *in normalized text*, lower-cased, when that is a small
    finite set. Normalized text has one space for any run of white space, so ``\\s+`` is " "."""
    result = {""}
    memo: dict[int, tuple[Node, set[str] | None]] = _state.memo
    for node in items:
        cached = memo.get(id(node))
        if cached is not None and cached[0] is node:
            options = cached[1]
        else:
            options = _exact_node(node)
            memo[id(node)] = (node, options)
        if options is None:
            return None
        result = {a + b for a in result for b in options}
        if len(result) > _MAX_SET:
            return None
    return result


def _exact_node(node: Node) -> set[str] | None:
    op, av = node
    if _is_space((op, av)):
        options: set[str] | None = {" "}
    elif op is _c.LITERAL:
        options = {chr(av).lower()}
    elif op is _c.SUBPATTERN:
        options = _exact(list(av[3]))
    elif op is _c.BRANCH:
        options = _union(av[1], _exact)
    elif op is _c.IN and av and all(item[0] is _c.LITERAL for item in av):
        options = {chr(item[1]).lower() for item in av}
    elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and _is_space_body(av[2]):
        options = {" "} if av[0] >= 1 else {"", " "}
    elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[1] <= 2:
        one = _exact(list(av[2]))
        if one is None:
            return None
        options = set()
        for count in range(av[0], av[1] + 1):
            options |= _power(one, count)
    else:
        return None
    return options if options is None or len(options) <= _MAX_SET else None


def _is_space(node: Node) -> bool:
    op, av = node
    if op is _c.LITERAL:
        return chr(av).isspace()
    if op is _c.IN:
        return len(av) == 1 and av[0] == (_c.CATEGORY, _c.CATEGORY_SPACE)
    return False


def _is_space_body(body: Any) -> bool:
    items = list(body)
    return len(items) == 1 and _is_space(items[0])


def _union(parts: Iterable[Any], analyse: Callable[[list[Node]], set[str] | None]) -> set[str] | None:
    """The union of ``analyse`` over the alternatives ``parts``; None once one is unknown."""
    out: set[str] = set()
    for part in parts:
        one = analyse(list(part))
        if one is None:
            return None
        out |= one
    return out


def _power(strings: set[str], count: int) -> set[str]:
    out = {""}
    for _ in range(count):
        out = {a + b for a in out for b in strings}
    return out


def _nullable(items: Sequence[Node]) -> bool:
    for op, av in items:
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            if av[0] == 0 or _nullable(list(av[2])):
                continue
            return False
        if op is _c.SUBPATTERN:
            if _nullable(list(av[3])):
                continue
            return False
        if op is _c.BRANCH:
            if any(_nullable(list(b)) for b in av[1]):
                continue
            return False
        return False
    return True


def _first(items: Sequence[Node], lead: bool = False) -> set[str] | None:
    """Non-empty strings one of which begins every match of the items (None: no such set).
    With ``lead``, punctuation-skipping classes before the first string are passed over."""
    _step()
    prefix = {""}
    for i, (op, av) in enumerate(items):
        if lead and prefix == {""}:
            if _skips_punctuation((op, av)):
                continue
            if op is _c.AT and av in (_c.AT_END, _c.AT_END_STRING):
                return {END}
            if _digit_class((op, av)):
                return {DIGIT}
        if op is _c.AT:
            continue
        exact = _exact([items[i]])
        if exact is not None:
            extended = _cut(a + b for a in prefix for b in exact)
            if extended is None:
                break
            # The lead position is a letter or digit: white space before it never counts.
            prefix = {p.lstrip() for p in extended} if lead else extended
            continue
        return _join(prefix, items[i:], lead)
    if "" in prefix:
        return None
    return prefix


def _join(prefix: set[str], rest: Sequence[Node], lead: bool) -> set[str] | None:
    """The first strings of ``prefix`` followed by ``rest`` (whose first item is not exact):
    each non-empty prefix extended by the first strings of ``rest`` where those are known; an
    empty prefix replaced by them (at the lead position still, so markers may apply)."""
    out: set[str] = set()
    if "" in prefix:
        first = _first_of(rest, lead)
        if first is None:
            return None
        out |= first
    longer = [p for p in prefix if p]
    if longer:
        # Extending short prefixes ("th" of "this|the") keeps them selective; long ones are.
        after = _first_of(rest, False) if min(map(len, longer)) < 4 else None
        extended = _cut(p + a for p in longer for a in after) if after is not None else None
        out.update(extended if extended is not None else longer)
    return _cut(out)


def _first_of(items: Sequence[Node], lead: bool) -> set[str] | None:
    """First strings where ``items[0]`` is not an exact set."""
    _step()
    (op, av), rest = items[0], list(items[1:])
    if lead and _digit_class((op, av)):
        return {DIGIT}
    if lead and _skips_punctuation((op, av)):
        return _first(rest, lead)
    if op is _c.SUBPATTERN:
        return _first(list(av[3]) + rest, lead)
    if op is _c.BRANCH:
        out = _union(av[1], lambda branch: _first(branch + rest, lead))
        return _cut(out) if out is not None else None
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        body = list(av[2])
        if _nullable(body):
            return None
        first = _first(body, lead)
        if av[0] >= 1:
            return first
        after = _first(rest, lead)
        if first is None or after is None:
            return None
        return _cut(first | after)
    return None


def _required(items: Sequence[Node]) -> set[str] | None:
    """Strings one of which occurs in every match of the items; the most selective found."""
    _step()
    options: list[set[str]] = []
    run: list[Node] = []

    def close_run() -> None:
        # The longest stretches of the run whose strings stay few enough to list.
        product = {""}
        for node in run:
            one = _exact([node]) or {""}
            joined = {a + b for a in product for b in one}
            if len(joined) > _MAX_SET:
                if "" not in product:
                    options.append(product)
                joined = one
            product = joined
        if "" not in product:
            options.append(product)
        run.clear()

    for node in items:
        op, av = node
        if _exact([node]) is not None:
            run.append(node)
            continue
        close_run()
        if op is _c.SUBPATTERN:
            found = _required(list(av[3]))
        elif op is _c.BRANCH:
            found = _union(av[1], _required)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            found = _required(list(av[2]))
        else:
            found = None
        if found:
            options.append(found)
    close_run()
    options = [o for o in options if o and len(o) <= _MAX_SET]
    if not options:
        return None
    return max(options, key=_score)


def _score(strings: set[str]) -> tuple[bool, int, int]:
    """Prefer a set that is selective, then one whose shortest string is longest, then a small one."""
    folded = _matchable(strings)
    return (_selective(folded, 3), min(len(s) for s in folded), -len(folded))
