"""Adblock-style cosmetic filters (``##.sel``, ``site.com##.sel``, ``site.com#@#.sel``) as selector rules."""

from __future__ import annotations

import re
from pathlib import Path

from .._errors import RuleError
from ._rule import Rule
from ._select import check_selectors

_COSMETIC = re.compile(r"^(?P<domains>[^#]*)#(?P<exception>@?)#(?P<selector>[^+?$@].*)$")


def parse_adblock_file(path: Path) -> list[Rule]:
    """One selector rule per distinct selector; ``#@#`` lines become that selector's exceptions."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read adblock filter file: {exc}", path=str(path)) from exc
    stem = re.sub(r"[^a-z0-9_-]+", "-", path.stem.lower()).strip("-") or "filters"
    found: dict[str, tuple[int, list[str]]] = {}
    exceptions: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        parsed = _parse_line(line)
        if parsed is None:
            continue
        domains, is_exception, selector = parsed
        if check_selectors((selector,)) is not None:
            continue  # extended or unsupported syntax: adblock lists are full of it; skip quietly
        if is_exception:
            exceptions.setdefault(selector, []).extend(domains)
        elif selector in found:
            found[selector][1].extend(domains)
        else:
            found[selector] = (number, list(domains))
    return [
        Rule(
            id=f"adblock.{stem}-{number}",
            category="advertisement",
            description=f"adblock cosmetic filter {selector}",
            languages=("*",),
            selectors=(selector,),
            domains=tuple(domains),
            exceptions=tuple(exceptions.get(selector, ())),
            path=str(path),
            line=number,
        )
        for selector, (number, domains) in found.items()
    ]


def _parse_line(line: str) -> tuple[list[str], bool, str] | None:
    line = line.strip()
    if not line or line.startswith(("!", "[")):
        return None
    found = _COSMETIC.match(line)
    if not found:
        return None  # network filters and scriptlets are not ours
    domains = [d.strip().lower() for d in found["domains"].split(",") if d.strip()]
    if any(d.startswith("~") for d in domains):
        return None  # negated domains: not supported, skip rather than misapply
    return domains, bool(found["exception"]), found["selector"].strip()
