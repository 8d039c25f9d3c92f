"""Pieces shared by the subcommands: schema-version choices, lint-or-stop, error exit."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from sweepgen.lint import LintResult


def version_choices() -> list[str]:
    """'auto' plus every schema folder, read from disk without importing the engine."""
    from sweepgen.schemas import schema_root

    names = sorted((p.name for p in schema_root().iterdir() if re.fullmatch(r"v\d+", p.name)),
                   key=lambda n: int(n[1:]))
    return ["auto", *names]


def fail(message: str, code: int = 1) -> NoReturn:
    """One clear line on stderr and a non-zero exit; never a traceback."""
    click.echo(f"sweepgen: error: {message}", err=True)
    sys.exit(code)


def resolve_format(fmt: str) -> str:
    if fmt == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    return fmt


def note(message: str) -> None:
    click.echo(f"sweepgen: note: {message}", err=True)


def append_step_summary(markdown: str, requested: bool = False) -> None:
    """Append to $GITHUB_STEP_SUMMARY; when the user asked (--summary) outside Actions, say so."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(markdown)
            if not markdown.endswith("\n"):
                handle.write("\n")
    elif requested:
        note("--summary: $GITHUB_STEP_SUMMARY is not set (not in GitHub Actions); no summary written")


def echo_plan(plan: Any) -> None:
    """Print a plan's JSON object piece by piece (a large plan is never one string)."""
    for piece in plan.json_pieces():
        click.echo(piece, nl=False)
    click.echo()


def github_output_target(requested: bool) -> str | None:
    """The $GITHUB_OUTPUT file for --github-output; outside Actions a note, and the caller prints only."""
    if not requested:
        return None
    from sweepgen.ghoutput import github_output_path

    target = github_output_path()
    if target is None:
        note("--github-output: $GITHUB_OUTPUT is not set (not in GitHub Actions); the result is printed only")
    return target


def lint_or_stop(files: list[Path], runner_config: str | None, schema_version: str = "auto",
                 runner_search: bool = True) -> LintResult:
    """Lint before any expansion or edit; an invalid config stops with the lint report (exit 1)."""
    from sweepgen.lint import lint_files
    from sweepgen.reporters import text

    result = lint_files(files, runner_config, schema_version, runner_search=runner_search)
    if result.errors:
        click.echo(text(result), err=True, nl=False)
        fail(f"{result.errors} lint error{'s' if result.errors != 1 else ''} in the configs; nothing was generated")
    for p in result.problems:
        click.echo(f"{p.path}:{p.line}:{p.column}: {p.level}: {p.message} [{p.rule}]", err=True)
    return result
