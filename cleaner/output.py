"""Writers: the body as text or Markdown, the full result as JSON / JSON lines, the explain view.

A :class:`Writer` holds the choice (``--format``, ``--explain``, headers, one file per input) and
writes one result at a time; everything that writes output (the CLI, the batch pool, Dask) uses it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from ._model import Block, Cleaned, Removal
from ._pipeline import Result

Format = Literal["text", "markdown", "json", "jsonl"]
SUFFIXES: dict[str, str] = {"text": ".txt", "markdown": ".md", "json": ".json", "jsonl": ".json"}


@dataclass(frozen=True, slots=True)
class Writer:
    """How each result is written: its format; for text and Markdown, the explain view instead of
    the body and a ``==> source <==`` header before each (several inputs to one stream);
    ``to_dir`` for one file per input (no header; JSON lines written as indented JSON)."""

    fmt: Format = "jsonl"
    explain: bool = False
    header: bool = False
    to_dir: bool = False

    @property
    def suffix(self) -> str:
        return SUFFIXES[self.fmt]

    def write(self, result: Result) -> str:
        """The output for one result (empty for a failed text/Markdown one)."""
        if self.fmt == "jsonl" and not self.to_dir:
            return json.dumps(to_record(result), ensure_ascii=False) + "\n"
        if self.fmt in ("json", "jsonl"):
            return json.dumps(to_record(result), ensure_ascii=False, indent=1) + "\n"
        cleaned = result.cleaned
        if cleaned is None:
            return ""
        if self.explain:
            body = explain(cleaned)
        else:
            body = to_markdown(cleaned) if self.fmt == "markdown" else cleaned.text
        if self.header and not self.to_dir:
            return f"==> {result.document.source} <==\n{body}\n\n"
        return body + "\n"


def to_markdown(cleaned: Cleaned) -> str:
    """Headings, list items and quotes as Markdown; the title as a level-1 heading."""
    parts = [f"# {cleaned.title}"] if cleaned.title else []
    parts.extend(_markdown_block(b) for b in cleaned.kept)
    return "\n\n".join(parts)


def _markdown_block(block: Block) -> str:
    if block.kind == "h":
        return "#" * min(max(block.level, 2), 6) + " " + block.text
    if block.kind == "li":
        return block.text if block.text[:1] in "-*•" else f"- {block.text}"
    if block.kind == "quote":
        return "\n".join(f"> {line}" for line in block.text.splitlines())
    if block.kind == "pre":
        return f"```\n{block.text}\n```"
    return block.text


def to_record(result: Result) -> dict[str, Any]:
    """The JSON record for one input: ``id``, ``url``, the body, its removals (rule id, category,
    characters), ``error`` (null on success) and ``source``; ``reason`` when the body is empty;
    ``final_url`` and ``status`` for a page that was fetched. No timings or host names, so the
    same input always gives the same record."""
    doc, cleaned = result.document, result.cleaned
    record: dict[str, Any] = {
        "id": doc.id if doc.id is not None else doc.source,
        "url": doc.url,
        "title": cleaned.title if cleaned is not None else None,
        "text": cleaned.text if cleaned is not None else None,
        "metadata": dict(cleaned.metadata) if cleaned is not None else {},
        "removed": [_removal(r) for r in cleaned.removed] if cleaned is not None else [],
        "error": str(result.error) if result.error is not None else None,
        "source": doc.source,
    }
    if cleaned is not None and not record["text"]:
        record["reason"] = cleaned.reason
    if doc.fetch:
        record["final_url"] = doc.final_url
        record["status"] = doc.status
    return record


def _removal(removal: Removal) -> dict[str, Any]:
    return {"rule_id": removal.rule_id, "category": removal.category, "chars": len(removal.text)}


def explain(cleaned: Cleaned, width: int = 100) -> str:
    """Every block with KEEP/DROP, and for drops the rule id and category. For a web page the
    headline comes first (TITLE), then what selector rules pruned from the page before
    extraction (PRUNE; elements without text, such as images, are not shown)."""
    lines = []
    if cleaned.title and cleaned.title_index is None:
        lines.append(f"TITLE | {_clip(cleaned.title, width)}")
    for removal in cleaned.pruned:
        if removal.text.strip():
            lines.append(f"PRUNE {removal.rule_id} ({removal.category}) | {_clip(removal.text, width)}")
    for i, (block, verdict) in enumerate(zip(cleaned.blocks, cleaned.verdicts)):
        if i == cleaned.title_index:
            lines.append(f"TITLE | {_clip(block.text, width)}")
        elif verdict.keep:
            lines.append(f"KEEP  | {_clip(block.text, width)}")
        else:
            lines.append(f"DROP  {verdict.rule_id} ({verdict.category}) | {_clip(block.text, width)}")
    if cleaned.reason:
        lines.append(f"NOTE  {cleaned.reason}")
    return "\n".join(lines)


def _clip(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
