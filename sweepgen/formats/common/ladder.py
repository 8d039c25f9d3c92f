"""The concurrency ladder of a conc-start..conc-end range, as every generator made it."""

from __future__ import annotations

from typing import Iterator


def ladder(start: int, end: int, step: int) -> Iterator[int]:
    """start, start*step, ... each clamped to end, which always ends the ladder (nothing when
    start > end). step must be at least 2."""
    if start > end:
        return
    conc = start
    while True:
        yield conc
        if conc == end:
            return
        conc = min(conc * step, end)
