"""The DRAM offload budget of an agentic point (FORMAT-v3 4.6) and the GPU-fit rules it rests on.

total-cpu-dram-gb = floor(A * bytes_per_mib * u * g / n / bytes_per_gb), where A is the
runner label's available-cpu-dram-mib capped at the policy's cap, u the block's
dram-utilization taken as the exact decimal it prints as, n the label's gpus-per-node and g
the GPUs one server replica uses on a node:

- single-node-shaped point: g = tp * pp * pcp-size, which must fit one node (G2);
- multinode-shaped point: r = tp * pp * pcp-size of the prefill worker (only prefill offloads
  KV today); a replica larger than a node must fill whole nodes (r a multiple of n, g = n),
  a smaller one must tile the node (r divides n, g = r) (G3).

The arithmetic is exact (fractions), then truncated, which gives what the generator's
28-digit decimals give. Messages are the generator's, one line each. Plain integers in and
out, so that lint's rules (G1-G3) and expansion share one implementation.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Iterable

from .policy import POLICY, Policy


class FitError(ValueError):
    """A topology the DRAM budget cannot be sized for, or a runner without hardware facts."""


def missing_hardware(runner: str, field: str, hardware_keys: Iterable[str]) -> str:
    """G1: the generator's message when the runner label has no hardware entry (or lacks field)."""
    return (f"Runner '{runner}' requires '{field}' in runner hardware metadata. "
            f"Available hardware keys: {', '.join(sorted(hardware_keys))}")


def single_node_problem(tp: int, pp: int, pcp_size: int, gpus_per_node: int, runner: str) -> str | None:
    """G2: why a single-node-shaped point cannot be budgeted on its node, or None."""
    gpus = tp * pp * pcp_size
    if gpus > gpus_per_node:
        return (f"tp={tp} with pp={pp} and pcp-size={pcp_size} requires {gpus} GPUs and exceeds "
                f"gpus-per-node={gpus_per_node} for runner '{runner}'")
    return None


def replica_problem(tp: int, pp: int, pcp_size: int, gpus_per_node: int) -> str | None:
    """G3: why a multinode point's prefill replica (its tp, pp, pcp-size) does not tile nodes, or None."""
    replica = tp * pp * pcp_size
    if replica > gpus_per_node:
        if replica % gpus_per_node:
            return (f"worker tp*pp*pcp-size={replica} spans multiple nodes but is not a multiple of "
                    f"gpus-per-node={gpus_per_node}")
    elif gpus_per_node % replica:
        return f"worker tp*pp*pcp-size={replica} does not divide gpus-per-node={gpus_per_node} evenly"
    return None


def single_node_gpus(tp: int, pp: int, pcp_size: int, gpus_per_node: int, runner: str) -> int:
    """The GPUs a single-node-shaped point uses on its node (FitError: G2)."""
    problem = single_node_problem(tp, pp, pcp_size, gpus_per_node, runner)
    if problem is not None:
        raise FitError(problem)
    return tp * pp * pcp_size


def replica_gpus(tp: int, pp: int, pcp_size: int, gpus_per_node: int) -> int:
    """The GPUs one prefill replica uses on each of its nodes (FitError: G3)."""
    problem = replica_problem(tp, pp, pcp_size, gpus_per_node)
    if problem is not None:
        raise FitError(problem)
    return min(tp * pp * pcp_size, gpus_per_node)


def exact(value: float | int | str) -> Fraction:
    """A YAML number as the exact decimal it prints as (0.8 is 4/5, not the nearest binary float)."""
    return Fraction(str(value))


def total_cpu_dram_gb(available_mib: int, utilization: float | int | str, gpus: int, gpus_per_node: int,
                      policy: Policy = POLICY) -> int:
    """The DRAM budget in (decimal) GB of one server replica using `gpus` of a node's `gpus_per_node`."""
    capped = min(available_mib, policy.dram_cap_mib)
    share = exact(utilization)
    # floor(capped * bytes_per_mib * u * gpus / gpus_per_node / bytes_per_gb), in integers
    return (capped * policy.bytes_per_mib * share.numerator * gpus) // (
        share.denominator * gpus_per_node * policy.bytes_per_gb)
