"""CSS selector rules: validated and compiled once to XPath with cssselect."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cssselect
from lxml import etree

from ._rule import Rule

_TOO_BROAD = {"*", "html", "body", "head", "main", "article", ":root"}
_TRANSLATOR = cssselect.HTMLTranslator()


def check_selectors(selectors: Sequence[str]) -> str | None:
    """Return what is wrong with the first bad selector, or None."""
    for selector in selectors:
        if selector.strip().lower() in _TOO_BROAD:
            return f"selector {selector!r} would match the whole page"
        try:
            _TRANSLATOR.css_to_xpath(selector)
        except cssselect.SelectorError as exc:
            return f"invalid CSS selector {selector!r}: {exc}"
    return None


@dataclass(frozen=True, slots=True)
class CompiledSelector:
    rule: Rule
    xpath: etree.XPath

    def applies_to(self, host: str | None) -> bool:
        if host and any(_host_matches(host, d) for d in self.rule.exceptions):
            return False
        if not self.rule.domains:
            return True
        return host is not None and any(_host_matches(host, d) for d in self.rule.domains)


def compile_selectors(rules: Sequence[Rule]) -> list[CompiledSelector]:
    """All selector rules' selectors, each compiled once to an XPath expression."""
    out = []
    for rule in rules:
        for selector in rule.selectors:
            xpath = etree.XPath(_TRANSLATOR.css_to_xpath(selector))
            out.append(CompiledSelector(rule, xpath))
    return out


def _host_matches(host: str, domain: str) -> bool:
    host = host.lower().rstrip(".")
    return host == domain or host.endswith("." + domain)
