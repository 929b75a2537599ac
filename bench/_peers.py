"""The systems compared by the harness.

Text input (article-text / page-text):
* ``identity`` - no cleaning;
* ``c4`` - the C4 *line* rules of tensorflow-datasets ``c4_utils.clean_page`` (Raffel et al. 2020):
  each line is stripped; dropped if it has a word over 1000 characters; citation marks
  (``[1]``, ``[edit]``, ``[citation needed]``) are removed; dropped unless it ends in
  ``. ? ! "`` (and not in ``...``); dropped with fewer than 5 words; dropped if it contains
  "javascript" or a policy phrase ("terms of use", "privacy policy", "cookie policy",
  "uses cookies", "use of cookies", "use cookies"). Kept lines are joined by newlines.
  The page-level drops (lorem ipsum, "{", fewer than 3 sentences, dedup) are NOT applied;
* ``c4-quotes`` - the same, but a typographic closing quote (U+201D, U+2019, U+00BB, U+203A)
  also counts as an end mark. The C4 paper says lines must end in "a period, exclamation mark,
  question mark, or end quotation mark"; the tfds code only knows the ASCII '"', so it drops
  every line ending in ``.”``, which costs it a lot of recall on edited English news;
* ``cleaner`` - this project: ``cleaner.Cleaner().clean_text(text).text``.

Raw HTML (``--mode html``): ``cleaner`` (``clean_html``), ``trafilatura``, ``trafilatura-fast``,
``readability`` (readability-lxml ``Document(html).summary()`` as block text).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench._data import html_to_text

TextSystem = Callable[[str], str]
HtmlSystem = Callable[[str, str | None], str]

TEXT_SYSTEMS = ("identity", "c4", "c4-quotes", "cleaner")
HTML_SYSTEMS = ("cleaner", "trafilatura", "trafilatura-fast", "readability")

C4_MIN_WORDS_PER_LINE = 5
C4_MAX_WORD_LENGTH = 1000
C4_END_MARKS = (".", "?", "!", '"')
C4_QUOTE_END_MARKS = (*C4_END_MARKS, "\u201d", "\u2019", "\u00bb", "\u203a")
C4_ELLIPSIS = "..."
C4_POLICY_SUBSTRINGS = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)
C4_CITATION_RE = re.compile(r"\[\d*\]|\[edit\]|\[citation needed\]")


@dataclass(frozen=True, slots=True)
class BlockDecision:
    """One input block (a line, or a cleaner block) and what a system did with it."""

    text: str
    keep: bool
    rule_id: str | None = None
    category: str | None = None


def identity(text: str) -> str:
    return text


def c4_line_rule(line: str, end_marks: tuple[str, ...] = C4_END_MARKS) -> tuple[str | None, str]:
    """(rule that drops the line or None, the line as C4 would emit it)."""
    line = line.strip()
    if any(len(word) > C4_MAX_WORD_LENGTH for word in line.split()):
        return "c4.too-long-word", line
    line = C4_CITATION_RE.sub("", line)
    if not line.endswith(end_marks) or line.endswith(C4_ELLIPSIS):
        return "c4.no-endmark", line
    if len(line.split()) < C4_MIN_WORDS_PER_LINE:
        return "c4.too-short", line
    lower = line.lower()
    if "javascript" in lower:
        return "c4.javascript", line
    if any(p in lower for p in C4_POLICY_SUBSTRINGS):
        return "c4.policy", line
    return None, line


def c4_decisions(text: str, end_marks: tuple[str, ...] = C4_END_MARKS) -> list[BlockDecision]:
    out: list[BlockDecision] = []
    for raw in text.splitlines():
        rule, _ = c4_line_rule(raw, end_marks)
        out.append(BlockDecision(raw.strip(), rule is None, rule, "c4" if rule else None))
    return out


def c4(text: str, end_marks: tuple[str, ...] = C4_END_MARKS) -> str:
    """The C4 line filter (line-level rules only)."""
    kept: list[str] = []
    for raw in text.splitlines():
        rule, line = c4_line_rule(raw, end_marks)
        if rule is None:
            kept.append(line)
    return "\n".join(kept).strip()


def c4_quotes(text: str) -> str:
    """The C4 line filter with typographic closing quotes as end marks."""
    return c4(text, C4_QUOTE_END_MARKS)


def load_cleaner(notes: list[str]) -> Any | None:
    """A ``cleaner.Cleaner()``, or None (with a note) while the package is not importable."""
    try:
        import cleaner
    except Exception as exc:  # noqa: BLE001 - a half-written package may fail in any way
        notes.append(f"cleaner skipped: import failed ({type(exc).__name__}: {exc})")
        return None
    factory = getattr(cleaner, "Cleaner", None)
    if factory is None:
        notes.append("cleaner skipped: package has no Cleaner yet")
        return None
    try:
        return factory()
    except Exception as exc:  # noqa: BLE001 - e.g. a malformed shipped rule file
        notes.append(f"cleaner skipped: Cleaner() failed ({type(exc).__name__}: {exc})")
        return None


def text_systems(names: list[str], notes: list[str]) -> dict[str, TextSystem]:
    """Callables for the requested text-input systems (unavailable ones skipped with a note)."""
    out: dict[str, TextSystem] = {}
    for name in names:
        if name == "identity":
            out[name] = identity
        elif name == "c4":
            out[name] = c4
        elif name == "c4-quotes":
            out[name] = c4_quotes
        elif name == "cleaner":
            inst = load_cleaner(notes)
            if inst is not None:
                out[name] = _cleaner_text_fn(inst)
        else:
            notes.append(f"{name} skipped: not a text-input system ({', '.join(TEXT_SYSTEMS)})")
    return out


def _cleaner_text_fn(inst: Any) -> TextSystem:
    def run(text: str) -> str:
        return str(inst.clean_text(text).text)

    return run


def html_systems(names: list[str], notes: list[str]) -> dict[str, HtmlSystem]:
    """Callables for the requested raw-HTML systems (unavailable ones skipped with a note)."""
    out: dict[str, HtmlSystem] = {}
    for name in names:
        if name == "cleaner":
            inst = load_cleaner(notes)
            if inst is not None and not hasattr(inst, "clean_html"):
                notes.append("cleaner skipped in html mode: Cleaner has no clean_html yet")
            elif inst is not None:
                out[name] = _cleaner_html_fn(inst)
        elif name in ("trafilatura", "trafilatura-fast"):
            out[name] = _trafilatura_fn(fast=name.endswith("fast"))
        elif name == "readability":
            # readability-lxml logs a traceback per failed page; the harness counts crashes itself
            logging.getLogger("readability").setLevel(logging.CRITICAL)
            out[name] = _readability
        else:
            notes.append(f"{name} skipped: not an html system ({', '.join(HTML_SYSTEMS)})")
    return out


def _cleaner_html_fn(inst: Any) -> HtmlSystem:
    def run(html: str, url: str | None) -> str:
        return str(inst.clean_html(html, url=url).text)

    return run


def _trafilatura_fn(fast: bool) -> HtmlSystem:
    import trafilatura

    def run(html: str, url: str | None) -> str:
        return trafilatura.extract(html, url=url, include_comments=False, fast=fast) or ""

    return run


def _readability(html: str, url: str | None) -> str:
    from readability import Document  # type: ignore[import-untyped,unused-ignore]

    return html_to_text(Document(html).summary())


def decisions(name: str, text: str, inst: Any | None = None) -> list[BlockDecision]:
    """Per-block decisions of a text system, for error analysis."""
    if name == "identity":
        return [BlockDecision(line.strip(), True) for line in text.splitlines()]
    if name == "c4":
        return c4_decisions(text)
    if name == "c4-quotes":
        return c4_decisions(text, C4_QUOTE_END_MARKS)
    if name == "cleaner" and inst is not None:
        return cleaned_decisions(inst.clean_text(text))
    raise ValueError(f"no block decisions for system {name!r}")


def cleaned_decisions(cleaned: Any) -> list[BlockDecision]:
    """Decisions from a ``cleaner.Cleaned`` (blocks and verdicts are parallel tuples); DOM
    elements pruned by selector rules (``Cleaned.pruned``) come first, as dropped blocks."""
    out = [
        BlockDecision(r.text, False, r.rule_id, r.category) for r in getattr(cleaned, "pruned", ())
    ]
    for block, verdict in zip(cleaned.blocks, cleaned.verdicts, strict=True):
        out.append(
            BlockDecision(
                block.text, bool(verdict.keep), verdict.rule_id, getattr(verdict, "category", None)
            )
        )
    return out
