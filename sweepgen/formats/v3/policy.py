"""The InferenceX choices that v3 expansion makes but the v3 format does not fix, as data.

FORMAT-v3 section 5 separates format facts (field names, nesting, defaults: in the
schema) from policy: the server's headroom beyond isl + osl, the sequence-length names,
the eval selection, the agentic duration, the DRAM budget's cap and units, how many
concurrencies a multinode agentic row serves. Every such value is declared here once;
the code reads `POLICY`.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from sweepgen.records import record


@record
class EvalPolicy:
    """Which rows the eval pass marks (FORMAT-v3 4.9)."""

    seq_len: str  # only rows at this named sequence length are eligible (fixed rows)
    min_conc: int  # concurrencies below this are never eval points
    # single-node fixed rows: grouped by these row fields; each group's highest and "median"
    # distinct concurrency are marked (every row at one of them, all tps)
    single_node_group: tuple[str, ...]
    # single-node agentic rows (--evals-only / --all-evals): grouped by these; the highest marked
    agentic_group: tuple[str, ...]
    # multinode rows: grouped by every field except these (nested values compared structurally)
    multinode_ignored: tuple[str, ...]


@record
class Policy:
    headroom: int  # max-model-len = isl + osl + headroom
    seq_lens: Mapping[str, tuple[int, int]]  # the named isl/osl pairs (--seq-lens, exp-names, plan names)
    step_size: int  # the concurrency ladder's default multiplier (test-config's only one)
    agentic_duration: int  # seconds, every agentic row
    agentic_scenario: str  # the plan group (and scenario-type's short name) of agentic rows
    # the DRAM offload budget (FORMAT-v3 4.6): the node's DRAM is capped at this many MiB,
    # converted to bytes with bytes_per_mib and to the printed GB with bytes_per_gb, floored
    dram_cap_mib: int
    bytes_per_mib: int
    bytes_per_gb: int
    multinode_agentic_concs_per_row: int  # a multinode agentic row serves this many concurrencies
    evals: EvalPolicy
    # the smoke jobs (runner-model-sweep, runner-sweep) and custom's fixed job
    smoke_exp_suffix: str  # exp-name <model-prefix>_<suffix>
    custom_seq_len: str
    custom_tp: int
    custom_conc: int
    # plan groups: the kind of multinode rows, of rows that run evals, of both
    multinode_kind: str = "multinode"
    eval_kind: str = "eval"

    def kind(self, multinode: bool, run_eval: bool) -> str:
        """A plan group's kind: "", "multinode", "eval" or "multinode-eval"."""
        parts = ([self.multinode_kind] if multinode else []) + ([self.eval_kind] if run_eval else [])
        return "-".join(parts)

    def seq_name(self, isl: int, osl: int) -> str:
        """The pair's name (1k1k, 8k1k), else `<isl>_<osl>`."""
        for name, pair in self.seq_lens.items():
            if pair == (isl, osl):
                return name
        return f"{isl}_{osl}"


POLICY = Policy(
    headroom=256,  # +200 until InferenceX f34a83b25 (2026-04-20)
    seq_lens=MappingProxyType({"1k1k": (1024, 1024), "8k1k": (8192, 1024)}),  # 1k8k dropped in 626932a11
    step_size=2,
    agentic_duration=3600,
    agentic_scenario="agentic",
    dram_cap_mib=2_861_022,  # about 3 * 10**12 bytes
    bytes_per_mib=1024 * 1024,
    bytes_per_gb=1_000_000_000,
    multinode_agentic_concs_per_row=1,  # 4 until a141bfcb0
    evals=EvalPolicy(
        seq_len="8k1k",
        min_conc=16,
        single_node_group=("model", "runner", "framework", "precision", "isl", "osl", "spec-decoding", "dp-attn"),
        agentic_group=("model", "runner", "framework", "precision"),
        multinode_ignored=("conc", "run-eval", "eval-only", "eval-conc", "eval-all-concs", "exp-name"),
    ),
    smoke_exp_suffix="test",
    custom_seq_len="1k1k",
    custom_tp=8,
    custom_conc=4,
)
