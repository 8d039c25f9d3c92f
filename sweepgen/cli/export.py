"""`sweepgen export`: the validated configs with every schema default filled in."""

from __future__ import annotations

import io
import json
from typing import Any

import click

from .seed import command, config_options, lint_configs


def _yaml(payload: Any) -> str:
    from ruamel.yaml import YAML

    from sweepgen.yamlsource import YAML11_BOOLS

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]  # keep the files' order
    yaml.width = 1 << 16  # never fold a long image name

    def string(representer: Any, value: str) -> Any:
        # 'yes' is a string to YAML 1.2 but a boolean to YAML 1.1 readers: quote it for them
        style = "'" if value in YAML11_BOOLS else None
        return representer.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    yaml.representer.add_representer(str, string)
    out = io.StringIO()
    yaml.dump(payload, out)
    return out.getvalue()


@command("export")
@config_options
@click.option("--format", "fmt", type=click.Choice(["json", "yaml"]), default="json", show_default=True)
def export(config_files: tuple[str, ...], runner_config: str | None, fmt: str) -> None:
    """Print the validated configs with every schema default filled in: what the expander reads.

    One mapping, file path -> document: the master configs in the order given, then
    the runner config (when one is given or found). Invalid configs stop with the
    lint report, as every expanding command does.
    """
    from sweepgen.load import filled_documents

    result = lint_configs(config_files, runner_config)
    payload = {d.path: d.data for d in filled_documents(result)}
    click.echo(json.dumps(payload, indent=2) if fmt == "json" else _yaml(payload), nl=fmt == "json")
