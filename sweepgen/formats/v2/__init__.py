"""v2: v1 plus first-class multinode entries (`multinode`, `disagg`; points with `conc-list`,
`spec-decoding`, and on multinode entries `prefill`/`decode` workers).

full-sweep's orders are those of the public generator of the v2 era (its recorded
output is in ../shared/corpus/inferencemax-93e1b3ca1/expected/), which printed `[]`
when nothing matched. That generator had no test-config, runner-sweep or custom of its
own; their v2 orders are the v1 orders with `model-prefix` after `model`,
`spec-decoding` before `exp-name` and `disagg` last, which is also how full-sweep's v2
order grew from its v1 order. Every order has the keys of one shape of
`schema/v2/matrix-entry.schema.json`. From v1: every entry gets `multinode: false` after its
framework.
"""

from __future__ import annotations

from ..base import AddEntryField, Migration
from ..seed.format import SeedFormat, smoke_options, sweep_options
from ..seed.policy import Policy
from ..seed.shapes import (CUSTOM, FULL_SWEEP, FULL_SWEEP_TEST, RUNNER_MODEL_SWEEP, RUNNER_SWEEP, TEST_CONFIG,
                           TEST_CONFIG_TEST)

_SWEEP = ("image", "model", "model-prefix", "precision", "framework", "runner", "isl", "osl", "tp", "conc",
          "max-model-len", "ep", "dp-attn", "spec-decoding", "exp-name", "disagg")
_SINGLE = ("image", "model", "model-prefix", "precision", "framework", "runner", "isl", "osl", "tp", "ep", "dp-attn",
           "conc", "max-model-len", "spec-decoding", "exp-name", "disagg")
_SMOKE = ("image", "model", "model-prefix", "precision", "framework", "runner", "isl", "osl", "tp", "ep", "dp-attn",
          "conc", "spec-decoding", "exp-name", "max-model-len", "disagg")
# one row per multinode search point: conc is the point's whole list
_MULTINODE = ("image", "model", "model-prefix", "precision", "framework", "runner", "isl", "osl", "spec-decoding",
              "prefill", "decode", "conc", "max-model-len", "exp-name", "disagg")

ORDERS = {
    FULL_SWEEP: _SWEEP,
    FULL_SWEEP_TEST: _SINGLE,
    TEST_CONFIG: _SINGLE,
    TEST_CONFIG_TEST: _SINGLE,
    RUNNER_MODEL_SWEEP: _SINGLE,
    RUNNER_SWEEP: _SMOKE,
    CUSTOM: _SMOKE,
}

POLICY = Policy(headroom=200, smoke_seq_len="1k1k", custom_tp=8, custom_conc=4, nothing_matched_fails=False,
                point_def="single-node-point")

FORMAT = SeedFormat(
    "v2",
    options=(*sweep_options(),
             *smoke_options(custom_prefix_help="Model prefix (v2 jobs carry one; required with v2 configs).")),
    orders=ORDERS,
    multinode_order=_MULTINODE,
    policy=POLICY,
    migration=Migration("v1", master=(AddEntryField("multinode", False, after="framework"),)),
)
