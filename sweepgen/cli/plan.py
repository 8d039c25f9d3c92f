"""`sweepgen plan`: full-sweep's entries as named matrices ready for `fromJson`."""

from __future__ import annotations

from typing import Any

import click

from .common import append_step_summary, echo_plan, fail, github_output_target
from .seed import command, config_options, format_options, run_selection


@command("plan")
@config_options
@format_options("plan")
@click.option("--max-jobs", type=click.IntRange(min=1), default=256, show_default=True,
              help="Most jobs in one matrix (GitHub's limit is 256); larger groups are split into shards.")
@click.option("--slots", type=click.IntRange(min=1),
              help="Exactly this many shards per group (<name>-1 ... <name>-N, unused ones []); "
                   "fails when a group does not fit.")
@click.option("--github-output", is_flag=True,
              help="Also write every matrix, `names` and `total` to $GITHUB_OUTPUT.")
@click.option("--summary", is_flag=True, help="Append a table of the matrices to $GITHUB_STEP_SUMMARY.")
def plan(config_files: tuple[str, ...], runner_config: str | None, max_jobs: int, slots: int | None,
         github_output: bool, summary: bool, **options: Any) -> None:
    """One matrix per plan group (sequence length or scenario, model-prefix, kind), each at most
    --max-jobs jobs.

    Prints one JSON object, matrix name -> list of entries; together the matrices
    are exactly full-sweep's output with the same filters. Names are
    `<seq-len>-<model-prefix>` (`1k1k-dsr1`), `<seq-len>-<model-prefix>-multinode`
    for multinode jobs, sharded `<name>-1`, `<name>-2`, ... when a group has more
    than --max-jobs jobs. Outside GitHub Actions (no $GITHUB_OUTPUT or
    $GITHUB_STEP_SUMMARY), --github-output and --summary say so on stderr and the
    plan is still printed.
    """
    from sweepgen import ghoutput
    from sweepgen import plan as planning
    from sweepgen.render import encoder

    target = github_output_target(github_output)
    _, _, _, selection = run_selection("plan", config_files, runner_config, options)
    try:
        rows = list(selection.rows)
        del selection  # make_plan frees the rows group by group
        result = planning.make_plan(rows, encoder(), max_jobs, slots)
        if target is not None:
            ghoutput.write_outputs(target, planning.outputs(result))
    except (planning.PlanError, ghoutput.OutputError) as exc:
        fail(str(exc))
    if summary:
        append_step_summary(planning.summary(result), requested=True)
    echo_plan(result)
