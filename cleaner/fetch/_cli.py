"""The fetch options of the command line, as one decorator that hands the command a
``FetchOptions`` (``fetch_options=``) and the ``--urls`` list file (``url_list=``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .._errors import CleanerError
from ._options import DEFAULT_USER_AGENT, FetchOptions

F = TypeVar("F", bound=Callable[..., Any])
_D = FetchOptions()
_FIELDS = ("concurrency", "per_host", "per_host_delay", "retries", "connect_timeout",
           "read_timeout", "total_timeout", "max_redirects", "max_bytes", "user_agent",
           "deny_private", "save_raw")
"""The options below that are ``FetchOptions`` fields of the same name."""


def fetch_options(func: F) -> F:
    """``--urls`` and every option of fetching, shared by the commands that take URLs."""

    @click.option("--urls", "url_list", metavar="FILE", default=None,
                  help="Also fetch the URLs listed in FILE, one per line (- for stdin).")
    @click.option("--concurrency", type=click.IntRange(min=1), default=_D.concurrency,
                  show_default=True, help="Requests in flight at once.")
    @click.option("--per-host", type=click.IntRange(min=1), default=_D.per_host,
                  show_default=True, help="Requests in flight to one host.")
    @click.option("--delay", "per_host_delay", type=click.FloatRange(min=0),
                  default=_D.per_host_delay,
                  show_default=True, metavar="SECONDS",
                  help="At least this long between two requests to one host.")
    @click.option("--retries", type=click.IntRange(min=0), default=_D.retries, show_default=True,
                  help="Further attempts after a connect error, timeout, 408, 429 or 5xx.")
    @click.option("--connect-timeout", type=click.FloatRange(min=0, min_open=True),
                  default=_D.connect_timeout, show_default=True, metavar="SECONDS")
    @click.option("--read-timeout", type=click.FloatRange(min=0, min_open=True),
                  default=_D.read_timeout, show_default=True, metavar="SECONDS",
                  help="Longest wait for the next bytes of an answer.")
    @click.option("--timeout", "total_timeout", type=click.FloatRange(min=0, min_open=True),
                  default=_D.total_timeout, show_default=True, metavar="SECONDS",
                  help="Longest time for one request, headers and body.")
    @click.option("--max-redirects", type=click.IntRange(min=0), default=_D.max_redirects,
                  show_default=True)
    @click.option("--max-bytes", type=click.IntRange(min=1), default=_D.max_bytes,
                  show_default=True, help="Give up on a body larger than this (on the wire; "
                                          "four times this once decompressed).")
    @click.option("--user-agent", default=DEFAULT_USER_AGENT, show_default=True)
    @click.option("--ignore-robots", is_flag=True, help="Do not read or obey robots.txt.")
    @click.option("--deny-private", is_flag=True,
                  help="Refuse loopback, private and link-local addresses (checked after DNS "
                       "and on every redirect), for untrusted URL lists.")
    @click.option("--save-raw", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  metavar="FILE.warc.gz", help="Also write every response fetched to a WARC file.")
    @functools.wraps(func)
    def wrapper(*args: Any, url_list: str | None, ignore_robots: bool, **kwargs: Any) -> Any:
        chosen = {name: kwargs.pop(name) for name in _FIELDS}
        try:
            options = FetchOptions(obey_robots=not ignore_robots, **chosen)
        except CleanerError as exc:
            raise click.UsageError(str(exc)) from exc
        return func(*args, fetch_options=options, url_list=url_list, **kwargs)

    return wrapper  # type: ignore[return-value]
