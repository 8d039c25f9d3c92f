"""gpu-fit (G2, G3): the GPUs a `kv-offloading: dram` point's server replica uses must fit its
runner's nodes (hardware[<runner>].gpus-per-node), or the DRAM budget cannot be sized
(FORMAT-v3 4.6): a single-node-shaped point's tp * pp * pcp-size must not exceed a node (at the
point); a multinode-shaped point's prefill replica must fill whole nodes or tile one (at prefill).
The arithmetic is the expansion's own (`formats/v3/dram.py`).
"""

from __future__ import annotations

from typing import Any, Iterator

from sweepgen.formats.base import Finding, PythonRule, RuleContext
from sweepgen.lint.registry import ERROR, RuleInfo

from ..dram import replica_problem, single_node_problem
from .walk import AGENTIC, hardware_of, is_int, points, shape


def _sizes(mapping: dict[str, Any]) -> tuple[int, int, int] | None:
    tp, pp, pcp = mapping.get("tp"), mapping.get("pp", 1), mapping.get("pcp-size", 1)
    if is_int(tp) and is_int(pp) and is_int(pcp) and min(tp, pp, pcp) > 0:
        return tp, pp, pcp
    return None


def check(ctx: RuleContext) -> Iterator[Finding]:
    hardware = hardware_of(ctx.runner)
    if not hardware:
        return
    for point in points(ctx.data, (AGENTIC,)):
        runner = point.entry.get("runner")
        if point.data.get("kv-offloading") != "dram" or not isinstance(runner, str):
            continue
        facts = hardware.get(runner)
        if not isinstance(facts, dict):
            continue
        per_node = facts.get("gpus-per-node")
        if not (is_int(per_node) and per_node > 0):
            continue
        kind = shape(point.data)
        if kind == "single-node":
            sizes = _sizes(point.data)
            problem = single_node_problem(*sizes, per_node, runner) if sizes else None
            where = point.path
        elif kind == "multinode" and isinstance(point.data["prefill"], dict):
            sizes = _sizes(point.data["prefill"])
            problem = replica_problem(*sizes, per_node) if sizes else None
            if problem is not None:
                problem = f"on runner '{runner}', the prefill {problem}"
            where = (*point.path, "prefill")
        else:
            continue
        if problem is not None:
            yield Finding(RULE.info.id, where, f"the DRAM budget of this kv-offloading: dram point cannot be sized: "
                                               f"{problem}", at="key" if kind == "multinode" else "value")


RULE = PythonRule(RuleInfo("gpu-fit", ERROR,
                           "a kv-offloading: dram point whose GPUs do not fit its runner's nodes (gpus-per-node)"),
                  check)
