"""Pieces shared by the subcommands: schema-version choices, lint-or-stop, error exit."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NoReturn

import click

if TYPE_CHECKING:
    from sweepgen.lint import LintResult


class SpacedOption(click.Option):
    """An option taking one or more space-separated values (argparse's nargs='+'), as the
    seed generator's flags do: `--config-files a.yaml b.yaml`. Needs a SpacedCommand.

    accept: after the first value, which values it goes on taking (default: every token
    up to the next option); a command with positional arguments after the option says
    which tokens are its values (`set --config-files a.yaml b.yaml ADDRESS VALUE`).
    """

    def __init__(self, *args: Any, accept: Callable[[str], bool] | None = None, **kwargs: Any) -> None:
        kwargs["multiple"] = True
        super().__init__(*args, **kwargs)
        self.accept = accept
        self.metavar = f"{self.metavar or self.type.name.upper()}..."


def _is_option(token: str) -> bool:
    if not token.startswith("-") or token == "-":
        return False
    try:
        float(token)  # a negative number is a value, as argparse reads it
        return False
    except ValueError:
        return True


def spread(args: list[str], spaced: dict[str, Callable[[str], bool] | None], lenient: bool = False) -> list[str]:
    """`--opt a b` -> `--opt a --opt b` for the spaced options; other tokens as they are.

    A spaced option given again replaces its earlier values, as argparse's nargs='+' does:
    `--precision fp4 --precision fp8` means fp8 only.
    """
    out: list[str] = []
    latest: dict[str, tuple[int, int]] = {}  # option -> where its values are in out
    replaced: set[int] = set()
    i = 0
    while i < len(args):
        token = args[i]
        if token == "--":
            out.extend(args[i:])
            break
        name, eq, first = token.partition("=")
        if name not in spaced:
            out.append(token)
            i += 1
            continue
        values = [first] if eq else []
        accept = spaced[name]
        i += 1
        while i < len(args) and not _is_option(args[i]) and args[i] != "--" and (
                not values or accept is None or accept(args[i])):
            values.append(args[i])
            i += 1
        if not values:
            if lenient:  # shell completion: the value being completed is not there yet
                continue
            raise click.UsageError(f"Option '{name}' requires at least one value.")
        if name in latest:
            replaced.update(range(*latest[name]))
        latest[name] = (len(out), len(out) + 2 * len(values))
        for value in values:
            out.extend((name, value))
    return [token for n, token in enumerate(out) if n not in replaced] if replaced else out


def unabbreviate(args: list[str], names: set[str]) -> list[str]:
    """`--conf` -> `--config-files`: an unambiguous prefix of a long option stands for it, as
    argparse (and so the seed generator) allows; an ambiguous one is a usage error."""
    out: list[str] = []
    for i, token in enumerate(args):
        if token == "--":
            return out + args[i:]
        name, eq, value = token.partition("=")
        if token.startswith("--") and name not in names:
            matches = sorted(n for n in names if n.startswith(name))
            if len(matches) > 1:
                raise click.UsageError(f"ambiguous option: {name} could match {', '.join(matches)}")
            if matches:
                token = matches[0] + eq + value
        out.append(token)
    return out


class SpacedCommand(click.Command):
    """A command whose SpacedOptions take space-separated values, and whose long options may
    be abbreviated: the seed generator's argparse conventions."""

    # the generators' commands: a single-value option's value may not look like an option (argparse)
    argparse_values = False

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        spaced = {opt: p.accept for p in self.params if isinstance(p, SpacedOption) for opt in p.opts}
        names = {opt for p in self.get_params(ctx) for opt in (*p.opts, *p.secondary_opts) if opt.startswith("--")}
        try:
            args = spread(unabbreviate(args, names), spaced, lenient=ctx.resilient_parsing)
            if self.argparse_values and not ctx.resilient_parsing:
                _refuse_option_as_value(args, self.get_params(ctx))
        except click.UsageError as exc:
            exc.ctx = ctx
            raise
        return super().parse_args(ctx, args)


def _refuse_option_as_value(args: list[str], params: list[click.Parameter]) -> None:
    """An option that takes one value, followed by something that looks like an option (`-nv_`),
    is argparse's "expected one argument", as the generators said; `--opt=-nv_` passes the value."""
    single = {opt for p in params if isinstance(p, click.Option) and not p.is_flag and not p.count
              and not isinstance(p, SpacedOption) for opt in p.opts}
    for i, token in enumerate(args[:-1]):
        if token == "--":
            return
        if token in single and _is_option(args[i + 1]):
            raise click.UsageError(f"argument {token}: expected one argument")


def names_a_config(arg: str) -> bool:
    """Whether a token after `--config-files`'s first value is another config file."""
    return arg.lower().endswith((".yaml", ".yml")) or Path(arg).is_file()


def config_files(given: tuple[str, ...], runners: bool = False) -> list[Path]:
    """The files named, else the repository's master configs (and with runners, its runner config)."""
    from sweepgen.discovery import DiscoveryError, default_files, default_master_configs

    if not given:
        try:
            files = default_files() if runners else default_master_configs()
        except DiscoveryError as exc:
            fail(str(exc), 2)
        if not files:
            fail("no master configs found in the repository's configs/ folder; name them with --config-files", 2)
        return files
    missing = [f for f in given if not Path(f).is_file()]
    if missing:
        raise click.BadParameter(f"no such file: {', '.join(missing)}", param_hint="--config-files")
    seen: set[Path] = set()
    files = []
    for f in given:
        if Path(f).resolve() not in seen:
            seen.add(Path(f).resolve())
            files.append(Path(f))
    return files


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


def use_color(stream: Any = None) -> bool:
    """Colour on a terminal; never with NO_COLOR set; always with FORCE_COLOR set (not 0)."""
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR")
    if force and force != "0":
        return True
    stream = stream if stream is not None else sys.stdout
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def note(message: str) -> None:
    click.echo(f"sweepgen: note: {message}", err=True)


def append_step_summary(markdown: str, requested: bool = False) -> None:
    """Append to $GITHUB_STEP_SUMMARY; when the user asked (--summary) outside Actions, say so."""
    from sweepgen.ghoutput import OutputError, append_step_summary as append

    try:
        written = append(markdown)
    except OutputError as exc:
        fail(str(exc))
    if not written and requested:
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
                 runner_search: bool = True, before_stop: Callable[[LintResult], None] | None = None) -> LintResult:
    """Lint before any expansion or edit; an invalid config stops with the lint report (exit 1).
    before_stop: run on the result before any of it is printed (a usage error then comes first)."""
    from sweepgen.lint import lint_files

    result = lint_files(files, runner_config, schema_version, runner_search=runner_search)
    if before_stop is not None:
        before_stop(result)
    if result.errors:
        from sweepgen.reporters import text

        click.echo(text(result), err=True, nl=False)
        fail(f"{result.errors} lint error{'s' if result.errors != 1 else ''} in the configs; nothing was generated")
    for p in result.problems:
        click.echo(p.text(), err=True)
    return result
