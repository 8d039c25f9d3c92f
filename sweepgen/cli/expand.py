"""The generators' subcommands: same flags, same JSON as the generator of each format.

Each command takes the options its formats declare for it (the union over every
format; the configs' own format decides which of them apply). Differences from the
generators, all deliberate: the configs are linted first; errors are one line
(`sweepgen: error: ...`, exit 1) in the generator's wording, never a traceback;
`--step-size` below 2 is a usage error (exit 2); the runner sweeps skip an entry
without a smoke block, with a warning.
"""

from __future__ import annotations

from typing import Any

import click

from .seed import batch_options, command, config_options, emit, format_options, run_selection

_HELP = {
    "full-sweep": """Every job of the entries that match the filters (all entries without filters).

    One job per search point and concurrency (conc-start, times --step-size, up to
    conc-end; or each value of a conc-list). A multinode search point is one job
    whose conc is the whole list. Filters are OR within one flag, AND across flags;
    --model-prefix matches the start of the entry key. Which options apply depends
    on the configs' format version (see each option's help).
    """,
    "test-config": "The jobs of chosen entries (by key), optionally on one runner node.",
    "runner-model-sweep": """One smoke job per entry that runs on --runner-type and per node of that type.

    The job is the entry's smoke block (1k1k), its first largest-tp point, at its lowest
    concurrency.
    """,
    "runner-sweep": "One smoke job per matching entry on --runner-type and per node of that type.",
    "custom": "One job from the values given (tp 8, conc 4, the schema's default ep and dp-attn).",
}


def _expanding(name: str) -> click.Command:
    def run(config_files: tuple[str, ...], runner_config: str | None, max_batch_size: int, batch_index: int | None,
            get_batch_count: bool, **options: Any) -> None:
        _, _, _, selection = run_selection(name, config_files, runner_config, options)
        emit(selection, max_batch_size, batch_index, get_batch_count)

    run.__doc__ = _HELP[name]
    made = command(name)(config_options(format_options(name)(batch_options(run))))
    made.argparse_values = True  # type: ignore[attr-defined]
    return made


full_sweep = _expanding("full-sweep")
test_config = _expanding("test-config")
runner_model_sweep = _expanding("runner-model-sweep")
runner_sweep = _expanding("runner-sweep")
custom = _expanding("custom")
