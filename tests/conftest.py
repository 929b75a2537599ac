from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CLEANER_SHARED", ROOT.parent / "shared"))

# Compiled rules are cached in a folder of this test session (shared by the processes the
# tests start), never in the user's cache.
_RULE_CACHE = tempfile.mkdtemp(prefix="cleaner-test-rule-cache-")
os.environ["CLEANER_CACHE_DIR"] = _RULE_CACHE


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_RULE_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def shared() -> Path:
    """The team's shared data (benchmarks, the user's example); tests using it skip without it."""
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def default_cleaner():  # type: ignore[no-untyped-def]
    import cleaner

    return cleaner.Cleaner()
