"""`sweepgen lint`."""

from __future__ import annotations

from pathlib import Path

import click

from .common import append_step_summary, fail, resolve_format, version_choices


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--runner-config", type=click.Path(path_type=str), help="Runner config (default: runners.yaml beside the first master config, else the repository's).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "auto"]), default="auto", show_default=True,
              help="auto is github under GitHub Actions, text elsewhere.")
@click.option("--strict", is_flag=True, help="Warnings fail the run too.")
@click.option("--schema-version", type=click.Choice(version_choices()), default="auto", show_default=True,
              help="Schema version for master configs; auto detects it per file.")
@click.option("--list-rules", is_flag=True, help="Print every rule (id, level, formats, description) and exit; "
                                                 "--format json prints a JSON list.")
def lint(paths: tuple[str, ...], runner_config: str | None, fmt: str, strict: bool, schema_version: str,
         list_rules: bool) -> None:
    """Check master configs and runner configs; every problem with file:line:col.

    PATHS are files or folders; runners.yaml / runners.yml are runner configs, other
    files master configs. Without PATHS, the repository's configs/ folder.
    Exit 0 clean, 1 problems, 2 usage errors.
    """
    from sweepgen.discovery import DiscoveryError, default_files, expand_paths
    from sweepgen.lint import lint_files
    from sweepgen.reporters import FORMATS, markdown_table, summary_line

    if list_rules:
        from sweepgen.lint import registry

        if paths:
            raise click.UsageError("--list-rules takes no PATHS")
        click.echo(registry.json_text() if fmt == "json" else registry.text(), nl=False)
        return

    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise click.BadParameter(f"no such file or folder: {', '.join(missing)}", param_hint="PATHS")
    try:
        files = expand_paths(list(paths)) if paths else default_files()
    except DiscoveryError as exc:
        fail(str(exc), 2)
    if not files:
        fail("no YAML files found in " + ", ".join(paths), 2)
    if runner_config and not Path(runner_config).is_file():
        raise click.BadParameter(f"no such file: {runner_config}", param_hint="--runner-config")
    result = lint_files(files, runner_config, schema_version)
    chosen = resolve_format(fmt)
    click.echo(FORMATS[chosen](result), nl=False)
    if chosen != "json":
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        click.echo(summary_line(result), err=True)
    if chosen == "github":
        append_step_summary(markdown_table(result))
    raise SystemExit(1 if result.failed(strict) else 0)
