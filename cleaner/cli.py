"""The ``cleaner`` command: a thin skin over the library.

Exit status: 0 every input cleaned; 1 some inputs failed (one line each on stderr, the others
still cleaned); 2 usage or rule-file errors.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import click

from ._batch import BatchOptions, Stats, default_jobs, run_batch, single_document
from ._cleaner import Cleaner
from ._errors import CleanerError, RuleError
from ._learn_cli import learn_command, learn_options
from .fetch import FetchOptions
from .fetch._cli import fetch_options
from .rules import Rule
from .rules._check import ExampleCase, check_example, example_cases, lint
from .sources.jsonl import RecordFields
from .sources.urls import is_url, read_url_list

F = TypeVar("F", bound=Callable[..., Any])


class UsageFailure(click.ClickException):
    exit_code = 2


def rule_options(func: F) -> F:
    """--rules / --no-default-rules / --disable / --language / --no-cache, for every command."""

    @click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True),
                  help="Add a rule file or folder (repeatable).")
    @click.option("--no-default-rules", is_flag=True, help="Leave the shipped rules out.")
    @click.option("--disable", multiple=True, metavar="ID", help="Turn one rule off (repeatable).")
    @click.option("--language", "languages", multiple=True, metavar="CODE",
                  help="Only rules for these languages (ISO 639-1; repeatable).")
    @click.option("--no-cache", is_flag=True,
                  help="Neither read nor write the compiled rules kept on disk "
                       "(in $CLEANER_CACHE_DIR, else the user's cache folder).")
    @functools.wraps(func)
    def wrapper(*args: Any, rule_dirs: tuple[str, ...], no_default_rules: bool,
                disable: tuple[str, ...], languages: tuple[str, ...], no_cache: bool,
                **kwargs: Any) -> Any:
        try:
            cleaner = Cleaner(rule_dirs, languages=languages or None, disable=disable,
                              default_rules=not no_default_rules, cache=not no_cache)
        except RuleError as exc:
            raise UsageFailure(str(exc)) from exc
        return func(*args, cleaner=cleaner, **kwargs)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cleaner")
def main() -> None:
    """Turn scraped articles into their body and nothing else."""


def batch_options(func: F) -> F:
    """Inputs, output, parallelism and robustness options of ``clean``, as one ``BatchOptions``."""

    @click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "jsonl"]),
                  default="text", show_default=True, help="What to write for each document.")
    @click.option("--explain", "show_explain", is_flag=True,
                  help="Show every block with KEEP/DROP and the rule that dropped it (JSON: "
                       "a 'blocks' list in each record).")
    @click.option("--width", type=click.IntRange(min=0), default=100, show_default=True,
                  help="--explain: cut lines to this many characters; 0 shows them whole.")
    @click.option("--title", "show_title", is_flag=True,
                  help="Text: print the headline above the body.")
    @click.option("--with-metadata", is_flag=True,
                  help="Text/Markdown: put title, author, date, URL, site above the body "
                       "(YAML front matter). JSON always has them.")
    @click.option("-o", "--output", type=click.Path(), default=None,
                  help="Write to this file (or, for text/markdown/json, to this folder when it "
                       "exists or ends with '/': one file per input) instead of stdout.")
    @click.option("--output-dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
                  help="Write one file per input into DIR: the same as -o DIR/.")
    @click.option("--input-format", type=click.Choice(["auto", "text", "html", "jsonl", "json", "warc"]),
                  default="auto", show_default=True,
                  help="Read every file (and stdin) as this; auto tells by the content "
                       "(gzip, WARC, JSON lines, JSON, HTML or text).")
    @click.option("--text-field", default="text", show_default=True, metavar="NAME",
                  help="JSONL: the field holding saved text.")
    @click.option("--html-field", default="html", show_default=True, metavar="NAME",
                  help="JSONL: the field holding HTML (preferred over the text field; '' for none).")
    @click.option("--url-field", default="url", show_default=True, metavar="NAME",
                  help="JSONL: the page's URL (a record with only a URL is fetched).")
    @click.option("--id-field", default="id", show_default=True, metavar="NAME",
                  help="JSONL: the record's id, copied to the output record.")
    @click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                  help="Worker processes [default: all cores].")
    @click.option("--unordered", is_flag=True, help="Write records as they finish.")
    @click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=60.0,
                  show_default=True, metavar="SECONDS",
                  help="Per document; one over it becomes an error record.")
    @click.option("--resume", is_flag=True,
                  help="Continue an interrupted run into the same -o FILE/DIR.")
    @click.option("--scheduler", default=None, metavar="ADDRESS",
                  help="Run on a Dask cluster (tcp://HOST:PORT); needs cleaner[dask].")
    @click.option("--scheduler-timeout", type=click.FloatRange(min=0, min_open=True),
                  default=30.0, show_default=True, metavar="SECONDS",
                  help="Give up when the scheduler does not answer, or has no worker, this long.")
    @click.option("--progress/--no-progress", default=None,
                  help="Progress bar on stderr [default: when stderr is a terminal].")
    @functools.wraps(func)
    def wrapper(*args: Any, fmt: str, show_explain: bool, width: int, show_title: bool,
                with_metadata: bool, output: str | None, output_dir: str | None,
                input_format: str, text_field: str, html_field: str | None, url_field: str,
                id_field: str, jobs: int | None, unordered: bool, time_limit: float,
                resume: bool, scheduler: str | None, scheduler_timeout: float,
                progress: bool | None, **kwargs: Any) -> Any:
        if output_dir is not None:
            if output is not None:
                raise UsageFailure("give either -o or --output-dir, not both")
            output = os.path.join(output_dir, "")
        try:
            batch = BatchOptions(
                fmt=fmt, explain=show_explain, input_format=input_format,  # type: ignore[arg-type]
                width=width, title=show_title, metadata=with_metadata,
                fields=RecordFields(text_field, html_field or None, url_field, id_field),
                output=Path(output) if output is not None else None,
                output_dir=output is not None and _names_folder(output),
                jobs=jobs or default_jobs(), ordered=not unordered, time_limit=time_limit,
                resume=resume, scheduler=scheduler, scheduler_timeout=scheduler_timeout,
                progress=sys.stderr.isatty() if progress is None else progress)
        except CleanerError as exc:
            raise UsageFailure(str(exc)) from exc
        return func(*args, batch=batch, **kwargs)

    return wrapper  # type: ignore[return-value]


def _names_folder(output: str) -> bool:
    """``-o`` names a folder when one exists there or the name ends with a slash."""
    return os.path.isdir(output) or output.endswith(("/", os.sep))


@main.command()
@click.argument("sources", nargs=-1)
@click.option("-u", "--url", "urls", multiple=True, metavar="URL",
              help="A web page to fetch and clean (repeatable; the same as giving it as a SOURCE).")
@click.option("-i", "--input-dir", "input_dirs", multiple=True, metavar="DIR",
              type=click.Path(exists=True, file_okay=False),
              help="A folder to clean, recursively (repeatable; the same as giving it as a SOURCE).")
@batch_options
@fetch_options
@click.option("--stats", "stats_path", type=click.Path(path_type=Path), default=None,
              help="Also write the end-of-run summary as JSON to this file.")
@click.option("-q", "--quiet", is_flag=True, help="No end-of-run summary on stderr.")
@rule_options
@learn_options
def clean(sources: tuple[str, ...], urls: tuple[str, ...], input_dirs: tuple[str, ...],
          batch: BatchOptions, fetch_options: FetchOptions, url_list: str | None,
          stats_path: Path | None, quiet: bool, cleaner: Cleaner) -> None:
    """Clean SOURCES: text or HTML files (told by their content, any name, gzip too), folders
    of them (recursively), glob patterns, JSON lines, JSON and WARC files, http(s):// URLs, or
    - for stdin. Several inputs to one stream: a '==> name <==' line before each text body,
    one JSON array for --format json."""
    for url in urls:
        if not is_url(url):
            raise UsageFailure(f"-u {url}: not an http:// or https:// URL")
    sources = (*sources, *input_dirs, *urls)
    if not sources and url_list is None:
        raise click.UsageError("give SOURCES to clean, or --urls FILE")
    if url_list not in (None, "-") and not os.path.isfile(url_list):
        raise UsageFailure(f"--urls {url_list}: no such file")
    one = url_list is None and len(sources) == 1 and single_document(sources[0], batch.input_format)
    batch = replace(batch, header=not one, fetch=fetch_options,
                    keep_roots=batch.output_dir and len(sources) > 1)
    inputs = itertools.chain(sources, read_url_list(url_list) if url_list else ())
    try:
        stats = run_batch(inputs, cleaner, batch, sys.stdout.buffer,
                          lambda line: click.echo(line, err=True))
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except CleanerError as exc:
        raise click.ClickException(str(exc)) from exc
    _report(stats, stats_path, quiet or (stats.documents + stats.skipped + stats.left_out.total() <= 1
                                           and not batch.progress))


def _report(stats: Stats, stats_path: Path | None, quiet: bool) -> None:
    """The end-of-run summary (stderr, and JSON to ``stats_path``); exit 1 if any input failed."""
    if stats_path is not None:
        try:
            stats_path.write_text(json.dumps(stats.to_dict(), indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"{stats_path}: cannot write: {exc.strerror}") from exc
    if not quiet:
        for line in stats.summary():
            click.echo(f"cleaner: {line}", err=True)
    if stats.failed or stats.failed_before:
        before = f" ({stats.failed_before} in the earlier run)" if stats.failed_before else ""
        click.echo(f"cleaner: {stats.failed + stats.failed_before} input(s) failed{before}",
                   err=True)
        sys.exit(1)


main.command("learn")(rule_options(learn_command))


@main.group()
def rules() -> None:
    """List, show, lint and test rules."""


@rules.command("list")
@rule_options
def rules_list(cleaner: Cleaner) -> None:
    """One line per rule: id, category, languages, description."""
    for rule in cleaner.rules:
        click.echo(f"{rule.id}\t{rule.category}\t{','.join(rule.languages)}\t{rule.description}")


@rules.command("show")
@click.argument("rule_id")
@rule_options
def rules_show(rule_id: str, cleaner: Cleaner) -> None:
    """Everything about one rule."""
    rule = _find(cleaner.rules, rule_id)
    for name in ("id", "category", "description", "languages", "phrases", "pattern", "selectors",
                 "detector", "params", "match", "where", "window", "max_words", "kinds", "action",
                 "domains", "priority", "examples_drop", "examples_keep", "path", "line"):
        value = getattr(rule, name)
        if name == "pattern" and rule.pattern_source:
            value = rule.pattern_source  # the readable form, naming its vocabularies
        if value not in (None, (), {}, frozenset()):
            click.echo(f"{name}: {_show(value)}")


def _show(value: Any) -> str:
    if isinstance(value, str) and value.startswith("/"):
        return _relative(value)
    if isinstance(value, (tuple, frozenset)):
        return json.dumps(sorted(value) if isinstance(value, frozenset) else list(value), ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _relative(path: str) -> str:
    """A rule file's path relative to the working folder when it lies below it."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def _find(rules: Iterable[Rule], rule_id: str) -> Rule:
    for rule in rules:
        if rule.id == rule_id:
            return rule
    raise UsageFailure(f"no rule with id {rule_id!r} (see 'cleaner rules list')")


