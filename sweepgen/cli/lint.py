"""`sweepgen lint`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import append_step_summary, fail, resolve_format, use_color, version_choices


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--runner-config", type=click.Path(path_type=str), help="Runner config (default: runners.yaml beside the first master config, else the repository's).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "sarif", "auto"]), default="auto",
              show_default=True, help="auto is github under GitHub Actions, text elsewhere; sarif is SARIF 2.1.0 "
                                      "for GitHub code scanning.")
@click.option("--strict", is_flag=True, help="Warnings fail the run too.")
@click.option("--schema-version", type=click.Choice(version_choices()), default="auto", show_default=True,
              help="Schema version for master configs; auto detects it per file.")
@click.option("--list-rules", is_flag=True, help="Print every rule (id, level, formats, description) and exit; "
                                                 "--format json prints a JSON list.")
@click.option("--stdin-filename", metavar="NAME",
              help="The name to report the master config read from `-` (standard input) under; a runner config "
                   "is looked for beside it (default: <stdin>).")
def lint(paths: tuple[str, ...], runner_config: str | None, fmt: str, strict: bool, schema_version: str,
         list_rules: bool, stdin_filename: str | None) -> None:
    """Check master configs and runner configs; every problem with file:line:col.

    PATHS are files or folders; runners.yaml / runners.yml are runner configs, other
    files master configs; `-` is a master config read from standard input. Without
    PATHS, the repository's configs/ folder. Exit 0 clean, 1 problems, 2 usage errors.
    """
    from sweepgen.discovery import DiscoveryError, default_files, expand_paths
    from sweepgen.lint import lint_files
    from sweepgen.lint.engine import STDIN
    from sweepgen.reporters import FORMATS, markdown_table, summary_line, text

    if list_rules:
        from sweepgen.lint import registry

        if paths:
            raise click.UsageError("--list-rules takes no PATHS")
        click.echo(registry.json_text() if fmt == "json" else registry.text(), nl=False)
        return

    missing = [p for p in paths if p != "-" and not Path(p).exists()]
    if missing:
        raise click.BadParameter(f"no such file or folder: {', '.join(missing)}", param_hint="PATHS")
    if paths.count("-") > 1:
        raise click.BadParameter("standard input (-) can be read once", param_hint="PATHS")
    if stdin_filename is not None and "-" not in paths:
        raise click.UsageError("--stdin-filename names the master config read from `-`; give `-` among PATHS")
    stdin = None
    if "-" in paths:
        from sweepgen.yamlsource import MAX_BYTES

        stdin = (stdin_filename or "<stdin>", sys.stdin.buffer.read(MAX_BYTES + 1))
    try:
        others = [p for p in paths if p != "-"]
        # standard input first: it is the config being edited, its keys win over the files'
        files = ([STDIN] if stdin else []) + (expand_paths(others) if others else []) if paths else default_files()
    except DiscoveryError as exc:
        fail(str(exc), 2)
    if not files:
        fail("no YAML files found in " + ", ".join(paths), 2)
    if runner_config and not Path(runner_config).is_file():
        raise click.BadParameter(f"no such file: {runner_config}", param_hint="--runner-config")
    result = lint_files(files, runner_config, schema_version, stdin=stdin)
    chosen = resolve_format(fmt)
    if chosen == "text":
        color = use_color()
        click.echo(text(result, color=color), nl=False, color=color or None)
    else:
        click.echo(FORMATS[chosen](result), nl=False)
    if chosen not in ("json", "sarif"):
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        click.echo(summary_line(result), err=True)
    if chosen == "github":
        append_step_summary(markdown_table(result))
    raise SystemExit(1 if result.failed(strict) else 0)
