"""Cleaning with Dask: a bag of documents, or a text column of a Dask DataFrame.

Needs the optional extra (``pip install 'cleaner[dask]'``); ``import cleaner`` never imports
Dask. Both functions are lazy, like Dask itself, and run on whatever scheduler computes them
(threads, processes, or a ``distributed`` cluster). Each process compiles the rules once, when
its first partition starts (about a second with the shipped rules), and keeps them for the next
partitions of the same job.

>>> import dask.bag as db                                           # doctest: +SKIP
>>> from cleaner.dask import clean_bag                              # doctest: +SKIP
>>> bag = db.read_text("crawl/*.jsonl").map(json.loads)             # doctest: +SKIP
>>> clean_bag(bag).map(json.dumps).to_textfiles("clean/*.jsonl")    # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import dask.bag as db

from ._batch import Job
from ._batch._work import shared_worker
from ._cleaner import Cleaner
from .adapters import OUTPUT_COLUMNS, BatchCleaner
from .output import to_record
from .rules import Rule
from .sources import Document
from .sources.jsonl import RecordFields, record_document

__all__ = ["clean_bag", "clean_dataframe"]


def clean_bag(
    bag: db.Bag, cleaner: Cleaner | None = None, *, fields: RecordFields | None = None,
    time_limit: float | None = None,
) -> db.Bag:
    """A bag of records, one per item, in the shape ``cleaner clean --format jsonl`` writes.

    Items may be saved text (``str``), records (``dict``, read with ``fields``: ``text``, or
    ``html`` when set, ``url`` and ``id``; see :class:`~cleaner.sources.jsonl.RecordFields`) or
    :class:`~cleaner.sources.Document`. A bad item
    gives a record with ``error`` set; it never fails the computation.
    """
    rules = (cleaner or Cleaner()).rules
    cleaned: db.Bag = bag.map_partitions(  # type: ignore[no-untyped-call]
        _clean_items, rules, fields or RecordFields(), time_limit)
    return cleaned


def _clean_items(items: Iterable[Any], rules: tuple[Rule, ...], fields: RecordFields,
                 time_limit: float | None) -> list[dict[str, Any]]:
    worker = shared_worker(Job(rules, time_limit=time_limit))
    return [to_record(worker.result(_document(item, fields))) for item in items]


def _document(item: Any, fields: RecordFields) -> Document:
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document("<bag>", item)
    if isinstance(item, dict):
        return record_document(item, fields, "<bag>")
    return record_document({}, fields, f"<bag item of type {type(item).__name__}>")


def clean_dataframe(
    ddf: Any, column: str = "text", cleaner: Cleaner | None = None, *, html: bool = False,
    url_column: str | None = None, prefix: str = "clean_",
) -> Any:
    """``ddf`` with four columns added: ``<prefix>text`` (the body, or null when the row
    failed), ``<prefix>title``, ``<prefix>removed`` (JSON: ``[{rule_id, category, chars}]``)
    and ``<prefix>error``. ``column`` holds saved text, or web pages with ``html=True``."""
    fn = BatchCleaner(cleaner, text_column=column, html_column=column if html else None,
                      url_column=url_column, prefix=prefix)
    meta = ddf._meta.assign(**{prefix + name: ddf._meta[column].astype(object)
                               for name in OUTPUT_COLUMNS})
    return ddf.map_partitions(_clean_frame, fn, meta=meta)


def _clean_frame(frame: Any, fn: BatchCleaner) -> Any:
    """One pandas partition (anything with ``frame[column]`` and ``assign`` will do)."""
    text_column, _, url_column = fn.columns
    batch = {text_column: list(frame[text_column])}
    if url_column:
        batch[url_column] = list(frame[url_column])
    return frame.assign(**fn(batch))
