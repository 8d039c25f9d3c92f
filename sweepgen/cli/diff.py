"""`sweepgen diff`: the jobs a change to the configs adds and removes, for reviewers and workflows."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .common import append_step_summary, echo_plan, fail, github_output_target
from .seed import check_seq_lens, command, config_options, sweep_filter_options

if TYPE_CHECKING:
    from sweepgen.diff import Expanded, Loaded
    from sweepgen.expand import Filters


def _filters(options: dict[str, Any]) -> Filters:
    """expand.Filters from full-sweep's filter options, whichever the expander offers: the field
    of option `--x-y` is `x_y` or its plural (`--model-prefix` fills `model_prefixes`)."""
    from dataclasses import fields

    from sweepgen.expand import Filters

    left = dict(options)
    values = {}
    for f in fields(Filters):
        for option in (f.name, f.name.removesuffix("s"), f.name.removesuffix("es")):
            if option in left:
                values[f.name] = left.pop(option)
                break
    if left:  # an option full-sweep gained that diff cannot pass on: refuse rather than ignore it
        fail(f"diff cannot apply the full-sweep option(s) {', '.join(sorted(left))}")
    return Filters(**values)


def _scope(ctx: click.Context, names: set[str]) -> str | None:
    """The full-sweep command line of the comparison, when it is not the plain full sweep."""
    words = ["full-sweep"]
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if param.name not in names or value in ((), None, False) or value == param.default:
            continue
        flag = param.opts[0]
        if isinstance(param, click.Option) and param.is_flag:
            words.append(flag)
        else:
            words += [flag, *(map(str, value) if isinstance(value, tuple) else [str(value)])]
    return shlex.join(words) if len(words) > 1 else None


@command("diff")
@click.option("--base", "base_rev", required=True, metavar="REV",
              help="The revision to compare with (a branch, tag, commit, HEAD~1, origin/main, ...).")
@click.option("--head", "head_rev", metavar="REV", help="The revision compared (default: the working tree).")
@config_options
@sweep_filter_options
@click.option("--format", "fmt", type=click.Choice(["json", "markdown", "plan"]), default="json",
              show_default=True, help="json: the jobs added and removed; markdown: a reviewer's summary; "
                                      "plan: the added jobs as `sweepgen plan` matrices.")
@click.option("--max-jobs", type=click.IntRange(min=1),
              help="--format plan: most jobs in one matrix (default 256, GitHub's limit).")
@click.option("--slots", type=click.IntRange(min=1),
              help="--format plan: exactly this many shards per group, the unused ones [].")
@click.option("--github-output", is_flag=True,
              help="--format plan: also write every matrix, `names` and `total` to $GITHUB_OUTPUT.")
@click.option("--summary", is_flag=True,
              help="Append the markdown summary (and with --format plan the matrix table) to $GITHUB_STEP_SUMMARY.")
def diff(base_rev: str, head_rev: str | None, config_files: tuple[str, ...], runner_config: str | None,
         step_size: int, test_mode: bool, fmt: str, max_jobs: int | None, slots: int | None, github_output: bool,
         summary: bool, **sweep_filters: Any) -> None:
    """The jobs the configs at --head (default: the working tree) add to and remove from
    those at --base.

    Both sides are read from git (`git show REV:path`, paths relative to the repository)
    and expanded with full-sweep's semantics and filters; jobs are compared by every
    field of their matrix entry. A file one side lacks is compared as empty (a note on
    stderr says so); a side that fails lint stops the comparison with its problems.
    """
    import tempfile

    from sweepgen import diff as differ
    from sweepgen import expand, ghoutput, gitrev
    from sweepgen import plan as planning
    from sweepgen.lint import display_path
    from sweepgen.reporters import text

    if fmt != "plan":
        given = [name for name, value in (("--max-jobs", max_jobs), ("--slots", slots),
                                          ("--github-output", github_output)) if value]
        if given:
            raise click.UsageError(f"{given[0]} needs --format plan")
    target = github_output_target(github_output)

    cwd = Path.cwd()
    try:
        repo = gitrev.repository(cwd)
    except gitrev.GitError as exc:
        fail(str(exc))
    sides = []
    for role, rev in (("base", base_rev), ("head", head_rev)):
        try:
            sides.append(differ.side(repo, role, rev))
        except gitrev.GitError as exc:
            fail(f"--{role}: {exc}")
    try:
        file_sets = differ.select_files(repo, sides, config_files, runner_config, cwd)
    except (differ.DiffError, gitrev.GitError) as exc:
        fail(str(exc))
    for at, files in zip(sides, file_sets):
        for path in files.missing:
            click.echo(f"note: {display_path(repo.root / path)} does not exist {at.where}: compared as empty",
                       err=True)
        if files.missing_runner:
            click.echo(f"note: {display_path(repo.root / files.missing_runner)} does not exist {at.where}: "
                       "compared without a runner config", err=True)

    loaded: list[Loaded] = []
    with tempfile.TemporaryDirectory(prefix="sweepgen-diff-") as scratch:
        for at, files in zip(sides, file_sets):
            try:
                folder = differ.materialize(repo, at, files, Path(scratch) / at.role)
                loaded.append(differ.load_side(repo, at, files, folder))
            except differ.SideLintError as exc:
                click.echo(text(exc.result), err=True, nl=False)
                fail(str(exc))
            except (differ.DiffError, gitrev.GitError, OSError) as exc:
                fail(str(exc))
    base, head = loaded
    if head.lint is not None:  # the base side's warnings are history; the head's are worth fixing
        for p in head.lint.problems:
            click.echo(f"{p.path}:{p.line}:{p.column}: {p.level}: {p.message} [{p.rule}]", err=True)

    reference = head.configs or base.configs
    if reference is not None:
        check_seq_lens(reference, sweep_filters.get("seq_lens", ()))
    filters = _filters(sweep_filters)
    expanded: list[Expanded] = []
    failures: list[tuple[Loaded, expand.ExpandError]] = []
    for one in (base, head):
        try:
            expanded.append(differ.expand_side(one, filters, step_size, test_mode))
        except expand.ExpandError as exc:
            failures.append((one, exc))
            expanded.append(differ.empty(one.side))
        except differ.DiffError as exc:
            fail(str(exc))
    if len(failures) == 2:  # nothing to compare: full-sweep's own error, as at the head
        fail(str(failures[1][1]))
    for one, why in failures:  # one side matched nothing: its entries are new, or gone
        click.echo(f"note: the {one.side.role} configs ({one.side.label}): {why}; compared as no jobs", err=True)
    if base.configs and head.configs and base.configs.version != head.configs.version:
        click.echo(f"note: the base configs are {base.configs.version} and the head configs "
                   f"{head.configs.version}: their jobs print different fields, so no job is the same on both sides",
                   err=True)

    result = differ.compare(*expanded)
    scope = _scope(click.get_current_context(), {*sweep_filters, "step_size", "test_mode"})
    report = differ.markdown(result, scope)
    if fmt == "json":
        click.echo(differ.json_report(result))
    elif fmt == "markdown":
        click.echo(report, nl=False)
    else:
        try:
            printed = {id(j.job): j.entry for j in result.added}
            plan = planning.make_plan([j.job for j in result.added],
                                      lambda jobs: json.dumps([printed[id(job)] for job in jobs]),
                                      [j.seq_len for j in result.added], max_jobs or planning.MAX_JOBS, slots)
            if target is not None:
                ghoutput.write_outputs(target, planning.outputs(plan))
        except (planning.PlanError, ghoutput.OutputError) as exc:
            fail(str(exc))
        report += "\n" + planning.summary(plan)
        echo_plan(plan)
    if summary:
        append_step_summary(report, requested=True)
