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

from ._batch import BatchOptions, Stats, default_jobs, run_batch
from ._cleaner import Cleaner
from ._errors import CleanerError, RuleError
from ._fetch_cli import fetch_options
from ._fetch_options import FetchOptions
from .rules import Rule
from .rules._check import check_example, example_cases, lint
from .sources.jsonl import RecordFields
from .sources.urls import is_url, read_url_list

F = TypeVar("F", bound=Callable[..., Any])


class UsageFailure(click.ClickException):
    exit_code = 2


def rule_options(func: F) -> F:
    """--rules / --no-default-rules / --disable / --language, shared by every command."""

    @click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True),
                  help="Add a rule file or folder (repeatable).")
    @click.option("--no-default-rules", is_flag=True, help="Leave the shipped rules out.")
    @click.option("--disable", multiple=True, metavar="ID", help="Turn one rule off (repeatable).")
    @click.option("--language", "languages", multiple=True, metavar="CODE",
                  help="Only rules for these languages (ISO 639-1; repeatable).")
    @functools.wraps(func)
    def wrapper(*args: Any, rule_dirs: tuple[str, ...], no_default_rules: bool,
                disable: tuple[str, ...], languages: tuple[str, ...], **kwargs: Any) -> Any:
        try:
            cleaner = Cleaner(rule_dirs, languages=languages or None, disable=disable,
                              default_rules=not no_default_rules)
        except RuleError as exc:
            raise UsageFailure(str(exc)) from exc
        return func(*args, cleaner=cleaner, **kwargs)

    return wrapper  # type: ignore[return-value]


@click.group()
@click.version_option(package_name="cleaner")
def main() -> None:
    """Turn scraped articles into their body and nothing else."""


def batch_options(func: F) -> F:
    """Inputs, output, parallelism and robustness options of ``clean``, as one ``BatchOptions``."""

    @click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "jsonl"]),
                  default="text", show_default=True, help="What to write for each document.")
    @click.option("--explain", "show_explain", is_flag=True,
                  help="Show every block with KEEP/DROP and the rule that dropped it.")
    @click.option("-o", "--output", type=click.Path(), default=None,
                  help="Write to this file (or, for text/markdown/json, to this folder when it "
                       "exists or ends with '/': one file per input) instead of stdout.")
    @click.option("--input-format", type=click.Choice(["auto", "jsonl", "warc"]), default="auto",
                  show_default=True,
                  help="Read every file (and stdin) as JSON lines or WARC; auto goes by name.")
    @click.option("--text-field", default="text", show_default=True, metavar="NAME",
                  help="JSONL: the field holding saved text.")
    @click.option("--html-field", default=None, metavar="NAME",
                  help="JSONL: the field holding HTML (preferred over the text field).")
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
    @click.option("--progress/--no-progress", default=None,
                  help="Progress bar on stderr [default: when stderr is a terminal].")
    @functools.wraps(func)
    def wrapper(*args: Any, fmt: str, show_explain: bool, output: str | None, input_format: str,
                text_field: str, html_field: str | None, url_field: str, id_field: str,
                jobs: int | None, unordered: bool, time_limit: float, resume: bool,
                scheduler: str | None, progress: bool | None, **kwargs: Any) -> Any:
        try:
            batch = BatchOptions(
                fmt=fmt, explain=show_explain, input_format=input_format,  # type: ignore[arg-type]
                fields=RecordFields(text_field, html_field, url_field, id_field),
                output=Path(output) if output is not None else None,
                output_dir=output is not None and _names_folder(output),
                jobs=jobs or default_jobs(), ordered=not unordered, time_limit=time_limit,
                resume=resume, scheduler=scheduler,
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
@batch_options
@fetch_options
@click.option("--stats", "stats_path", type=click.Path(path_type=Path), default=None,
              help="Also write the end-of-run summary as JSON to this file.")
@click.option("-q", "--quiet", is_flag=True, help="No end-of-run summary on stderr.")
@rule_options
def clean(sources: tuple[str, ...], batch: BatchOptions, fetch_options: FetchOptions,
          url_list: str | None, stats_path: Path | None, quiet: bool, cleaner: Cleaner) -> None:
    """Clean SOURCES: .txt/.html files, folders of them (recursively), glob patterns, JSONL
    (.jsonl, .jsonl.gz) and WARC (.warc, .warc.gz) files, http(s):// URLs, or - for stdin."""
    if not sources and url_list is None:
        raise click.UsageError("give SOURCES to clean, or --urls FILE")
    one = url_list is None and len(sources) == 1 and (
        is_url(sources[0]) or
        sources[0] == "-" and batch.input_format == "auto"
        or os.path.isfile(sources[0]) and sources[0].endswith((".txt", ".html", ".htm")))
    batch = replace(batch, header=not one and batch.fmt in ("text", "markdown"),
                    fetch=fetch_options)
    inputs = itertools.chain(sources, read_url_list(url_list) if url_list else ())
    try:
        stats = run_batch(inputs, cleaner, batch, sys.stdout.buffer,
                          lambda line: click.echo(line, err=True))
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except CleanerError as exc:
        raise click.ClickException(str(exc)) from exc
    _report(stats, stats_path, quiet or (stats.documents + stats.skipped <= 1 and not batch.progress))


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
    if stats.failed:
        click.echo(f"cleaner: {stats.failed} input(s) failed", err=True)
        sys.exit(1)


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
    problems = lint(cleaner.rules)
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
    failures = [msg for c in cases if (msg := check_example(engine, c))]
    for failure in failures:
        click.echo(failure, err=True)
    click.echo(f"{len(cases) - len(failures)} passed, {len(failures)} failed")
    if failures:
        sys.exit(1)


def run() -> None:
    """Entry point that turns stray library errors into one line and exit status 1."""
    try:
        main(standalone_mode=True)
    except CleanerError as exc:
        click.echo(f"cleaner: {exc}", err=True)
        sys.exit(1)
