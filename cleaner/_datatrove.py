"""The datatrove step; imported only through :mod:`cleaner.adapters`, when datatrove is there."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from datatrove.pipeline.base import PipelineStep

from ._batch import Job, Worker
from ._batch._stats import error_kind
from ._cleaner import Cleaner
from .sources import Document


class CleanerStep(PipelineStep):  # type: ignore[misc]
    """Replaces each document's text with its cleaned body.

    ``html=True`` reads ``doc.text`` as a web page (as a WARC reader yields it); the page URL is
    taken from ``doc.metadata["url"]``. The title and the removed character count go to
    ``metadata["title"]`` and ``metadata["cleaner_removed_chars"]``. Documents whose body comes
    out empty (``drop_empty``) or that fail are dropped, each counted under its reason; every
    removal is counted under ``removed: <category>``.
    """

    name = "cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, cleaner: Cleaner | None = None, *, html: bool = False,
                 drop_empty: bool = True, time_limit: float | None = None) -> None:
        super().__init__()
        self.rules = (cleaner or Cleaner()).rules
        self.html = html
        self.drop_empty = drop_empty
        self.time_limit = time_limit

    def run(self, data: Any, rank: int = 0, world_size: int = 1) -> Iterator[Any]:
        worker = Worker(Job(self.rules, time_limit=self.time_limit))
        for doc in data or ():
            url = doc.metadata.get("url")
            with self.track_time():
                result = worker.result(Document(
                    str(doc.id), doc.text, "html" if self.html else "text",
                    url=url if isinstance(url, str) else None, id=str(doc.id)))
            cleaned = result.cleaned
            if result.error is not None or cleaned is None:
                self.stat_update(f"dropped: {error_kind(result.error) if result.error else 'error'}")
                continue
            for removal in cleaned.removed:
                self.stat_update(f"removed: {removal.category}")
            if not cleaned.text and self.drop_empty:
                self.stat_update("dropped: empty body")
                continue
            doc.text = cleaned.text
            if cleaned.title:
                doc.metadata["title"] = cleaned.title
            doc.metadata["cleaner_removed_chars"] = sum(len(r.text) for r in cleaned.removed)
            self.stat_update("kept")
            yield doc
