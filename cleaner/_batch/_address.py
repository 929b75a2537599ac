"""A Dask scheduler's address, checked before anything connects to it (without importing Dask)."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from .._errors import CleanerError

SCHEMES = frozenset({"tcp", "tls", "ws", "wss", "ucx"})
_HINT = "give the scheduler's address, such as tcp://127.0.0.1:8786"


def check_address(address: str) -> str:
    """``address`` as Dask takes it (``HOST:PORT`` gets ``tcp://``), or a ``CleanerError`` saying
    what is wrong with it."""
    text = address.strip()
    if not text:
        raise CleanerError(f"--scheduler is empty: {_HINT}")
    scheme, sep, _ = text.partition("://")
    if not sep:
        text, scheme = f"tcp://{text}", "tcp"
    if scheme.lower() in ("http", "https"):
        raise CleanerError(f"--scheduler {address!r} is a web address (the dashboard's?): {_HINT}")
    if scheme.lower() not in SCHEMES:
        raise CleanerError(f"--scheduler {address!r}: unknown protocol {scheme!r}: {_HINT}")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise CleanerError(f"--scheduler {address!r}: {exc}: {_HINT}") from exc
    if not parts.hostname or port is None or port == 0 or parts.path.strip("/") or parts.query:
        raise CleanerError(f"--scheduler {address!r} needs a host and a port and nothing else: "
                           f"{_HINT}")
    return text


def probe(address: str, timeout: float) -> None:
    """Fail at once when nothing listens at a TCP address (refused, unknown host), instead of
    letting Dask retry until its timeout; other protocols are left to Dask."""
    parts = urlsplit(address)
    if parts.scheme not in ("tcp", "tls", "ws", "wss") or parts.hostname is None:
        return
    try:
        with socket.create_connection((parts.hostname, parts.port or 0), timeout=timeout):
            pass
    except socket.gaierror as exc:
        raise CleanerError(f"cannot reach the Dask scheduler at {address}: unknown host "
                           f"{parts.hostname!r} ({exc.strerror})") from exc
    except TimeoutError as exc:
        raise CleanerError(f"cannot reach the Dask scheduler at {address}: no answer to a "
                           f"connection within {timeout:g} s") from exc
    except OSError as exc:
        raise CleanerError(f"cannot reach the Dask scheduler at {address}: "
                           f"{exc.strerror or exc}") from exc
