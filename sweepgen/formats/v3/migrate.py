"""v3 from v2: each entry's `seq-len-configs` goes under `scenarios: {fixed-seq-len: ...}`, and a flat
runners.yaml under `labels:`. What v3 cannot hold (a single-node `disagg: true`, a disaggregated
multinode entry without `kv-p2p-transfer`) is refused by the migrated file's v3 lint, at its lines."""

from __future__ import annotations

from sweepgen.formats.base import Migration, NestDocument, NestEntryField

MIGRATION = Migration(
    "v2",
    master=(NestEntryField("seq-len-configs", into=("scenarios", "fixed-seq-len")),),
    runner=(NestDocument("labels"),),
)
