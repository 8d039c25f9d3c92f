"""The `sweepgen` command line. Only this package imports click.

Subcommands live in their own modules and are imported only when run, so that
`sweepgen --help` and each command pay only for what they use.
"""

from __future__ import annotations

import gc
import os
import importlib
import importlib.util
import sys
from typing import Any

import click

from sweepgen import __version__

# command name -> (module under sweepgen.cli, attribute, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "lint": ("lint", "lint", "Check master and runner configs against the schema, with positions."),
    "full-sweep": ("expand", "full_sweep", "Every job of the matching entries (seed-compatible)."),
    "test-config": ("expand", "test_config", "The jobs of one entry key (seed-compatible)."),
    "runner-model-sweep": ("expand", "runner_model_sweep", "One smoke job per entry and node of a runner type."),
    "runner-sweep": ("expand", "runner_sweep", "One smoke job per node for a model prefix on a runner type."),
    "custom": ("expand", "custom", "One hand-specified job (seed-compatible)."),
    "plan": ("plan", "plan", "Per sequence length and model matrices, each under the job limit."),
    "export": ("export", "export", "The validated configs with every schema default filled in."),
    "bump-image": ("edit", "bump_image", "Change entries' images, byte-exact."),
    "set": ("edit", "set_value", "Change any scalar of a config, byte-exact."),
    "diff": ("diff", "diff", "The jobs a change adds, removes or alters."),
    "migrate": ("migrate", "migrate", "Upgrade master configs to a newer schema version, byte-exact."),
}


def _available(name: str) -> bool:
    module = COMMANDS[name][0]
    return importlib.util.find_spec(f"sweepgen.cli.{module}") is not None


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if _available(name)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or not _available(cmd_name):
            return None
        module, attr, _ = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(f"sweepgen.cli.{module}"), attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sweepgen")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Schemas, linter, matrix expander and byte-exact editor for benchmark master configs.

    Defaults of the flags you repeat can be set in pyproject.toml, [tool.sweepgen]: paths,
    runner-config, strict, format, schema-version, max-jobs (flags win).
    """
    from sweepgen import settings

    path = settings.find()
    if path is None:
        return
    try:
        found = settings.load(path)
    except settings.SettingsError as exc:
        click.echo(f"sweepgen: error: {exc}", err=True)
        sys.exit(2)
    if found:
        ctx.default_map = settings.default_map(found)


def main(argv: list[str] | None = None) -> Any:
    # A short-lived process that builds many small acyclic objects (nodes, entries): the
    # cyclic collector would only rescan them; collect rarely instead.
    gc.set_threshold(200_000, 50, 100)
    code: Any = 0
    try:
        cli.main(args=argv, prog_name="sweepgen")
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt:  # pragma: no cover
        click.echo("interrupted", err=True)
        sys.exit(130)
    except OSError as exc:  # an output that cannot be written (a full disk); click handles a closed pipe
        sys.exit(_output_failed(exc))
    try:
        sys.stdout.flush()  # here, not at exit, where a failure would be a traceback
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(1)
    except OSError as exc:
        sys.exit(_output_failed(exc))
    if argv is None:  # the process's own command line (the console script, python -m sweepgen)
        _exit(code)
    sys.exit(code)  # called in-process (sweepgen.ghaction): the caller goes on


def _exit(code: Any) -> None:
    """End the whole process as sys.exit(code) would, without freeing every object first: the configs,
    rows and schemas of a large run take the interpreter tens of milliseconds to tear down, for
    nothing. Everything is written and flushed by now (files are written atomically and closed
    by their own code; scratch folders are removed by their context managers)."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): the message on stderr, status 1
        click.echo(str(code), err=True)
        status = 1
    try:
        sys.stderr.flush()
    except OSError:
        pass
    os._exit(status & 0xFF)  # as the operating system reads sys.exit's status


def _silence_stdout() -> None:
    """Send what is left of stdout nowhere, so that the interpreter's last flush cannot fail."""
    sys.stdout = open(os.devnull, "w")


def _output_failed(exc: OSError) -> int:
    _silence_stdout()
    where = f" ({exc.filename})" if exc.filename else ""
    what = "cannot write the output" if exc.filename is None else "cannot read or write a file"
    click.echo(f"sweepgen: error: {what}{where}: {exc.strerror or exc}", err=True)
    return 1
