"""Rule quality: ``lint`` (what a rule must have) and ``examples`` (every example is a test)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from lxml import html as lxml_html

from .._model import Block, BlockKind
from .._urls import link_internal
from ..blocks import segment_text
from ._detectors import DOCUMENT_DETECTORS
from ._engine import RuleEngine
from ._guard import Build, overreaching
from ._rule import Rule

# Ordinary body paragraphs the examples are placed among (written for this project).
_TITLE = "Harbour Council Approves New Ferry Timetable"
_BODY = (
    "The harbour council approved the new ferry timetable on Tuesday after a two-hour debate.",
    "Under the plan, boats will leave every twenty minutes during the morning rush.",
    "Residents on the island had asked for earlier departures for more than three years.",
    "The operator said it would hire six more crew members before the summer season.",
    "Fares will stay the same until at least the end of next year, the council said.",
)


@dataclass(frozen=True, slots=True)
class ExampleCase:
    rule: Rule
    kind: str
    """"drop" or "keep"."""
    number: int
    text: str

    @property
    def test_id(self) -> str:
        return f"{self.rule.id}-{self.kind}-{self.number}"


def example_cases(rules: Sequence[Rule]) -> Iterator[ExampleCase]:
    for rule in rules:
        for n, text in enumerate(rule.examples_drop):
            yield ExampleCase(rule, "drop", n, text)
        for n, text in enumerate(rule.examples_keep):
            yield ExampleCase(rule, "keep", n, text)


def check_example(engine: RuleEngine, case: ExampleCase) -> str | None:
    """Run one example in a small article; return what went wrong, or None.

    Examples of whole-document detectors (page-chrome, repeated-block) are whole documents:
    a drop example must have some block dropped by the rule, a keep example none.
    """
    example = _example_blocks(case.text)
    if case.rule.detector in DOCUMENT_DETECTORS:
        return _check_document(engine, case, example)
    before, after = _context(case.rule)
    blocks = [*before, *example, *after]
    verdicts = engine.judge(blocks, case.rule.domains[0] if case.rule.domains else None)
    start = len(before)
    mine = verdicts[start : start + len(example)]
    if case.kind == "drop":
        if mine and mine[0].rule_id == case.rule.id:
            return None
        got = mine[0].rule_id if mine and not mine[0].keep else "kept"
        return f"{case.test_id}: expected {case.rule.id} to drop {case.text!r}, got {got}"
    by_rule = [v for v in mine if v.rule_id == case.rule.id]
    if by_rule:
        return f"{case.test_id}: {case.rule.id} dropped {case.text!r}, which must be kept"
    return None


def _check_document(engine: RuleEngine, case: ExampleCase, blocks: list[Block]) -> str | None:
    by_rule = [v for v in engine.judge(blocks) if v.rule_id == case.rule.id]
    if case.kind == "drop" and not by_rule:
        return f"{case.test_id}: expected {case.rule.id} to drop part of the example document"
    if case.kind == "keep" and by_rule:
        return f"{case.test_id}: {case.rule.id} dropped {len(by_rule)} block(s) of a keep example"
    return None


def _context(rule: Rule) -> tuple[list[Block], list[Block]]:
    title = Block(_TITLE)
    body = [Block(t) for t in _BODY]
    if rule.where == "head":
        return [title], body
    if rule.where == "tail":
        return [title, *body], []
    return [title, *body[:2]], body[2:]


def _example_blocks(text: str) -> list[Block]:
    """An example is plain text, or an HTML fragment (starting with ``<``) for HTML-aware rules:
    one element is one block; a ``<div>`` gives a block for each paragraph, heading and list item
    in it (a whole page's body, for document detectors)."""
    if not text.lstrip().startswith("<"):
        return segment_text(text) or [Block(text)]
    element = lxml_html.fragment_fromstring(text.strip())
    if element.tag == "div":
        return [_html_block(e) for e in element.iter("p", "li", "h2", "h3", "h4")]
    return [_html_block(element)]


def _html_block(element: lxml_html.HtmlElement) -> Block:
    words = " ".join(element.text_content().split())
    links = element.xpath("self::a|.//a")
    link_text = " ".join(" ".join(a.text_content().split()) for a in links)
    is_link = bool(links) and link_text == words
    targets = {a.get("href") or "" for a in links}
    alnum = [c for c in words if c.isalnum()]
    kind: BlockKind = "li" if element.tag == "li" else "h" if element.tag in ("h2", "h3", "h4") else "p"
    return Block(
        words,
        kind,
        link_density=len(link_text) / len(words) if words else 0.0,
        is_link=is_link,
        link_internal=link_internal(links[0].get("href") or "", None) if is_link else None,
        links=len(targets),
        links_only=bool(links) and alnum == [c for c in link_text if c.isalnum()],
        from_html=True,
    )


def lint(rules: Sequence[Rule], build: Build) -> list[str]:
    """Problems that loading accepts but a shipped rule must not have, and rules that remove
    most of an ordinary article (loading refuses those too, for rules from files)."""
    problems = [str(error) for error in overreaching(rules, build)]
    for rule in rules:
        where = f"{rule.path}:{rule.line}: {rule.id}" if rule.path else rule.id
        if rule.is_text_rule and (not rule.examples_drop or not rule.examples_keep):
            problems.append(f"{where}: needs at least one 'drop' and one 'keep' example")
        if rule.action == "drop-run" and not (rule.phrases or rule.pattern):
            problems.append(f"{where}: 'drop-run' needs a phrase or pattern header")
    return problems
