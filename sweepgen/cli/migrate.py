"""`sweepgen migrate`: upgrade master configs to a newer schema version, byte-exact."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .common import SpacedCommand, SpacedOption, config_files, fail, names_a_config, version_choices
from .edit import write_checked

if TYPE_CHECKING:
    from sweepgen.migrate import Migration


@click.command("migrate", cls=SpacedCommand)
@click.option("--to", "target", required=True, type=click.Choice(version_choices()[1:]),
              help="The schema version to upgrade to.")
@click.option("--config-files", "config_file_names", cls=SpacedOption, accept=names_a_config, metavar="FILE",
              help="Master configs and runners.yaml to upgrade in place (default: the repository's).")
@click.option("--dry-run", is_flag=True, help="Print the unified diff; write nothing.")
def migrate(target: str, config_file_names: tuple[str, ...], dry_run: bool) -> None:
    """Upgrade configs to a newer format version, touching nothing else.

    To v2: every entry gets `multinode: false` on the line after its framework,
    with the file's indentation and line endings. To v3: every entry's
    seq-len-configs goes under `scenarios:` as `fixed-seq-len:` (its block
    indented one step), and a flat runners.yaml under `labels:`. Each file is
    checked before it is written (atomically): it must hold the same data moved as
    the steps say and lint clean as the new version. Files already in that version
    are left alone.
    """
    from sweepgen.lint import LintResult
    from sweepgen.migrate import MigrateError, plan
    from sweepgen.reporters import text

    files = config_files(config_file_names, runners=True)
    planned: list[Migration] = []
    try:
        for path in files:
            planned.append(plan(path, target))
    except MigrateError as exc:
        click.echo(text(LintResult(exc.problems, [])), err=True, nl=False)
        fail(str(exc))
    written: list[str] = []
    for m in planned:
        if not m.changed:
            if m.kind == "master-config" or config_file_names:
                click.echo(f"{m.display}: already {target}; nothing to do", err=dry_run)
            continue
        edit = m.as_edit()
        if dry_run:
            click.echo(edit.diff(), nl=False)
            click.echo(f"{m.display}: {_summary(m, dry_run=True)}", err=True)
            continue
        write_checked(edit, m.display, written, "migrated")
        click.echo(f"{m.display}: {_summary(m, dry_run=False)}")


_PAST = {"add": "added", "move": "moved", "put": "put", "point": "pointed"}


def _done(phrase: str, dry_run: bool) -> str:
    """`add x` -> `added x`, or `would add x` under --dry-run."""
    verb, _, rest = phrase.partition(" ")
    return f"{'would ' + verb if dry_run else _PAST.get(verb, verb)} {rest}"


def _summary(m: Migration, dry_run: bool) -> str:
    """`v1 -> v2: added `multinode: false` to 11 entries` (just `v2: ...` for a half-migrated v2 file)."""
    parts = [_done(phrase.format(count=f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"), dry_run)
             for phrase, entries in m.added().items()]
    versions = m.target if m.source == m.target else f"{m.source} -> {m.target}"
    return f"{versions}: {', '.join(parts) or _done(f'point its schema modeline at {m.target}', dry_run)}"
