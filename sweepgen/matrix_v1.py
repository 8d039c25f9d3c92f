"""How v1 matrix entries are printed: the seed generator's key order for each subcommand.

The seed wrote each subcommand's entry as its own dict literal, so the orders
differ; compatible output must keep them. Every order has the thirteen keys of
`schema/v1/matrix-entry.schema.json`.
"""

from __future__ import annotations

from .expand import Rules, Shape

_SWEEP = ("image", "model", "precision", "framework", "runner", "isl", "osl", "tp", "conc", "max-model-len",
          "ep", "dp-attn", "exp-name")
_SINGLE = ("image", "model", "precision", "framework", "runner", "isl", "osl", "tp", "ep", "dp-attn", "conc",
           "max-model-len", "exp-name")
_SMOKE = ("image", "model", "precision", "framework", "runner", "isl", "osl", "tp", "ep", "dp-attn", "conc",
          "exp-name", "max-model-len")

RULES = Rules("v1", {
    Shape.FULL_SWEEP: _SWEEP,
    Shape.FULL_SWEEP_TEST: _SINGLE,
    Shape.TEST_CONFIG: _SINGLE,
    Shape.TEST_CONFIG_TEST: _SINGLE,
    Shape.RUNNER_MODEL_SWEEP: _SINGLE,
    Shape.RUNNER_SWEEP: _SMOKE,
    Shape.CUSTOM: _SMOKE,
})
