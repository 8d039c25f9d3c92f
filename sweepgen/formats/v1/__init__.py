"""v1, the seed format: entries of seq-len-configs, single-node search points; a flat runners.yaml.

Its rows are the seed generator's, key order per subcommand (each wrote its entry as
its own dict literal); every order has the thirteen keys of
`schema/v1/matrix-entry.schema.json`. full-sweep matching nothing is the seed's error.
"""

from __future__ import annotations

from ..seed.format import SeedFormat, smoke_options, sweep_options
from ..seed.policy import Policy
from ..seed.shapes import (CUSTOM, FULL_SWEEP, FULL_SWEEP_TEST, RUNNER_MODEL_SWEEP, RUNNER_SWEEP, TEST_CONFIG,
                           TEST_CONFIG_TEST)

_SWEEP = ("image", "model", "precision", "framework", "runner", "isl", "osl", "tp", "conc", "max-model-len",
          "ep", "dp-attn", "exp-name")
_SINGLE = ("image", "model", "precision", "framework", "runner", "isl", "osl", "tp", "ep", "dp-attn", "conc",
           "max-model-len", "exp-name")
_SMOKE = ("image", "model", "precision", "framework", "runner", "isl", "osl", "tp", "ep", "dp-attn", "conc",
          "exp-name", "max-model-len")

ORDERS = {
    FULL_SWEEP: _SWEEP,
    FULL_SWEEP_TEST: _SINGLE,
    TEST_CONFIG: _SINGLE,
    TEST_CONFIG_TEST: _SINGLE,
    RUNNER_MODEL_SWEEP: _SINGLE,
    RUNNER_SWEEP: _SMOKE,
    CUSTOM: _SMOKE,
}

POLICY = Policy(headroom=200, smoke_seq_len="1k1k", custom_tp=8, custom_conc=4, nothing_matched_fails=True,
                point_def="search-point")

FORMAT = SeedFormat(
    "v1",
    # --single-node and --multi-node are not the seed's, but sweepgen's v1 always took them (all single-node)
    options=(*sweep_options(),
             *smoke_options(custom_prefix_help="Model prefix (v1 jobs do not print it).")),
    orders=ORDERS,
    policy=POLICY,
)
