"""Where documents come from: files, folders and glob patterns (:mod:`.files`), JSON lines
(:mod:`.jsonl`), WARC archives (:mod:`.warc`), URLs (:mod:`.urls`) and stdin.

Every source yields :class:`Document` items; a document that cannot be read is yielded as a
``Document`` carrying its :class:`~cleaner.SourceError` (naming the file, ``file:line`` or
``file@offset``), so one bad input never stops a batch.
"""

from ._document import Document, needs_fetch
from .files import iter_paths

__all__ = ["Document", "iter_paths", "needs_fetch"]
