"""Where documents come from: files and folders, stdin (later: URLs, JSONL, WARC).

Every source yields :class:`Document` items; a document that cannot be read is yielded as a
``Document`` carrying its :class:`~cleaner.SourceError`, so one bad input never stops a batch.
"""

from ._document import Document
from .files import iter_paths

__all__ = ["Document", "iter_paths"]
