"""The choices of a seed-family generator that are not facts of its format, as data."""

from __future__ import annotations
from ...records import record



@record
class Policy:
    """The choices of a seed-family generator that are not facts of the format."""

    headroom: int  # full-sweep gives the server this many tokens beyond isl + osl
    smoke_seq_len: str  # the runner smoke tests' and custom's sequence length
    custom_tp: int  # custom's fixed job
    custom_conc: int
    nothing_matched_fails: bool  # full-sweep matching nothing: the generator's error, or `[]`
    point_def: str  # the master-config `$defs` of a single-node search point (custom's defaults)
    entry_def: str = "entry"
