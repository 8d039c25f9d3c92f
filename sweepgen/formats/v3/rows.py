"""The rows of v3 configs: the four row shapes and their key orders (FORMAT-v3 4.4, 4.5), one builder
per shape, and what identifies a row across revisions (`identity`).

Each shape has a fixed key order; keys that only some rows have come after it, in a fixed order too,
each only when set: `kv-offload-backend` (agentic rows), `router`, `kv-p2p-transfer`. The eval pass
(`evals`) then sets or appends `run-eval`, and appends `eval-conc`, `eval-all-concs`, `eval-only`.
Key tuples are interned, so the rows of one shape share one tuple.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sweepgen.formats.base import Group, Row, canonical

from .model import Entry, Point, Worker
from .policy import POLICY, Policy

FIXED, AGENTIC = "fixed-seq-len", "agentic-coding"  # the scenario kinds, as the format names them
NONE = "none"  # spec-decoding's and kv-offloading's "nothing"

FIXED_SINGLE = ("image", "model", "model-prefix", "precision", "framework", "runner", "isl", "osl", "tp", "pp",
                "dcp-size", "pcp-size", "conc", "max-model-len", "ep", "dp-attn", "spec-decoding", "exp-name",
                "disagg", "run-eval")
FIXED_MULTI = ("image", "model", "model-prefix", "precision", "framework", "runner", "isl", "osl", "spec-decoding",
               "prefill", "decode", "conc", "max-model-len", "exp-name", "disagg", "run-eval")
AGENTIC_SINGLE = ("image", "model", "model-prefix", "precision", "framework", "runner", "tp", "pp", "dcp-size",
                  "pcp-size", "ep", "dp-attn", "spec-decoding", "conc", "kv-offloading", "total-cpu-dram-gb",
                  "duration", "exp-name", "scenario-type")
AGENTIC_MULTI = ("image", "model", "model-prefix", "precision", "framework", "runner", "spec-decoding", "prefill",
                 "decode", "conc", "kv-offloading", "total-cpu-dram-gb", "duration", "exp-name", "disagg",
                 "scenario-type")
SHAPES = (FIXED_SINGLE, FIXED_MULTI, AGENTIC_SINGLE, AGENTIC_MULTI)
BACKEND, ROUTER, TRANSFER = "kv-offload-backend", "router", "kv-p2p-transfer"
# the eval pass's keys
RUN_EVAL, EVAL_CONC, EVAL_ALL_CONCS, EVAL_ONLY = "run-eval", "eval-conc", "eval-all-concs", "eval-only"
CONC = "conc"
# what a row carries that v3's policy derives rather than what the job runs: the server's
# headroom (max-model-len), the experiment's name and the eval pass's marks
POLICY_DERIVED = frozenset({"max-model-len", "exp-name", RUN_EVAL, EVAL_CONC, EVAL_ALL_CONCS, EVAL_ONLY})


@cache
def keys(base: tuple[str, ...], tail: tuple[str, ...] = ()) -> tuple[str, ...]:
    """One shared tuple per key order."""
    return base + tail


def _tail(names: tuple[str, ...], values: tuple[Any, ...]) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """The optional keys that are set (not None), and their values."""
    if all(v is None for v in values):
        return (), ()
    pairs = [(n, v) for n, v in zip(names, values) if v is not None]
    return tuple(n for n, _ in pairs), tuple(v for _, v in pairs)


def multinode_kind(row: Row) -> bool:
    return "prefill" in row.keys


def agentic(row: Row) -> bool:
    return "scenario-type" in row.keys


class Builder:
    """Makes every row of one entry; the entry's fixed values are computed once."""

    def __init__(self, entry: Entry, policy: Policy = POLICY) -> None:
        self.entry = entry
        self.policy = policy
        self.head = (entry.image, entry.model, entry.model_prefix, entry.precision, entry.framework)
        self.agentic_group = Group(policy.agentic_scenario, entry.model_prefix, policy.kind(entry.multinode, False))

    def fixed_group(self, isl: int, osl: int) -> Group:
        return Group(self.policy.seq_name(isl, osl), self.entry.model_prefix, self.policy.kind(self.entry.multinode,
                                                                                                False))

    def fixed_name(self, isl: int, osl: int) -> str:
        return f"{self.entry.model_prefix}_{self.policy.seq_name(isl, osl)}"

    def components(self, point: Point, agentic_row: bool) -> tuple[tuple[str, ...], tuple[Any, ...]]:
        if agentic_row:
            return _tail((BACKEND, ROUTER, TRANSFER),
                         (point.kv_offload_backend, point.router_of(self.entry), point.transfer_of(self.entry)))
        return _tail((ROUTER, TRANSFER), (point.router_of(self.entry), point.transfer_of(self.entry)))

    def fixed_single(self, isl: int, osl: int, point: Point, ep: int, dp_attn: bool, conc: int, node: str,
                     exp_name: str, group: Group, tail: tuple[tuple[str, ...], tuple[Any, ...]]) -> Row:
        values = (*self.head, node, isl, osl, point.tp, point.pp, point.dcp_size, point.pcp_size, conc,
                  isl + osl + self.policy.headroom, ep, dp_attn, point.spec_decoding, exp_name, self.entry.disagg,
                  False, *tail[1])
        return Row(self.entry.key, group, keys(FIXED_SINGLE, tail[0]), values)

    def fixed_multi(self, isl: int, osl: int, point: Point, workers: tuple[dict[str, Any], dict[str, Any]],
                    concs: list[int], node: str, exp_name: str, group: Group,
                    tail: tuple[tuple[str, ...], tuple[Any, ...]]) -> Row:
        values = (*self.head, node, isl, osl, point.spec_decoding, workers[0], workers[1], concs,
                  isl + osl + self.policy.headroom, exp_name, self.entry.disagg, False, *tail[1])
        return Row(self.entry.key, group, keys(FIXED_MULTI, tail[0]), values)

    def agentic_single(self, point: Point, ep: int, dp_attn: bool, conc: int, node: str, dram_gb: int,
                       tail: tuple[tuple[str, ...], tuple[Any, ...]]) -> Row:
        values = (*self.head, node, point.tp, point.pp, point.dcp_size, point.pcp_size, ep, dp_attn,
                  point.spec_decoding, conc, point.kv_offloading, dram_gb, self.policy.agentic_duration,
                  self.single_agentic_name(point, conc), AGENTIC, *tail[1])
        return Row(self.entry.key, self.agentic_group, keys(AGENTIC_SINGLE, tail[0]), values)

    def agentic_multi(self, point: Point, workers: tuple[dict[str, Any], dict[str, Any]], concs: list[int],
                      node: str, dram_gb: int, tail: tuple[tuple[str, ...], tuple[Any, ...]]) -> Row:
        values = (*self.head, node, point.spec_decoding, workers[0], workers[1], concs, point.kv_offloading,
                  dram_gb, self.policy.agentic_duration, self.multi_agentic_name(point, concs), self.entry.disagg,
                  AGENTIC, *tail[1])
        return Row(self.entry.key, self.agentic_group, keys(AGENTIC_MULTI, tail[0]), values)

    # ------------------------------------------------------------ agentic exp-names

    @staticmethod
    def _offload(point: Point) -> str:
        """kvnone, or kv<mode>-<backend name>."""
        if point.kv_offloading == NONE:
            return "kvnone"
        backend = point.kv_offload_backend or {}
        return f"kv{point.kv_offloading}-{backend.get('name')}"

    def single_agentic_name(self, point: Point, conc: int) -> str:
        spec = f"_spec-{point.spec_decoding}" if point.spec_decoding != NONE else ""
        return f"{self.entry.model_prefix}_tp{point.tp}_conc{conc}_{self._offload(point)}{spec}"

    def multi_agentic_name(self, point: Point, concs: list[int]) -> str:
        assert point.prefill is not None and point.decode is not None
        offload = f"_{self._offload(point)}" if point.kv_offloading != NONE else ""
        return (f"{self.entry.model_prefix}_{_worker_tag(point.prefill, 'p')}_{_worker_tag(point.decode, 'd')}"
                f"_conc{'x'.join(map(str, concs))}{offload}")


