"""Learned rules as TOML files a person reads, corrects and keeps: one file per site."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ..rules import Rule
from ._site import slug


def site_files(rules: Sequence[Rule]) -> dict[str, str]:
    """File name -> TOML text, one file per site (the rules' first domain), in rule order."""
    by_site: dict[str, list[Rule]] = {}
    for rule in rules:
        by_site.setdefault(rule.domains[0] if rule.domains else "any", []).append(rule)
    return {f"{slug(site)}.toml": _toml(site, group)
            for site, group in sorted(by_site.items())}


def write_site_files(rules: Sequence[Rule], folder: str | Path) -> list[Path]:
    """Write :func:`site_files` into ``folder`` (made if need be); the paths written."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in site_files(rules).items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _toml(site: str, rules: Sequence[Rule]) -> str:
    lines = [
        f"# Site rules learned by 'cleaner learn' for {site}.",
        "# Each rule drops one line that recurs on many of the site's pages. Read them: delete a",
        "# rule that drops body text, or change its category; then keep the file with --rules.",
        "",
    ]
    for rule in rules:
        lines.append(f"# {rule.description.removeprefix('Learned: ')}")
        lines.append("[[rule]]")
        lines.append(f"id = {_str(rule.id)}")
        lines.append(f"category = {_str(rule.category)}")
        lines.append(f"description = {_str(rule.description)}")
        lines.append(f"languages = {_list(rule.languages)}")
        lines.append(f"domains = {_list(rule.domains)}")
        lines.append('match = "whole"')
        if rule.phrases:
            lines.append(f"phrases = {_list(rule.phrases)}")
        if rule.pattern is not None:
            lines.append(f"pattern = {_str(rule.pattern)}")
        lines.append(f"max_words = {rule.max_words}")
        lines.append(f"examples.drop = {_list(rule.examples_drop)}")
        lines.append(f"examples.keep = {_list(rule.examples_keep)}")
        lines.append("")
    return "\n".join(lines)


def _str(value: str) -> str:
    # A JSON string is a TOML basic string (same escapes), on one line.
    return json.dumps(value, ensure_ascii=False)


def _list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_str(v) for v in values) + "]"
