"""runner-label (warning): an entry's runner that is not a label of runners.yaml. The generator
prints the runner as written, and real configs name nodes and clusters there at every revision
(FORMAT-v3 3.3), so this is a warning that says what the name is: a node of some label, the
name of a `cluster:` label, or unknown. Skipped when no runner config was read.
"""

from __future__ import annotations

from typing import Iterator

from sweepgen.formats.base import Finding, PythonRule, RuleContext
from sweepgen.lint.registry import WARNING, RuleInfo

from .walk import entries, file_name, hardware_of, labels_of

CLUSTER = "cluster:"


def describe(runner: str, labels: dict[str, list[str]], hardware: dict[str, object], source: str) -> str:
    head = f"runner '{runner}' is not a label in {source}"
    under = [label for label, nodes in labels.items() if runner in nodes]
    if under:
        return f"{head}: it is a node of {', '.join(repr(u) for u in under)} (jobs run on that node as written)"
    if not runner.startswith(CLUSTER) and CLUSTER + runner in labels:
        return (f"{head}: it is the label '{CLUSTER}{runner}' without its '{CLUSTER}' prefix "
                f"(jobs run on '{runner}' as written)")
    if runner.startswith(CLUSTER):
        also = " (it has a hardware entry)" if runner in hardware else ""
        return f"{head}: a cluster name that no label declares{also}; jobs run on '{runner}' as written"
    if CLUSTER + runner in hardware:
        return (f"{head}: it is the name of cluster '{CLUSTER}{runner}', which has a hardware entry but no label; "
                f"jobs run on '{runner}' as written")
    return f"{head}, nor a node of one: unknown; jobs run on '{runner}' as written"


def check(ctx: RuleContext) -> Iterator[Finding]:
    labels = labels_of(ctx.runner)
    if labels is None:
        return
    hardware = hardware_of(ctx.runner) or {}
    for key, entry in entries(ctx.data):
        runner = entry.get("runner")
        if isinstance(runner, str) and runner not in labels:
            yield Finding(RULE.info.id, (key, "runner"), describe(runner, labels, hardware, file_name(ctx.runner_path)),
                          level=WARNING)


RULE = PythonRule(RuleInfo("runner-label", WARNING,
                           "an entry's runner that is not a label of the runner config (a node, a cluster name, or "
                           "unknown)"), check)
