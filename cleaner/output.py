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
    ``to_dir`` for one file per input (no header; JSON lines written as indented JSON).

    ``width`` clips explain lines to so many characters (0: whole lines); ``title`` puts the
    headline above a text body; ``metadata`` puts the page's metadata (title, author, date, url,
    ...) above a text or Markdown body, as YAML front matter. With ``explain``, JSON records
    also hold every block with its verdict (``blocks``)."""

    fmt: Format = "jsonl"
    explain: bool = False
    header: bool = False
    to_dir: bool = False
    width: int = 100
    title: bool = False
    metadata: bool = False

    @property
    def suffix(self) -> str:
        return SUFFIXES[self.fmt]

    def write(self, result: Result) -> str:
        """The output for one result (empty for a failed text/Markdown one)."""
        if self.fmt in ("json", "jsonl"):
            record = to_record(result, blocks=self.explain)
            if self.fmt == "jsonl" and not self.to_dir:
                return json.dumps(record, ensure_ascii=False) + "\n"
            return json.dumps(record, ensure_ascii=False, indent=1) + "\n"
        cleaned = result.cleaned
        if cleaned is None:
            return ""
        body = explain(cleaned, self.width) if self.explain else self._body(cleaned)
        if self.header and not self.to_dir:
            return f"==> {result.document.source} <==\n{body}\n\n"
        return body + "\n"

    def _body(self, cleaned: Cleaned) -> str:
        if self.fmt == "markdown":
            body = to_markdown(cleaned)
        elif self.title and cleaned.title:
            body = f"{cleaned.title}\n\n{cleaned.text}"
        else:
            body = cleaned.text
        return front_matter(cleaned) + body if self.metadata else body


_FRONT_KEYS = ("title", "author", "date", "url", "sitename", "language", "description")


def front_matter(cleaned: Cleaned) -> str:
    """The metadata as YAML front matter (``---`` lines around ``key: value`` lines; values
    quoted as JSON strings, which YAML reads), for the keys that have a value."""
    values = {"title": cleaned.title, **{k: v for k, v in cleaned.metadata.items() if k != "title"}}
    lines = [f"{key}: {json.dumps(str(values[key]), ensure_ascii=False)}"
             for key in _FRONT_KEYS if values.get(key)]
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n"


def to_markdown(cleaned: Cleaned) -> str:
    """Headings, list items and quotes as Markdown; the title as a level-1 heading. Blocks are
    separated by a blank line, but the items of one list follow each other line by line."""
    pieces = [f"# {cleaned.title}"] if cleaned.title else []
    previous: Block | None = None
    for block in cleaned.kept:
        if pieces:
            same_list = previous is not None and previous.kind == block.kind == "li"
            pieces.append("\n" if same_list else "\n\n")
        pieces.append(_markdown_block(block))
        previous = block
    return "".join(pieces)


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


def to_record(result: Result, blocks: bool = False) -> dict[str, Any]:
    """The JSON record for one input: ``id``, ``url``, the body, its removals (rule id, category,
    text, characters), ``error`` (null on success) and ``source``; ``reason`` when the body is
    empty; ``final_url`` and ``status`` for a page that was fetched; with ``blocks``, every
    block with its verdict (the explain view). No timings or host names, so the same input
    always gives the same record."""
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
    if blocks and cleaned is not None:
        record["blocks"] = explain_blocks(cleaned)
    return record


def _removal(removal: Removal) -> dict[str, Any]:
    return removal.to_dict()


def explain_blocks(cleaned: Cleaned) -> list[dict[str, Any]]:
    """The explain view as data: the title, pruned elements (``PRUNE``), then every block
    (``TITLE``, ``KEEP`` or ``DROP``) with the rule id and category that dropped it."""
    out: list[dict[str, Any]] = []
    if cleaned.title and cleaned.title_index is None:
        out.append({"verdict": "TITLE", "text": cleaned.title})
    out.extend({"verdict": "PRUNE", "rule_id": r.rule_id, "category": r.category, "text": r.text}
               for r in cleaned.pruned if r.text.strip())
    for i, (block, verdict) in enumerate(zip(cleaned.blocks, cleaned.verdicts)):
        if i == cleaned.title_index:
            out.append({"verdict": "TITLE", "text": block.text})
        elif verdict.keep:
            out.append({"verdict": "KEEP", "text": block.text})
        else:
            out.append({"verdict": "DROP", "rule_id": verdict.rule_id,
                        "category": verdict.category, "text": block.text})
    return out


def explain(cleaned: Cleaned, width: int = 100) -> str:
    """Every block with KEEP/DROP, and for drops the rule id and category, one line each, cut
    to ``width`` characters (0: whole). For a web page the headline comes first (TITLE), then
    what selector rules pruned from the page before extraction (PRUNE; elements without text,
    such as images, are not shown)."""
    lines = []
    for entry in explain_blocks(cleaned):
        why = f" {entry['rule_id']} ({entry['category']})" if "rule_id" in entry else ""
        lines.append(f"{entry['verdict']:<5}{why} | {_clip(entry['text'], width)}")
    if cleaned.reason:
        lines.append(f"NOTE  {cleaned.reason}")
    return "\n".join(lines)


def _clip(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if width <= 0 or len(flat) <= width else flat[: width - 1] + "…"
