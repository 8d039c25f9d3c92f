"""`sweepgen plan`: full-sweep's entries as named matrices ready for `fromJson`."""

from __future__ import annotations

import click

from .common import append_step_summary, echo_plan, fail, github_output_target
from .seed import check_seq_lens, command, config_options, load_configs, select, sweep_filter_options


@command("plan")
@config_options
@sweep_filter_options
@click.option("--max-jobs", type=click.IntRange(min=1), default=256, show_default=True,
              help="Most jobs in one matrix (GitHub's limit is 256); larger groups are split into shards.")
@click.option("--slots", type=click.IntRange(min=1),
              help="Exactly this many shards per group (<name>-1 ... <name>-N, unused ones []); "
                   "fails when a group does not fit.")
@click.option("--github-output", is_flag=True,
              help="Also write every matrix, `names` and `total` to $GITHUB_OUTPUT.")
@click.option("--summary", is_flag=True, help="Append a table of the matrices to $GITHUB_STEP_SUMMARY.")
def plan(config_files: tuple[str, ...], runner_config: str | None, model_prefix: tuple[str, ...],
         precision: tuple[str, ...], framework: tuple[str, ...], runner_type: tuple[str, ...],
         seq_lens: tuple[str, ...], step_size: int, test_mode: bool, single_node: bool, multi_node: bool,
         max_jobs: int, slots: int | None, github_output: bool, summary: bool) -> None:
    """One matrix per sequence length and model-prefix, each at most --max-jobs jobs.

    Prints one JSON object, matrix name -> list of entries; together the matrices
    are exactly full-sweep's output with the same filters. Names are
    `<seq-len>-<model-prefix>` (`1k1k-dsr1`), `<seq-len>-<model-prefix>-multinode`
    for multinode jobs, sharded `<name>-1`, `<name>-2`, ... when a group has more
    than --max-jobs jobs. Outside GitHub Actions (no $GITHUB_OUTPUT or
    $GITHUB_STEP_SUMMARY), --github-output and --summary say so on stderr and the
    plan is still printed.
    """

    from sweepgen import expand, ghoutput
    from sweepgen import plan as planning

    target = github_output_target(github_output)
    configs, lint_result = load_configs(config_files, runner_config)
    check_seq_lens(configs, seq_lens)
    filters = expand.Filters(model_prefix, precision, framework, runner_type, seq_lens, single_node, multi_node)
    selection = select(configs, lint_result, lambda: expand.full_sweep(configs, filters, step_size, test_mode))
    names: dict[tuple[int, int], str] = {}
    seq_names = [names.get((job.isl, job.osl)) or names.setdefault(
        (job.isl, job.osl), expand.seq_len_name(configs.version, job.isl, job.osl)) for job in selection.jobs]
    try:
        encode = expand.encoder(configs.version, selection.shape)
        jobs = list(selection.jobs)
        del selection  # make_plan frees the jobs group by group
        result = planning.make_plan(jobs, encode, seq_names, max_jobs, slots)
        if target is not None:
            ghoutput.write_outputs(target, planning.outputs(result))
    except (planning.PlanError, ghoutput.OutputError) as exc:
        fail(str(exc))
    if summary:
        append_step_summary(planning.summary(result), requested=True)
    echo_plan(result)
