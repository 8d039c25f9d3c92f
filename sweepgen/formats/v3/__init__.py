"""v3, the current InferenceX format: scenarios (fixed-seq-len, agentic-coding), pp / dcp-size /
pcp-size, routers, kv-p2p-transfer, KV offloading to DRAM sized from runners.yaml `hardware`;
runners.yaml is `{labels, hardware}` and is read with YAML 1.1 numbers (2_063_837).
The whole format: ../shared/FORMAT-v3.md."""

from __future__ import annotations

from .format import V3Format
from .migrate import MIGRATION
from .options import OPTIONS
from .rules import ALL as RULES

FORMAT = V3Format("v3", options=OPTIONS, rules=RULES, yaml11_numbers=frozenset({"runner-config"}),
                  migration=MIGRATION)
