"""Matching many selector rules in one walk over the page.

cssselect turns the common selectors (``.class``, ``#id``, ``tag``, ``[attr]``, ``[attr="v"]``,
``[attr~="v"]``, ``[attr^="v"]``, with or without a tag) into one XPath predicate each; every
XPath is a walk over the whole tree, so twenty rules cost twenty walks. Those simple predicates
are recognised in the compiled XPath and tested together in a single walk; anything else is left
to its XPath.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree
from lxml import html as lxml_html

from ..rules._select import CompiledSelector

_STEP = re.compile(r"^descendant-or-self::(?P<tag>\*|[\w-]+)(?:\[(?P<pred>.*)\])?$")
_TOKEN = re.compile(
    r"^@(?P<attr>[\w-]+) and contains\(concat\(' ', normalize-space\(@(?P=attr)\), ' '\), "
    r"' (?P<value>[^' ]+) '\)$"
)
_EQUALS = re.compile(r"^@(?P<attr>[\w-]+) = '(?P<value>[^']*)'$")
_PRESENT = re.compile(r"^@(?P<attr>[\w-]+)$")
_PREFIX = re.compile(r"^@(?P<attr>[\w-]+) and starts-with\(@(?P=attr), '(?P<value>[^']+)'\)$")
_WHITESPACE = re.compile(r"[ \t\r\n]+")


@dataclass(frozen=True, slots=True)
class _Test:
    """One element test: the tag (None for any) and an attribute condition (None for none)."""

    tag: str | None
    attr: str | None = None
    kind: str = ""
    value: str = ""

    def passes_value(self, attribute: str) -> bool:
        if self.kind == "token":
            return self.value in _WHITESPACE.split(attribute)
        if self.kind == "equals":
            return attribute == self.value
        if self.kind == "prefix":
            return attribute.startswith(self.value)
        return True  # present


@lru_cache(maxsize=1 << 16)  # every page asks again for the same few selectors
def simple_test(xpath: str) -> _Test | None:
    """The single-step test a cssselect XPath stands for, or None when it is more than that."""
    step = _STEP.match(xpath)
    if not step:
        return None
    tag = None if step["tag"] == "*" else step["tag"]
    predicate = step["pred"]
    if predicate is None:
        return _Test(tag) if tag else None
    for pattern, kind in (
        (_TOKEN, "token"),
        (_EQUALS, "equals"),
        (_PREFIX, "prefix"),
        (_PRESENT, "present"),
    ):
        found = pattern.match(predicate)
        if found:
            return _Test(tag, found["attr"], kind, found.groupdict().get("value") or "")
    return None


def find_matches(
    root: lxml_html.HtmlElement, selectors: Sequence[CompiledSelector]
) -> dict[lxml_html.HtmlElement, int]:
    """Every element some selector matches, with the position of the first such selector."""
    found: dict[lxml_html.HtmlElement, int] = {}
    simple: list[tuple[int, _Test]] = []
    for position, selector in enumerate(selectors):
        test = simple_test(selector.xpath.path)
        if test is None:
            for element in selector.xpath(root):
                if isinstance(element, lxml_html.HtmlElement) and element not in found:
                    found[element] = position
        else:
            simple.append((position, test))
    if simple:
        body = root.find("body")
        _walk(body if body is not None else root, simple, found)  # <head> shows nothing
    return found


@dataclass(slots=True)
class _AttributeTests:
    """The tests on one attribute, indexed so one element costs one lookup per class token."""

    tokens: dict[str, list[tuple[int, _Test]]]
    equals: dict[str, list[tuple[int, _Test]]]
    other: list[tuple[int, _Test]]

    def passing(self, value: str) -> list[tuple[int, _Test]]:
        """The tests whose attribute condition ``value`` meets (their tag is not checked)."""
        out = [(p, t) for p, t in self.other if t.passes_value(value)] if self.other else []
        exact = self.equals.get(value)
        if exact:
            out.extend(exact)
        if self.tokens:
            for token in _WHITESPACE.split(value):
                named = self.tokens.get(token)
                if named:
                    out.extend(named)
        return out


def _index(tests: list[tuple[int, _Test]]) -> dict[str, _AttributeTests]:
    index: dict[str, _AttributeTests] = {}
    for position, test in tests:
        if test.attr is None:
            continue
        entry = index.setdefault(test.attr, _AttributeTests({}, {}, []))
        if test.kind == "token":
            entry.tokens.setdefault(test.value, []).append((position, test))
        elif test.kind == "equals":
            entry.equals.setdefault(test.value, []).append((position, test))
        else:
            entry.other.append((position, test))
    return index


@lru_cache(maxsize=256)  # one entry for each set of rules in use (a host's own rules make a set)
def _prepared(
    tests: tuple[tuple[int, _Test], ...],
) -> tuple[dict[str, _AttributeTests], dict[str, list[int]]]:
    """The attribute tests indexed by attribute, and the tag-only tests by tag."""
    by_tag: dict[str, list[int]] = {}
    for position, test in tests:
        if test.attr is None and test.tag is not None:
            by_tag.setdefault(test.tag, []).append(position)
    return _index(list(tests)), by_tag


def _walk(
    root: lxml_html.HtmlElement,
    tests: list[tuple[int, _Test]],
    found: dict[lxml_html.HtmlElement, int],
) -> None:
    index, by_tag = _prepared(tuple(tests))
    for element in root.iter(etree.Element):
        tag = element.tag
        hits = by_tag.get(tag, []) if by_tag else []
        for attr in element.keys():  # names only: most elements have no attribute tested
            entry = index.get(attr)
            if entry is not None:
                passing = entry.passing(element.get(attr))
                if passing:
                    hits = hits + [p for p, t in passing if t.tag is None or t.tag == tag]
        if hits:
            first = found.get(element)
            found[element] = min(hits) if first is None else min(first, *hits)
