"""`sweepgen diff`: the jobs a change to the configs adds and removes, for reviewers and workflows."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .common import append_step_summary, echo_plan, fail, github_output_target
from .seed import command, config_options, format_dests, format_options, given_dests, make_request

if TYPE_CHECKING:
    from sweepgen.diff import Expanded, Loaded
    from sweepgen.formats import SelectError


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
@format_options("diff")
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
         fmt: str, max_jobs: int | None, slots: int | None, github_output: bool, summary: bool,
         **sweep_filters: Any) -> None:
    """The jobs the configs at --head (default: the working tree) add to and remove from
    those at --base.

    Both sides are read from git (`git show REV:path`, paths relative to the repository)
    and expanded with full-sweep's semantics and filters; jobs are compared by every
    field of their matrix entry. A file one side lacks is compared as empty (a note on
    stderr says so); a side that fails lint stops the comparison with its problems.
    """
    import tempfile

    from sweepgen import diff as differ
    from sweepgen import ghoutput, gitrev
    from sweepgen import plan as planning
    from sweepgen.formats import SelectError as SelectErrorType
    from sweepgen.lint import display_path
    from sweepgen.render import encoder
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
            click.echo(p.text(), err=True)

    expanded: list[Expanded] = []
    failures: list[tuple[Loaded, SelectError]] = []
    judges = [one.format for one in (base, head) if one.format is not None]
    judge = max(judges, key=lambda f: f.number) if judges else None
    for one in (base, head):
        try:
            rows = _rows(one, sweep_filters, strict=one is head or head.configs is None)
            expanded.append(differ.expand_side(one, rows, judge))
        except SelectErrorType as exc:
            failures.append((one, exc))
            expanded.append(differ.empty(one.side))
    if len(failures) == 2:  # nothing to compare: full-sweep's own error, as at the head
        fail(str(failures[1][1]))
    for one, why in failures:  # one side matched nothing: its entries are new, or gone
        click.echo(f"note: the {one.side.role} configs ({one.side.label}): {why}; compared as no jobs", err=True)
    if base.configs and head.configs and base.configs.version != head.configs.version:
        click.echo(f"note: the base configs are {base.configs.version} and the head configs "
                   f"{head.configs.version}: their jobs print different fields, so no job is the same on both sides",
                   err=True)

    result = differ.compare(*expanded)
    scope = _scope(click.get_current_context(), format_dests("diff"))
    report = differ.markdown(result, scope)
    if fmt == "json":
        click.echo(differ.json_report(result))
    elif fmt == "markdown":
        click.echo(report, nl=False)
    else:
        try:
            plan = planning.make_plan([j.row for j in result.added], encoder(), max_jobs or planning.MAX_JOBS, slots)
            if target is not None:
                ghoutput.write_outputs(target, planning.outputs(plan))
        except (planning.PlanError, ghoutput.OutputError) as exc:
            fail(str(exc))
        report += "\n" + planning.summary(plan)
        echo_plan(plan)
    if summary:
        append_step_summary(report, requested=True)


def _rows(side: Loaded, options: dict[str, Any], strict: bool) -> list[Any]:
    """The side's rows for full-sweep's options (SelectError when they match nothing and its format
    says so). An option the side's format does not take is a usage error at the head; at the base
    (an older format) it is left out, with a note."""
    from sweepgen.formats import RequestError
    from sweepgen.rowcheck import RowError, check_rows

    if side.configs is None or side.format is None:
        return []
    fmt, configs = side.format, side.configs
    given = given_dests(click.get_current_context(), "diff")
    if not strict:
        own = {o.dest for o in fmt.options_for("diff")}
        dropped = sorted(f"--{d.replace('_', '-')}" for d in given - own)
        if dropped:
            click.echo(f"note: the {side.side.role} configs are {fmt.name}, which do not take "
                       f"{', '.join(dropped)}; left out there", err=True)
        given &= own
    request = make_request(fmt, "diff", options, given)
    try:
        fmt.check_request(request)
    except RequestError as exc:
        raise click.BadParameter(str(exc), param_hint=exc.option) from None
    rows = list(fmt.select(configs, request).rows)
    try:
        check_rows(configs.version, rows)
    except RowError as exc:
        fail(str(exc))
    return rows