def _worker_tag(worker: Worker, role: str) -> str:
    """p<num-worker>x<tp>, then ep<ep> unless 1, then dpa with dp-attn."""
    return (f"{role}{worker.num_worker}x{worker.tp}" + (f"ep{worker.ep}" if worker.ep != 1 else "")
            + ("dpa" if worker.dp_attn else ""))


# ---------------------------------------------------------------- identity across revisions

def identity(row: Row, version: str | None = None) -> str:
    """What makes two rows the same job, compared across revisions: every field of the row except
    the policy-derived ones (max-model-len, exp-name, the eval marks), as canonical JSON, workers'
    keys sorted.

    A row of an older format (version "v2": the same configs before `migrate --to v3`) is read in
    v3 terms first: the fields v3 added with a default (pp, dcp-size, pcp-size at the point and in
    workers) take the value v3's schema gives a point that does not write them. So a v2 config
    and its migration to v3 give the same identities, although v3 rows print pp, dcp-size and
    pcp-size, a max-model-len with 256 tokens of headroom instead of 200, sequence-length names
    of its own (1024_8192 rather than 1k8k) and run-eval.
    """
    data = {k: v for k, v in zip(row.keys, row.values) if k not in POLICY_DERIVED}
    if version is not None and version != _VERSION:
        data = _in_v3_terms(data)
    return canonical(data)


_VERSION = "v3"


def _in_v3_terms(data: dict[str, Any]) -> dict[str, Any]:
    from .model import point_defaults, worker_defaults

    out = dict(data)
    if "tp" in out:
        for name, value in point_defaults().items():
            if name in FIXED_SINGLE:
                out.setdefault(name, value)
    for role in ("prefill", "decode"):
        worker = out.get(role)
        if isinstance(worker, dict):
            out[role] = {**worker_defaults(), **worker}
    return out
