"""The ``cleaner`` command: a thin skin over the library.

Exit status: 0 every input cleaned; 1 some inputs failed (one line each on stderr, the others
still cleaned); 2 usage or rule-file errors.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click

from ._cleaner import Cleaner
from ._errors import CleanerError, RuleError
from ._pipeline import Result, clean_document
from .output import explain, to_json_line, to_markdown, to_record
from .rules import Rule
from .rules._check import check_example, example_cases, lint
from .sources import iter_paths

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


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "jsonl"]),
              default="text", show_default=True, help="What to print for each document.")
@click.option("--explain", "show_explain", is_flag=True,
              help="Show every block with KEEP/DROP and the rule that dropped it.")
@rule_options
def clean(sources: tuple[str, ...], fmt: str, show_explain: bool, cleaner: Cleaner) -> None:
    """Clean SOURCES: .txt or .html files, folders of them, or - for stdin."""
    failed = 0
    results = (clean_document(cleaner, doc) for doc in iter_paths(sources))
    many = len(sources) > 1 or any(not s.endswith((".txt", ".html", ".htm")) for s in sources)
    for result in results:
        if not result.ok:
            failed += 1
            click.echo(f"cleaner: {result.error}", err=True)
        _emit(result, fmt, show_explain, many and fmt in ("text", "markdown"))
    if failed:
        click.echo(f"cleaner: {failed} input(s) failed", err=True)
        sys.exit(1)


def _emit(result: Result, fmt: str, show_explain: bool, header: bool) -> None:
    cleaned = result.cleaned
    if fmt in ("json", "jsonl"):
        record = to_record(cleaned, result.document.source, str(result.error) if result.error else None)
        click.echo(to_json_line(record) if fmt == "jsonl" else json.dumps(record, ensure_ascii=False, indent=1))
        return
    if cleaned is None:
        return
    if header:
        click.echo(f"==> {result.document.source} <==")
    if show_explain:
        click.echo(explain(cleaned))
    else:
        click.echo(to_markdown(cleaned) if fmt == "markdown" else cleaned.text)
    if header:
        click.echo()


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
                 "domains", "examples_drop", "examples_keep", "path", "line"):
        value = getattr(rule, name)
        if value not in (None, (), {}, frozenset()):
            click.echo(f"{name}: {_show(value)}")


def _show(value: Any) -> str:
    if isinstance(value, (tuple, frozenset)):
        return json.dumps(sorted(value) if isinstance(value, frozenset) else list(value), ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


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
