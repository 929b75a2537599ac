"""Adapters for data pipelines: a batched function for ``datasets.Dataset.map`` and a datatrove
step. Neither library is imported here: the batched function works on plain dicts of lists, and
the datatrove step is built on first use (``from cleaner.adapters import CleanerStep``).

>>> from cleaner.adapters import BatchCleaner
>>> clean = BatchCleaner()                                    # the shipped rules
>>> out = clean({"text": ["Title Of The Story\\n\\nAdvertisement\\n\\nThe body goes here."]})
>>> sorted(out)
['error', 'removed', 'text', 'title']
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ._batch import Job
from ._batch._work import shared_worker
from ._cleaner import Cleaner
from ._errors import CleanerError, SourceError
from ._pipeline import Result
from .rules import Rule
from .sources import Document

OUTPUT_COLUMNS = ("text", "title", "removed", "error")


class BatchCleaner:
    """``fn(batch: dict[str, list]) -> dict[str, list]`` for ``Dataset.map(fn, batched=True)``.

    Reads ``text_column`` (saved text) or, when given, ``html_column`` (web pages; preferred when a
    row has both), and ``url_column`` if any. Returns, each prefixed with ``prefix``: ``text``
    (the body; ``None`` when the row failed), ``title``, ``removed`` (a JSON string of
    ``[{rule_id, category, chars}]`` - a string so every batch has the same Arrow type) and
    ``error`` (``None`` on success). With the default empty prefix, ``text`` replaces the input
    column of that name. Picklable, so ``num_proc`` works; each process compiles the rules once,
    on its first batch.
    """

    def __init__(
        self, cleaner: Cleaner | None = None, *, text_column: str = "text",
        html_column: str | None = None, url_column: str | None = None, prefix: str = "",
        time_limit: float | None = None,
    ) -> None:
        self.rules: tuple[Rule, ...] = (cleaner or Cleaner()).rules
        self.columns = (text_column, html_column, url_column)
        self.prefix = prefix
        self.time_limit = time_limit

    def __call__(self, batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
        worker = shared_worker(Job(self.rules, time_limit=self.time_limit))
        text_column, html_column, url_column = self.columns
        rows = len(next(iter(batch.values()))) if batch else 0
        texts = batch.get(text_column, [None] * rows)
        pages = batch.get(html_column, [None] * rows) if html_column else [None] * rows
        urls = batch.get(url_column, [None] * rows) if url_column else [None] * rows
        if text_column not in batch and (not html_column or html_column not in batch):
            raise CleanerError(f"the batch has no column {text_column!r}"
                               + (f" or {html_column!r}" if html_column else ""))
        results = [worker.result(_document(i, text, page, url))
                   for i, (text, page, url) in enumerate(zip(texts, pages, urls))]
        return {self.prefix + k: v for k, v in columns(results).items()}


def columns(results: Sequence[Result]) -> dict[str, list[Any]]:
    """Results as the four output columns (shared with :func:`cleaner.dask.clean_dataframe`)."""
    out: dict[str, list[Any]] = {name: [] for name in OUTPUT_COLUMNS}
    for result in results:
        cleaned = result.cleaned
        out["text"].append(cleaned.text if cleaned is not None else None)
        out["title"].append(cleaned.title if cleaned is not None else None)
        removed = [{"rule_id": r.rule_id, "category": r.category, "chars": len(r.text)}
                   for r in (cleaned.removed if cleaned is not None else ())]
        out["removed"].append(json.dumps(removed, ensure_ascii=False))
        out["error"].append(str(result.error) if result.error is not None else None)
    return out


def _document(row: int, text: Any, page: Any, url: Any) -> Document:
    source = f"row {row}"
    url = url if isinstance(url, str) and url else None
    if isinstance(page, (str, bytes)):
        return Document(source, page, "html", url=url)
    if isinstance(text, str):
        return Document(source, text, "text", url=url)
    value = page if page is not None else text
    reason = ("missing field: the row has no text" if value is None
              else f"wrong type: {type(value).__name__} where a string was expected")
    return Document(source, url=url, error=SourceError(source, reason))


def datatrove_step(cleaner: Cleaner | None = None, **options: Any) -> Any:
    """A datatrove ``PipelineStep`` that cleans each document's text (see ``CleanerStep``)."""
    return _datatrove_class()(cleaner, **options)


def _datatrove_class() -> Any:
    try:
        from ._datatrove import CleanerStep
    except ImportError as exc:
        raise CleanerError("the datatrove step needs datatrove: "
                           "pip install 'cleaner[datatrove]'") from exc
    return CleanerStep


def __getattr__(name: str) -> Any:
    if name == "CleanerStep":
        return _datatrove_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
