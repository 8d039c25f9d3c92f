"""dram-hardware (G1): a point with `kv-offloading: dram` sizes its DRAM budget from
runners.yaml `hardware[<entry runner>]` (available-cpu-dram-mib, gpus-per-node); without that
entry the generator stops (FORMAT-v3 2.7, 4.6). Reported at the point's kv-offloading. Skipped
when no runner config was read.
"""

from __future__ import annotations

from typing import Iterator

from sweepgen.formats.base import Finding, PythonRule, RuleContext
from sweepgen.lint.registry import ERROR, RuleInfo

from .walk import AGENTIC, file_name, hardware_of, points

FIELDS = ("available-cpu-dram-mib", "gpus-per-node")


def check(ctx: RuleContext) -> Iterator[Finding]:
    hardware = hardware_of(ctx.runner)
    if hardware is None:
        return
    for point in points(ctx.data, (AGENTIC,)):
        runner = point.entry.get("runner")
        if point.data.get("kv-offloading") != "dram" or not isinstance(runner, str):
            continue
        facts = hardware.get(runner)
        missing = [f for f in FIELDS if not isinstance(facts, dict) or f not in facts]
        if not missing:
            continue
        known = ", ".join(sorted(hardware)) or "none"
        what = f"hardware['{runner}'] ({', '.join(repr(f) for f in FIELDS)})" if not isinstance(facts, dict) \
            else f"{' and '.join(repr(f) for f in missing)} in hardware['{runner}']"
        yield Finding(RULE.info.id, (*point.path, "kv-offloading"),
                      f"kv-offloading: dram needs {what} in {file_name(ctx.runner_path)} to size the DRAM budget "
                      f"(hardware is declared for: {known})")


RULE = PythonRule(RuleInfo("dram-hardware", ERROR,
                           "a kv-offloading: dram point whose runner has no hardware entry in the runner config"),
                  check)
