"""From a clean lint run to a format's model: the documents lint read, defaults filled, given to
the Format of their version. Never prints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import defaults
from .records import record

if TYPE_CHECKING:
    from .formats import ConfigSet, Format
    from .lint import LintResult


class LoadError(Exception):
    """Documents that cannot be expanded together; the message is one line."""


@record
class Loaded:
    """A linted document with its schema defaults filled in."""

    path: str
    kind: str
    version: str
    data: Any


def filled_documents(result: LintResult) -> list[Loaded]:
    """Every document the lint run read, defaults filled, master configs first (in order)."""
    out: list[Loaded] = []
    for kind in ("master-config", "runner-config"):
        for report in result.files:
            if report.kind != kind or report.version is None or report.path not in result.documents:
                continue
            data = result.documents[report.path].data
            out.append(Loaded(report.path, kind, report.version, defaults.fill(report.version, kind, data)))
    return out


def load(result: LintResult, runner_path_shown: str | None = None) -> tuple[Format, ConfigSet]:
    """The format and typed model of a clean lint run's documents (reusing what lint loaded)."""
    from . import formats

    documents = filled_documents(result)
    masters = [d for d in documents if d.kind == "master-config"]
    versions = sorted({d.version for d in masters}, key=lambda v: (len(v), v))
    if len(versions) > 1:
        shown = ", ".join(f"{d.path} is {d.version}" for d in masters)
        raise LoadError(f"the master configs mix schema versions ({shown}); "
                        f"`sweepgen migrate` brings them to one version")
    if not versions:
        raise LoadError("no master config among the config files")
    try:
        fmt = formats.get(versions[0])
    except KeyError:
        raise LoadError(f"the expander does not support schema version {versions[0]} yet") from None
    runner = next((d for d in documents if d.kind == "runner-config" and d.path == result.runner_config), None)
    given = (runner_path_shown or runner.path, runner.data) if runner is not None else None
    return fmt, fmt.load([(d.path, d.data) for d in masters], given)
