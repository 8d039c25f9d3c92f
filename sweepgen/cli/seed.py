"""The generators' command-line conventions, shared by the expanding commands.

- Multi-value flags take space-separated values (`--config-files a.yaml b.yaml`), as
  argparse's nargs='+' did (common.SpacedOption).
- Configs default to the repository's `configs/`; they are linted before anything
  is expanded and an invalid config stops with the lint report.
- The options of a command are those the formats declare for it (`formats.Option`),
  all of them; once the configs are read, the ones their format does not take are
  usage errors, and the format's required ones must be there.
- `--max-batch-size`, `--batch-index` and `--get-batch-count` slice the output.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

import click

from .common import SpacedCommand, SpacedOption, fail, lint_or_stop

if TYPE_CHECKING:
    from sweepgen.formats import ConfigSet, Format, Option, Request, Selection, Skipped
    from sweepgen.lint import LintResult

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


# ---------------------------------------------------------------- options from the formats' specs

def _merged(command_name: str) -> list[tuple[Option, tuple[str, ...]]]:
    """Each option some format declares for the command (the newest format's definition), with
    the formats that take it, in declaration order."""
    from sweepgen import formats

    merged: dict[str, tuple[Option, list[str]]] = {}
    for fmt in formats.all_formats():
        for option in fmt.options_for(command_name):
            seen = merged.get(option.flag)
            if seen is not None and seen[0].kind != option.kind:
                raise ValueError(f"{command_name} {option.flag}: formats disagree on its kind")
            if seen is not None and option.completes is None and seen[0].completes is not None:
                option = replace(option, completes=seen[0].completes)
            merged[option.flag] = (option, [*(seen[1] if seen else []), fmt.name])
    return [(option, tuple(names)) for option, names in merged.values()]


def complete_entry_keys(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion: the entry keys of the configs the command line names (else the
    repository's) that start with what was typed. Never fails: a broken file completes nothing."""
    from sweepgen.discovery import default_master_configs, expand_paths, is_runner_config
    from sweepgen.yamlsource import load_path

    try:
        named = ctx.params.get("config_files") or ctx.params.get("config_file_names") or ()
        files = expand_paths(list(named)) if named else default_master_configs()
        keys: list[str] = []
        for path in files:
            if not is_runner_config(path):
                data = load_path(path).data
                if isinstance(data, dict):
                    keys.extend(str(k) for k in data)
        return [k for k in dict.fromkeys(keys) if k.startswith(incomplete)]
    except Exception:  # noqa: BLE001 - completion must never break the shell
        return []


_COMPLETIONS = {"entry-key": complete_entry_keys}


def _click_option(option: Option, taken_by: tuple[str, ...], every: tuple[str, ...]) -> click.Option:
    help_text = option.help
    if taken_by != every:
        help_text += f" ({', '.join(taken_by)} configs.)"
    choice: click.ParamType | None = click.Choice(option.choices) if option.choices else None
    extra: dict[str, Any] = {}
    if option.completes is not None:
        extra["shell_complete"] = _COMPLETIONS[option.completes]
    if option.kind == "flag":
        return click.Option([option.flag], is_flag=True, default=False, help=help_text)
    if option.kind == "values":
        return SpacedOption([option.flag], type=choice, help=help_text, **extra)
    if option.kind == "ints":
        return SpacedOption([option.flag], type=int, help=help_text)
    if option.kind == "int":
        kind = click.IntRange(min=option.minimum) if option.minimum is not None else click.INT
        return click.Option([option.flag], type=kind, default=option.default, show_default=option.default is not None,
                            help=help_text)
    return click.Option([option.flag], type=choice, default=option.default, help=help_text, metavar=option.metavar,
                        **extra)


def format_options(command_name: str) -> Callable[[F], F]:
    """Decorate a command with every option the formats declare for it."""
    from sweepgen import formats

    every = formats.names()

    def decorate(f: F) -> F:
        params = getattr(f, "__click_params__", [])
        for option, taken_by in reversed(_merged(command_name)):
            params.append(_click_option(option, taken_by, every))
        f.__click_params__ = params  # type: ignore[attr-defined]
        return f
    return decorate


def format_dests(command_name: str) -> set[str]:
    return {option.dest for option, _ in _merged(command_name)}


def make_request(fmt: Format, command_name: str, values: dict[str, Any], given: set[str] | None = None) -> Request:
    """The request of a command line to the configs' format: an option the format does not take
    is a usage error if given, and the format's required options must be there. given: the
    dests given on the command line (default: those the current click context says were)."""
    from sweepgen.formats import Request

    ctx = click.get_current_context()
    if given is None:
        given = given_dests(ctx, command_name)
    own = {option.dest: option for option in fmt.options_for(command_name)}
    for option, _ in _merged(command_name):
        if option.dest in given and option.dest not in own:
            raise click.UsageError(f"{option.flag} does not apply to {fmt.name} configs", ctx)
    for option in own.values():
        if command_name in option.required_in and option.dest not in given:
            raise click.UsageError(f"Missing option '{option.flag}' ({fmt.name} configs).", ctx)
        for other in option.excludes:
            if option.dest in given and other.lstrip("-").replace("-", "_") in given:
                raise click.UsageError(f"{option.flag} and {other} exclude each other", ctx)
    chosen = {dest: values.get(dest, option.default) for dest, option in own.items()}
    return Request(command_name, chosen, frozenset(given & own.keys()))


def given_dests(ctx: click.Context, command_name: str) -> set[str]:
    """The format options of the command that the command line gave."""
    out = set()
    for option, _ in _merged(command_name):
        source = ctx.get_parameter_source(option.dest)
        if source is not None and source.name != "DEFAULT":
            out.add(option.dest)
    return out


# ---------------------------------------------------------------- configs

def lint_configs(config_files: tuple[str, ...], runner_config: str | None,
                 before_stop: Callable[[LintResult], None] | None = None) -> LintResult:
    """Lint the named configs (the repository's by default); stop with the report on errors
    (before_stop: run on the result before its report or warnings are printed)."""
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
    result: LintResult = lint_or_stop(files, runner_config, before_stop=before_stop)
    refuse_repeated_files(config_files, result)
    return result


def refuse_repeated_files(names: tuple[str, ...], result: LintResult) -> None:
    """A file named twice in --config-files would define its entries twice: the generators refused
    that with their duplicate-keys error, and so do we (lint reads each file once)."""
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
                 before_stop: Callable[[LintResult], None] | None = None) -> tuple[Format, ConfigSet, LintResult]:
    """Lint the configs, then build their format's model from the documents lint loaded."""
    from sweepgen.load import LoadError, load

    result = lint_configs(config_files, runner_config, before_stop)
    try:
        fmt, configs = load(result, runner_config)
    except LoadError as exc:
        fail(str(exc))
    for doc in result.documents.values():
        doc.data = None  # the model holds what expansion needs; positions come from the text
    if fmt.runner_required and configs.runners is None:  # a given one that is missing failed in lint_configs
        fail(f"no runner config found (runners.yaml beside the configs, or in the repository's configs/); "
             f"{fmt.name} configs are expanded with their runner config: give --runner-config")
    return fmt, configs, result


