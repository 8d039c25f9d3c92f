"""`sweepgen bump-image` and `sweepgen set`: byte-exact edits of master configs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import SpacedCommand, SpacedOption, config_files, fail, names_a_config

if TYPE_CHECKING:
    from sweepgen.edit import FileEdit
    from sweepgen.yamlsource import Document


def _load(files: list[Path]) -> list[tuple[Path, Document]]:
    from sweepgen.edit import load_for_edit

    return [(f, load_for_edit(f)) for f in files]


def _guard_and_write(edits: list[FileEdit], dry_run: bool) -> None:
    """Refuse edits that add lint problems; print diffs (dry run) or write the files, all or nothing."""
    from sweepgen.edit import new_problems
    from sweepgen.lint import LintResult
    from sweepgen.reporters import text

    changed = [e for e in edits if e.changed]
    refused = []
    for edit in changed:
        added = new_problems(edit)
        if added:
            click.echo(text(LintResult(added, [])), err=True, nl=False)
            refused.append(f"{edit.display} ({len(added)})")
    if refused:
        fail(f"the edit would add lint problems (above) to {', '.join(refused)}; nothing was written")
    if dry_run:
        for edit in changed:
            click.echo(edit.diff(), nl=False)
        return
    write_all(changed, "edited")


def write_all(edits: list[FileEdit], doing: str) -> None:
    """Write every edited file, or none: each is staged beside its target first (space, permissions,
    owner and attributes are checked there), then all are checked for saves made meanwhile, then
    renamed (each checked once more right before its rename). Should a rename still fail, the
    error names the files written and those not."""
    from sweepgen.atomic import Staged, WriteRefused, commit, discard, stage

    staged: list[Staged] = []
    committed = 0
    try:
        for edit in edits:
            try:
                staged.append(stage(edit.path, edit.encoded(), edit.before_bytes))
            except (OSError, WriteRefused) as exc:
                others = [e.display for e in edits if e is not edit]
                message = _refusal(edit.display, exc, doing)
                if others:
                    message = message.removesuffix("; it is unchanged").removesuffix("; it was not written")
                    message += f"; nothing was written ({', '.join(others)} unchanged too)"
                fail(message)
        stale = [e.display for e in edits if not e.still_current()]
        if len(edits) == 1 and stale:
            fail(f"{stale[0]} changed while it was being {doing}; it was not written")
        if stale:
            fail(f"{', '.join(stale)} changed while {'they were' if len(stale) > 1 else 'it was'} being "
                 f"{doing}; nothing was written")
        written: list[str] = []
        for edit, s in zip(edits, staged):
            try:
                commit(s)
            except (OSError, WriteRefused) as exc:
                committed += 1  # commit removed its own temporary file
                fail(_refusal(edit.display, exc, doing) + _partial(written, [e.display for e in edits[committed:]]))
            committed += 1
            written.append(edit.display)
            _notes(edit.display, s.notes)
    finally:
        for s in staged[committed:]:
            discard(s)


def _refusal(display: str, exc: Exception, doing: str) -> str:
    from sweepgen.atomic import Changed, WriteRefused

    if isinstance(exc, Changed):
        return f"{display} changed while it was being {doing}; it was not written"
    if isinstance(exc, WriteRefused):
        return f"{display} {exc}; it is unchanged"
    strerror = exc.strerror if isinstance(exc, OSError) else None
    return f"cannot write {display}: {strerror or exc}; it is unchanged"


def _partial(written: list[str], not_written: list[str]) -> str:
    """(a.yaml already written; b.yaml not written) after a failure among several files."""
    parts = []
    if written:
        parts.append(f"{', '.join(written)} already written")
    if not_written:
        parts.append(f"{', '.join(not_written)} not written")
    return f" ({'; '.join(parts)})" if parts else ""


def _notes(display: str, notes: list[str]) -> None:
    for note in notes:
        click.echo(f"sweepgen: note: {display}: {note}", err=True)


def write_checked(edit: FileEdit, display: str, written: list[str], doing: str) -> None:
    """Write one edited file atomically, unless someone saved it meanwhile (checked again right
    before the rename); say which files were already written when one fails."""
    from sweepgen.atomic import WriteRefused, write_atomic

    done = f" ({', '.join(written)} already written)" if written else ""
    try:
        notes = write_atomic(edit.path, edit.encoded(), edit.before_bytes)
    except (OSError, WriteRefused) as exc:
        fail(_refusal(display, exc, doing) + done)
    written.append(display)
    _notes(display, notes)


@click.command("bump-image", cls=SpacedCommand)
@click.option("--config-files", "config_file_names", cls=SpacedOption, accept=names_a_config, metavar="FILE",
              help="Master configs to edit (default: the repository's).")
@click.option("--key", "keys", multiple=True, metavar="KEY", help="Entry whose image to set; repeat for more.")
@click.option("--from", "old_image", metavar="OLD_IMAGE",
              help="Set every entry whose image is OLD_IMAGE (registry#path and registry/path match).")
@click.option("--to", "new_image", required=True, metavar="NEW_IMAGE", help="The new image.")
@click.option("--dry-run", is_flag=True, help="Print the unified diff; write nothing.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 unless every targeted entry has NEW_IMAGE.")
def bump_image(config_file_names: tuple[str, ...], keys: tuple[str, ...], old_image: str | None, new_image: str,
               dry_run: bool, check: bool) -> None:
    """Change entries' images, touching no other byte of the files.

    Each image scalar keeps its quoting; a file that linted clean must lint clean
    after the edit, and no edit may add a lint problem, or nothing is written.
    """
    from sweepgen.edit import EditError, bump_targets, check_image, images_equal_to, plan

    if bool(keys) == (old_image is not None):
        raise click.UsageError("give either --key KEY (repeatable) or --from OLD_IMAGE")
    if dry_run and check:
        raise click.UsageError("--dry-run and --check exclude each other")
    try:
        check_image(new_image)
    except EditError as exc:
        raise click.BadParameter(str(exc), param_hint="--to") from None
    files = config_files(config_file_names)
    try:
        loaded = _load(files)
        docs = [doc for _, doc in loaded]
        per_file = bump_targets(docs, list(keys) if keys else None, old_image, new_image)
        if old_image is not None and not any(per_file.values()):
            already = images_equal_to(docs, new_image)
            if check and already:
                click.echo(f"all {already} entries already have {new_image}")
                return
            where = docs[0].path if len(docs) == 1 else f"{len(docs)} files"
            hint = f" ({already} already have {new_image})" if already else ""
            raise EditError(f"no entry in {where} has the image {old_image}{hint}")
        edits = [plan(path, doc, per_file[doc.path]) for path, doc in loaded if per_file[doc.path]]
        if check:
            _report_check(edits, new_image)
            return
        _guard_and_write(edits, dry_run)
    except EditError as exc:
        fail(str(exc))
    _report(edits, dry_run, as_source=False)


def _report(edits: list[FileEdit], dry_run: bool, as_source: bool) -> None:
    """One line per value changed (not under --dry-run, whose diff says it) and per value left as it was.

    as_source shows values as YAML source ('8' vs 8 matters to `set`), else as plain strings.
    """
    for edit in edits:
        for c in edit.changes if not dry_run else []:
            old, new = (c.old_one_line, c.new_text) if as_source else (c.old, c.target.value)
            click.echo(f"{edit.display}:{c.line}: {c.target.label}: {old} -> {new}")
        for c in edit.unchanged:
            old = c.old_one_line if as_source else c.old
            click.echo(f"{edit.display}:{c.line}: {c.target.label}: already {old}; nothing to change", err=dry_run)


def _report_check(edits: list[FileEdit], new_image: str) -> None:
    pending = [(e, c) for e in edits for c in e.changes]
    total = len(pending) + sum(len(e.unchanged) for e in edits)
    for edit, c in pending:
        click.echo(f"{edit.display}:{c.line}: {c.target.label}: {c.old} (not yet {new_image})")
    if pending:
        click.echo(f"{len(pending)} of {total} entries do not have {new_image} yet", err=True)
        raise SystemExit(1)
    click.echo(f"all {total} entries already have {new_image}")


@click.command("set", cls=SpacedCommand)
@click.option("--config-files", "config_file_names", cls=SpacedOption, accept=names_a_config, metavar="FILE",
              help="Master configs to look in (default: the repository's).")
@click.argument("address")
@click.argument("value")
@click.option("--dry-run", is_flag=True, help="Print the unified diff; write nothing.")
def set_value(config_file_names: tuple[str, ...], address: str, value: str, dry_run: bool) -> None:
    """Set one value of a config, touching no other byte of the file.

    ADDRESS is entry-key.field or deeper, e.g.
    dsr1-fp8-h200-trt.seq-len-configs[0].search-space[1].conc-end; a key with dots is
    written in brackets: ["kimik2.5-fp4-b300-vllm"].image. VALUE is read as a YAML
    value (8 is a number, true a boolean, '"8"' a string). A value starting with '-'
    goes after `--`.
    """
    from sweepgen.address import AddressError, format_address, parse_address
    from sweepgen.edit import EditError, Target, entry_holders, parse_value, plan

    try:
        steps = parse_address(address)
    except AddressError as exc:
        fail(str(exc), 2)
    if not isinstance(steps[0], str):
        fail(f"address '{address}' must start with an entry key, not [{steps[0]}]", 2)
    if len(steps) < 2:
        fail(f"address '{address}' names a whole entry; add the field to set, e.g. {address}.image", 2)
    try:
        new = parse_value(value)
    except EditError as exc:
        fail(str(exc), 2)
    files = config_files(config_file_names)
    label = format_address(steps)
    try:
        loaded = _load(files)
        holders = {id(d) for d in entry_holders([doc for _, doc in loaded], str(steps[0]), address)}
        edits = [plan(path, doc, [Target(steps, label, new)]) for path, doc in loaded if id(doc) in holders]
        _guard_and_write(edits, dry_run)
    except EditError as exc:
        fail(str(exc))
    _report(edits, dry_run, as_source=True)
