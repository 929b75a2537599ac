"""``cleaner learn`` and ``cleaner clean --learn``: the command line of site-rule learning,
kept in its own module (and decorator) so the rest of the command line stays as it is."""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import click

from ._batch import BatchOptions, default_jobs, plan_units
from ._cleaner import Cleaner
from ._errors import CleanerError
from .fetch import FetchOptions
from .learning import MIN_PAGES, MIN_SHARE, Learned, Settings, finish
from .learning import write_site_files
from .learning._parallel import count_units
from .sources import Document
from .sources.jsonl import RecordFields
from .sources.urls import is_url, read_url_list

F = TypeVar("F", bound=Callable[..., Any])


class LearnUsage(click.ClickException):
    exit_code = 2


def learn_pass(sources: Iterable[str | Document], fields: RecordFields, input_format: str,
               cleaner: Cleaner, settings: Settings, fetch: FetchOptions | None = None,
               jobs: int = 1, scheduler: str | None = None) -> Learned:
    """The first pass: count every page (on ``jobs`` processes, or on the Dask cluster at
    ``scheduler``), then turn the counts into rules. A bad input is counted as unreadable, as
    ``clean`` makes it an error record."""
    units = plan_units(sources, fields, input_format)  # type: ignore[arg-type]
    if scheduler:
        try:
            from .learning._dask import count_on_cluster
        except ImportError as exc:
            raise LearnUsage("--scheduler needs Dask: pip install 'cleaner[dask]'") from exc
        counts = count_on_cluster(units, cleaner, scheduler, fetch)
    else:
        counts = count_units(units, cleaner, jobs, fetch)
    return finish(counts, cleaner, settings)


def _say(learned: Learned, quiet: bool) -> None:
    if not quiet:
        for line in learned.summary():
            click.echo(f"cleaner: {line}", err=True)


def site_field_option(func: F) -> F:
    return click.option(
        "--site-field", default=None, metavar="NAME",
        help="JSONL: the field naming the page's site (else the URL's registrable domain, "
             "else the page's canonical link).")(func)


def threshold_options(func: F) -> F:
    func = click.option("--learn-min-share", type=click.FloatRange(0, 1), default=MIN_SHARE,
                        show_default=True, metavar="SHARE",
                        help="...and on at least this share of the site's pages.")(func)
    return click.option("--learn-min-pages", type=click.IntRange(min=2), default=MIN_PAGES,
                        show_default=True, metavar="K",
                        help="Learn a line when it stands on at least K pages of its site...")(func)


def learn_options(func: F) -> F:
    """``clean --learn``: a first pass over the input learns each site's furniture; the command
    then cleans with those rules added (the ``cleaner=`` it is given is replaced)."""

    @click.option("--learn", "learn_sites", is_flag=True,
                  help="Read the input twice: learn each site's recurring lines (furniture) "
                       "from its own pages, then clean with them as extra rules.")
    @threshold_options
    @site_field_option
    @click.option("--save-learned", type=click.Path(file_okay=False, path_type=Path),
                  default=None, metavar="DIR", help="With --learn: also write the learned "
                  "rules to DIR, one TOML file per site.")
    @functools.wraps(func)
    def wrapper(*args: Any, sources: tuple[str, ...], batch: BatchOptions, cleaner: Cleaner,
                learn_sites: bool, learn_min_pages: int, learn_min_share: float,
                site_field: str | None, save_learned: Path | None, **kwargs: Any) -> Any:
        batch = replace(batch, fields=replace(batch.fields, site=site_field))
        if not learn_sites:
            if save_learned is not None:
                raise LearnUsage("--save-learned needs --learn")
            return func(*args, sources=sources, batch=batch, cleaner=cleaner, **kwargs)
        _check_rereadable(sources, kwargs.get("url_list"))
        settings = Settings(learn_min_pages, learn_min_share)
        learned = learn_pass(sources, batch.fields, batch.input_format, cleaner, settings,
                             jobs=batch.jobs, scheduler=batch.scheduler)
        _say(learned, bool(kwargs.get("quiet")))
        if save_learned is not None:
            write_site_files(learned.rules, save_learned)
        with_learned = Cleaner([*cleaner.rules, *learned.rules], default_rules=False,
                               time_limit=cleaner.time_limit)
        try:
            return func(*args, sources=sources, batch=batch, cleaner=with_learned, **kwargs)
        finally:
            _add_to_stats(kwargs.get("stats_path"), learned)

    return wrapper  # type: ignore[return-value]


def _check_rereadable(sources: tuple[str, ...], url_list: str | None) -> None:
    why = ("--learn reads the input twice (once to learn each site's lines, once to clean), "
           "and {} can be read only once: save it to a file first")
    if "-" in sources or url_list == "-":
        raise LearnUsage(why.format("standard input"))
    if url_list is not None or any(is_url(s) for s in sources):
        raise LearnUsage(why.format("a fetched URL") + " (cleaner fetch ... -o pages.jsonl)")


def _add_to_stats(path: Path | None, learned: Learned) -> None:
    """The learning numbers join the ``--stats`` JSON the clean command wrote."""
    if path is None or not path.exists():
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["learning"] = learned.to_dict()
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    except (OSError, ValueError):
        return


@click.argument("sources", nargs=-1)
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Write the learned rules here: one TOML file per site.")
@click.option("--input-format", type=click.Choice(["auto", "jsonl", "warc"]), default="auto",
              show_default=True, help="Read every file as JSON lines or WARC; auto goes by name.")
@click.option("--text-field", default="text", show_default=True, metavar="NAME",
              help="JSONL: the field holding saved text.")
@click.option("--html-field", default=None, metavar="NAME",
              help="JSONL: the field holding HTML (preferred over the text field).")
@click.option("--url-field", default="url", show_default=True, metavar="NAME",
              help="JSONL: the page's URL.")
@click.option("--id-field", default="id", show_default=True, metavar="NAME",
              help="JSONL: the record's id.")
@site_field_option
@threshold_options
@click.option("--urls", "url_list", metavar="FILE", default=None,
              help="Also fetch and learn from the URLs listed in FILE, one per line.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes that count [default: all cores].")
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
def learn_command(sources: tuple[str, ...], output: Path, input_format: str, text_field: str,
                  html_field: str | None, url_field: str, id_field: str, site_field: str | None,
                  learn_min_pages: int, learn_min_share: float, url_list: str | None,
                  jobs: int | None, quiet: bool, cleaner: Cleaner) -> None:
    """Learn each site's furniture (lines that recur on many of its pages) from SOURCES, the
    same inputs as 'clean', and write it to -o DIR as rules: one TOML file per site, to read,
    correct and use with 'cleaner clean --rules DIR'."""
    if not sources and url_list is None:
        raise click.UsageError("give SOURCES to learn from, or --urls FILE")
    fields = RecordFields(text_field, html_field, url_field, id_field, site_field)
    inputs = itertools.chain(sources, read_url_list(url_list) if url_list else ())
    learned = learn_pass(inputs, fields, input_format, cleaner,
                         Settings(learn_min_pages, learn_min_share), FetchOptions(),
                         jobs or default_jobs())
    try:
        write_site_files(learned.rules, output)
    except OSError as exc:
        raise click.ClickException(f"{output}: cannot write: {exc.strerror}") from exc
    _say(learned, quiet)