def report_skipped(skipped_entries: tuple[Skipped, ...], result: LintResult) -> None:
    for skipped in skipped_entries:
        doc = result.documents.get(skipped.source)
        key_node = doc.node_at((skipped.key,))[0] if doc is not None else None
        if doc is not None and key_node is not None:
            line, col = doc.position(key_node.start)
            click.echo(f"{skipped.source}:{line}:{col}: warning: {skipped.reason}", err=True)
        else:
            click.echo(f"{skipped.source}: warning: {skipped.reason}", err=True)


def select(fmt: Format, configs: ConfigSet, result: LintResult, request: Request) -> Selection:
    """Run a selection and validate what it prints, warning about skipped entries; the
    generator's wording on one line for anything it cannot do."""
    from sweepgen.formats import RequestError, SelectError
    from sweepgen.rowcheck import RowError, check_rows

    try:
        fmt.check_request(request)
        selection = fmt.select(configs, request)
        report_skipped(selection.skipped, result)
        check_rows(configs.version, selection.rows)
        return selection
    except RequestError as exc:
        raise click.BadParameter(str(exc), param_hint=exc.option) from None
    except SelectError as exc:
        report_skipped(exc.skipped, result)
        fail(str(exc))
    except RowError as exc:
        fail(str(exc))


def run_selection(command_name: str, config_files: tuple[str, ...], runner_config: str | None,
                  options: dict[str, Any]) -> tuple[Format, ConfigSet, LintResult, Selection]:
    """Lint and load the configs, make the request of the command line, select its rows. Configs
    of one format get the command line checked first: a usage error, as the generators' argparse
    gave it, comes before the lint report and its warnings."""
    def usage_first(result: LintResult) -> None:
        from sweepgen.formats import RequestError, get

        versions = {r.version for r in result.files if r.kind == "master-config" and r.version is not None}
        if len(versions) == 1:
            fmt = get(versions.pop())
            try:
                fmt.check_request(make_request(fmt, command_name, options))
            except RequestError as exc:
                raise click.BadParameter(str(exc), param_hint=exc.option) from None

    fmt, configs, result = load_configs(config_files, runner_config, usage_first)
    request = make_request(fmt, command_name, options)
    return fmt, configs, result, select(fmt, configs, result, request)


def emit(selection: Selection, max_batch_size: int, batch_index: int | None, get_batch_count: bool) -> None:
    """Print the selection as one line of JSON, as the generators did; written in pieces."""
    from sweepgen.render import iter_json

    rows = selection.rows
    batches = math.ceil(len(rows) / max_batch_size)
    if get_batch_count:
        click.echo(batches)
        return
    start, stop = 0, None
    if batch_index is not None:
        if not 0 <= batch_index < batches:
            raise click.UsageError(f"Invalid batch-index {batch_index}. Valid range is 0 to {batches - 1}")
        start, stop = batch_index * max_batch_size, (batch_index + 1) * max_batch_size
    for piece in iter_json(rows, start, stop):
        click.echo(piece, nl=False)
    click.echo()

