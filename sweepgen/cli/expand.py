"""The seed generator's five subcommands: same flags, same JSON for a v1 config.

Differences, all deliberate: the configs are linted first; errors are one line
(`sweepgen: error: ...`, exit 1) in the seed's wording, never a traceback;
`--step-size` below 2 is a usage error (exit 2); the runner sweeps skip an entry
without a 1k1k block, with a warning.
"""

from __future__ import annotations

import click

from .seed import SpacedOption, batch_options, check_seq_lens, command, config_options, emit, load_configs, \
    step_option, sweep_filter_options


@command("full-sweep")
@config_options
@sweep_filter_options
@batch_options
def full_sweep(config_files: tuple[str, ...], runner_config: str | None, model_prefix: tuple[str, ...],
               precision: tuple[str, ...], framework: tuple[str, ...], runner_type: tuple[str, ...],
               seq_lens: tuple[str, ...], step_size: int, test_mode: bool, single_node: bool, multi_node: bool,
               max_batch_size: int, batch_index: int | None, get_batch_count: bool) -> None:
    """Every job of the entries that match the filters (all entries without filters).

    One job per search point and concurrency (conc-start, times --step-size, up to
    conc-end; or each value of a conc-list). A multinode search point is one job
    whose conc is the whole list. Filters are OR within one flag, AND across flags;
    --model-prefix matches the start of the entry key. A runner config is needed
    only with --runner-type.
    """
    from sweepgen import expand

    configs, result = load_configs(config_files, runner_config)
    check_seq_lens(configs, seq_lens)
    filters = expand.Filters(model_prefix, precision, framework, runner_type, seq_lens, single_node, multi_node)
    emit(configs, result, lambda: expand.full_sweep(configs, filters, step_size, test_mode),
         max_batch_size, batch_index, get_batch_count)


@command("test-config")
@config_options
@click.option("--key", required=True, help="The entry key to run.")
@click.option("--runner-node", help="Run on this node of the entry's runner type.")
@click.option("--seq-lens", cls=SpacedOption, help="Sequence lengths to include (1k1k 1k8k 8k1k).")
@step_option
@click.option("--test-mode", is_flag=True, help="One job per search point, at its conc-start.")
@batch_options
def test_config(config_files: tuple[str, ...], runner_config: str | None, key: str, runner_node: str | None,
                seq_lens: tuple[str, ...], step_size: int, test_mode: bool, max_batch_size: int,
                batch_index: int | None, get_batch_count: bool) -> None:
    """The jobs of one entry, optionally on one runner node."""
    from sweepgen import expand

    configs, result = load_configs(config_files, runner_config, "test-config --runner-node" if runner_node else None)
    check_seq_lens(configs, seq_lens)
    emit(configs, result, lambda: expand.test_config(configs, key, runner_node, seq_lens, step_size, test_mode),
         max_batch_size, batch_index, get_batch_count)


@command("runner-model-sweep")
@config_options
@click.option("--runner-type", required=True, help="The runner type whose nodes to test.")
@click.option("--runner-node-filter", help="Only the nodes whose name contains this.")
@batch_options
def runner_model_sweep(config_files: tuple[str, ...], runner_config: str | None, runner_type: str,
                       runner_node_filter: str | None, max_batch_size: int, batch_index: int | None,
                       get_batch_count: bool) -> None:
    """One smoke job per entry that runs on --runner-type and per node of that type.

    The job is the entry's 1k1k block, its first largest-tp point, at conc-start.
    """
    from sweepgen import expand

    configs, result = load_configs(config_files, runner_config, "runner-model-sweep")
    emit(configs, result, lambda: expand.runner_model_sweep(configs, runner_type, runner_node_filter),
         max_batch_size, batch_index, get_batch_count)


@command("runner-sweep")
@config_options
@click.option("--runner-type", required=True, help="The runner type whose nodes to test.")
@click.option("--model-prefix", required=True, help="Entries whose key starts with this.")
@click.option("--precision", help="Only entries with this precision.")
@click.option("--framework", help="Only entries with this framework.")
@batch_options
def runner_sweep(config_files: tuple[str, ...], runner_config: str | None, runner_type: str, model_prefix: str,
                 precision: str | None, framework: str | None, max_batch_size: int, batch_index: int | None,
                 get_batch_count: bool) -> None:
    """One smoke job per matching entry on --runner-type and per node of that type."""
    from sweepgen import expand

    configs, result = load_configs(config_files, runner_config, "runner-sweep")
    emit(configs, result, lambda: expand.runner_sweep(configs, runner_type, model_prefix, precision, framework),
         max_batch_size, batch_index, get_batch_count)


@command("custom")
@config_options
@click.option("--runner-label", required=True, help="A runner type or runner node of the runner config.")
@click.option("--image", required=True, help="Container image.")
@click.option("--model", required=True, help="Model name or path.")
@click.option("--framework", required=True, help="Framework (sglang, trt, vllm, ...).")
@click.option("--precision", required=True, help="Precision (fp4, fp8, ...).")
@click.option("--exp-name", required=True, help="Experiment name.")
@click.option("--model-prefix", help="Model prefix (v2 jobs carry one; required with v2 configs).")
@batch_options
def custom(config_files: tuple[str, ...], runner_config: str | None, runner_label: str, image: str, model: str,
           framework: str, precision: str, exp_name: str, model_prefix: str | None, max_batch_size: int,
           batch_index: int | None, get_batch_count: bool) -> None:
    """One 1k1k job from the values given (tp 8, conc 4, the schema's default ep and dp-attn)."""
    from sweepgen import expand
    from sweepgen.model import Custom

    configs, result = load_configs(config_files, runner_config, "custom")
    what = Custom(image=image, model=model, precision=precision, framework=framework, model_prefix=model_prefix)
    emit(configs, result, lambda: expand.custom(configs, runner_label, what, exp_name),
         max_batch_size, batch_index, get_batch_count)
