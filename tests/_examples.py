"""How many examples a Hypothesis property runs: the count given here in the suite, or
``CLEANER_EXAMPLES`` (``bench/faults.py`` and ``make fuzz`` set 10,000)."""

from __future__ import annotations

import os


def examples(default: int) -> int:
    return int(os.environ.get("CLEANER_EXAMPLES", default))
