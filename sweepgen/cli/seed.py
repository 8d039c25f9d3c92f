"""The seed generator's command-line conventions, shared by the expanding commands.

- Multi-value flags take space-separated values (`--config-files a.yaml b.yaml`), as
  argparse's nargs='+' did (common.SpacedOption).
- Configs default to the repository's `configs/`; they are linted before anything
  is expanded and an invalid config stops with the lint report.
- `--max-batch-size`, `--batch-index` and `--get-batch-count` slice the output.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

import click

from .common import SpacedCommand, SpacedOption, fail, lint_or_stop

if TYPE_CHECKING:
    from sweepgen.expand import Selection, Skipped
    from sweepgen.lint import LintResult
    from sweepgen.model import ConfigSet

F = TypeVar("F", bound=Callable[..., Any])


def command(name: str) -> Callable[[F], click.Command]:
    return click.command(name, cls=SpacedCommand)


def config_options(f: F) -> F:
    f = click.option("--runner-config", help="Runner config (default: runners.yaml beside the first config file, "
                     "else the repository's).")(f)
    f = click.option("--config-files", cls=SpacedOption,
                     help="Master config files, space-separated (default: the repository's configs/).")(f)
    return f


def batch_options(f: F) -> F:
    f = click.option("--get-batch-count", is_flag=True, help="Print only the number of batches.")(f)
    f = click.option("--batch-index", type=int, help="Print only this batch (0-based).")(f)
    f = click.option("--max-batch-size", type=click.IntRange(min=1), default=256, show_default=True,
                     help="Entries per batch (GitHub's matrix limit is 256).")(f)
    return f


def step_option(f: F) -> F:
    return click.option("--step-size", type=click.IntRange(min=2), default=2, show_default=True,
                        help="Concurrency multiplier between conc-start and conc-end (at least 2).")(f)


def sweep_filter_options(f: F) -> F:
    """full-sweep's filters, also taken by `plan`."""
    f = click.option("--multi-node", is_flag=True,
                     help="Multinode entries (one job per search point, serving all its concurrencies).")(f)
    f = click.option("--single-node", is_flag=True,
                     help="Single-node entries (one job per concurrency). Neither flag: both, single-node first.")(f)
    f = click.option("--test-mode", is_flag=True,
                     help="One job per sequence-length block: its first largest-tp point at conc-start.")(f)
    f = step_option(f)
    f = click.option("--seq-lens", cls=SpacedOption, help="Sequence lengths to include (1k1k 1k8k 8k1k).")(f)
    f = click.option("--runner-type", cls=SpacedOption, help="Entries whose runner is one of these runner types.")(f)
    f = click.option("--framework", cls=SpacedOption, help="Entries with one of these frameworks.")(f)
    f = click.option("--precision", cls=SpacedOption, help="Entries with one of these precisions.")(f)
    f = click.option("--model-prefix", cls=SpacedOption, help="Entries whose key starts with one of these.")(f)
    return f


def lint_configs(config_files: tuple[str, ...], runner_config: str | None) -> LintResult:
    """Lint the named configs (the repository's by default); stop with the report on errors."""
    from sweepgen.discovery import DiscoveryError, default_master_configs, expand_paths

    for name in config_files:
        if not Path(name).exists():
            fail(f"Input file '{name}' does not exist.")
    if runner_config is not None and not Path(runner_config).is_file():
        fail(f"Runner config file '{runner_config}' does not exist.")
    try:
        files = expand_paths(list(config_files)) if config_files else default_master_configs()
    except DiscoveryError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot read the config files: {exc.strerror or exc}")
    if not files:
        fail("no config files found in " + ", ".join(config_files))
    result: LintResult = lint_or_stop(files, runner_config)
    refuse_repeated_files(config_files, result)
    return result


def refuse_repeated_files(names: tuple[str, ...], result: LintResult) -> None:
    """A file named twice in --config-files would define its entries twice: the seed refused
    that with its duplicate-keys error, and so do we (lint reads each file once)."""
    from sweepgen.lint import display_path

    first: dict[Path, Path] = {}
    for name in names:
        path = Path(name)
        if path.is_dir():
            continue
        seen = first.setdefault(path.resolve(), path)
        doc = result.documents.get(display_path(seen)) if seen is not path else None
        if doc is not None and isinstance(doc.data, dict):
            fail(f"Duplicate configuration keys found in '{name}': {', '.join(sorted(map(str, doc.data)))}")


def load_configs(config_files: tuple[str, ...], runner_config: str | None,
                 needs_runner: str | None = None) -> tuple[ConfigSet, LintResult]:
    """Lint the configs, then build the model from the documents lint loaded.

    needs_runner names what requires a runner config, when one is required.
    """
    from sweepgen.expand import ExpandError, load

    result = lint_configs(config_files, runner_config)
    try:
        configs = load(result, runner_config)
    except ExpandError as exc:
        fail(str(exc))
    for doc in result.documents.values():
        doc.data = None  # the model holds what expansion needs; positions come from the text
    if needs_runner and configs.runners is None:
        fail(f"{needs_runner} needs a runner config: none was found; give --runner-config")
    return configs, result


def check_seq_lens(configs: ConfigSet, names: tuple[str, ...]) -> None:
    from sweepgen.expand import seq_lens

    known = seq_lens(configs.version)
    bad = [n for n in names if n not in known]
    if bad:
        raise click.BadParameter(f"invalid choice: {bad[0]}. (choose from {', '.join(known)})",
                                 param_hint="'--seq-lens'")


def report_skipped(skipped_entries: tuple[Skipped, ...], result: LintResult) -> None:
    for skipped in skipped_entries:
        doc = result.documents.get(skipped.entry.source)
        key_node = doc.node_at((skipped.entry.key,))[0] if doc is not None else None
        if doc is not None and key_node is not None:
            line, col = doc.position(key_node.start)
            click.echo(f"{skipped.entry.source}:{line}:{col}: warning: {skipped.reason}", err=True)
        else:
            click.echo(f"{skipped.entry.source}: warning: {skipped.reason}", err=True)


def select(configs: ConfigSet, result: LintResult, choose: Callable[[], Selection]) -> Selection:
    """Run a selection and validate what it prints, warning about skipped entries; the
    seed's wording on one line for anything it cannot do."""
    from sweepgen.expand import ExpandError, check_rendered

    try:
        selection = choose()
        report_skipped(selection.skipped, result)
        check_rendered(selection, configs.version)
        return selection
    except ExpandError as exc:
        report_skipped(exc.skipped, result)
        fail(str(exc))


def emit(configs: ConfigSet, result: LintResult, choose: Callable[[], Selection], max_batch_size: int,
         batch_index: int | None, get_batch_count: bool) -> None:
    """Print the selection as one line of JSON, as the seed did; written in pieces."""
    from sweepgen.expand import iter_json

    selection = select(configs, result, choose)
    batches = math.ceil(len(selection.jobs) / max_batch_size)
    if get_batch_count:
        click.echo(batches)
        return
    start, stop = 0, None
    if batch_index is not None:
        if not 0 <= batch_index < batches:
            raise click.UsageError(f"Invalid batch-index {batch_index}. Valid range is 0 to {batches - 1}")
        start, stop = batch_index * max_batch_size, (batch_index + 1) * max_batch_size
    for piece in iter_json(selection, configs.version, start, stop):
        click.echo(piece, nl=False)
    click.echo()
