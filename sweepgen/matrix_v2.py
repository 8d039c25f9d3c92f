"""How v2 matrix entries are printed: single-node jobs and multinode jobs.

full-sweep's orders are those of the public generator of the v2 era (its recorded
output is in ../shared/corpus/inferencemax-93e1b3ca1/expected/). That generator had
no test-config, runner-sweep or custom of its own; their v2 orders are the v1 orders
with `model-prefix` after `model`, `spec-decoding` before `exp-name` and `disagg`
last, which is also how full-sweep's v2 order grew from its v1 order. Every order
has the keys of one shape of `schema/v2/matrix-entry.schema.json`.
"""

from __future__ import annotations

from .expand import Rules, Shape

_SWEEP = ("image", "model", "model-prefix", "precision", "framework", "runner", "isl", "osl", "tp", "conc",
          "max-model-len", "ep", "dp-attn", "spec-decoding", "exp-name", "disagg")
_SINGLE = ("image", "model", "model-prefix", "precision", "framework", "runner", "isl", "osl", "tp", "ep", "dp-attn",
           "conc", "max-model-len", "spec-decoding", "exp-name", "disagg")
_SMOKE = ("image", "model", "model-prefix", "precision", "framework", "runner", "isl", "osl", "tp", "ep", "dp-attn",
          "conc", "spec-decoding", "exp-name", "max-model-len", "disagg")
# one job per multinode search point: conc is the point's whole list
_MULTINODE = ("image", "model", "model-prefix", "precision", "framework", "runner", "isl", "osl", "spec-decoding",
              "prefill", "decode", "conc", "max-model-len", "exp-name", "disagg")

RULES = Rules("v2", {
    Shape.FULL_SWEEP: _SWEEP,
    Shape.FULL_SWEEP_TEST: _SINGLE,
    Shape.TEST_CONFIG: _SINGLE,
    Shape.TEST_CONFIG_TEST: _SINGLE,
    Shape.RUNNER_MODEL_SWEEP: _SINGLE,
    Shape.RUNNER_SWEEP: _SMOKE,
    Shape.CUSTOM: _SMOKE,
}, multinode=_MULTINODE, point_def="single-node-point")