@rules.command("lint")
@rule_options
def rules_lint(cleaner: Cleaner) -> None:
    """Refuse rules without both kinds of example (load errors are refused already)."""
    problems = lint(cleaner.rules, lambda rules: Cleaner(rules, default_rules=False, cache=False))
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise UsageFailure(f"{len(problems)} problem(s) in the rules")
    click.echo(f"{len(cleaner.rules)} rules OK")


@rules.command("test")
@click.option("-k", "select", default="", help="Only rules whose id contains this text.")
@rule_options
def rules_test(select: str, cleaner: Cleaner) -> None:
    """Run every rule's drop/keep examples."""
    engine = cleaner._engine
    cases = [c for c in example_cases(cleaner.rules) if select in c.rule.id]
    failures = [msg for c in cases if (msg := _run_example(engine, c))]
    for failure in failures:
        click.echo(failure, err=True)
    click.echo(f"{len(cases) - len(failures)} passed, {len(failures)} failed")
    if failures:
        sys.exit(1)


def _run_example(engine: Any, case: ExampleCase) -> str | None:
    """What went wrong with one example, including an example that cannot be run at all."""
    try:
        return check_example(engine, case)
    except Exception as exc:  # noqa: BLE001 - one broken example must not stop the others
        return f"{case.test_id}: cannot run the example: {type(exc).__name__}: {exc}"


def run() -> None:
    """Entry point that turns stray library errors into one line and exit status 1; an
    unforeseen exception too (``CLEANER_DEBUG=1`` shows its traceback)."""
    try:
        main(standalone_mode=True)
    except CleanerError as exc:
        click.echo(f"cleaner: {exc}", err=True)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - no traceback reaches the user
        if os.environ.get("CLEANER_DEBUG"):
            raise
        click.echo(f"cleaner: internal error: {type(exc).__name__}: {exc} "
                   f"(CLEANER_DEBUG=1 shows where)", err=True)
        sys.exit(1)
