"""Learning a site's furniture from its own pages, as rules a person can read and keep.

>>> import cleaner
>>> learned = cleaner.learn(documents)                 # doctest: +SKIP
>>> site_cleaner = cleaner.Cleaner(rules=learned)      # doctest: +SKIP
"""

from ._counts import Counts
from ._learn import Learned, count_document, finish, learn, learn_from, page_blocks
from ._select import MIN_PAGES, MIN_SHARE, Settings, learned_rules
from ._site import registrable_domain, site_key
from ._write import site_files, write_site_files

__all__ = ["MIN_PAGES", "MIN_SHARE", "Counts", "Learned", "Settings", "count_document", "finish",
           "learn", "learn_from", "learned_rules", "page_blocks", "registrable_domain", "site_files",
           "site_key", "write_site_files"]
