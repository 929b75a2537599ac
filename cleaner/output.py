"""Writers: the body as text or Markdown, the full result as JSON / JSON lines, the explain view."""

from __future__ import annotations

import json
from typing import Any

from ._model import Block, Cleaned, Removal
from ._pipeline import Result


def to_text(cleaned: Cleaned) -> str:
    return cleaned.text


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


def to_json_line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=False)


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
