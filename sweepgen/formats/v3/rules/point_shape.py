"""point-shape (G4): an agentic point's shape must match its entry: tp points in a single-node
entry, prefill/decode points in a multinode entry. The generator's validation accepts either
shape in either entry and its expansion then fails. Reported at the point.
"""

from __future__ import annotations

from typing import Iterator

from sweepgen.formats.base import Finding, PythonRule, RuleContext
from sweepgen.lint.registry import ERROR, RuleInfo

from .walk import AGENTIC, points, shape


def check(ctx: RuleContext) -> Iterator[Finding]:
    for point in points(ctx.data, (AGENTIC,)):
        multinode = point.entry.get("multinode")
        kind = shape(point.data)
        if multinode is False and kind == "multinode":
            yield Finding(RULE.info.id, point.path,
                          "a multinode-shaped agentic point (prefill and decode) in a single-node entry "
                          "(multinode: false): give it tp instead, or make the entry multinode")
        elif multinode is True and kind == "single-node":
            yield Finding(RULE.info.id, point.path,
                          "a single-node-shaped agentic point (tp) in a multinode entry (multinode: true): "
                          "give it prefill and decode workers instead, or make the entry single-node")


RULE = PythonRule(RuleInfo("point-shape", ERROR,
                           "an agentic point whose shape (tp, or prefill and decode) does not match its entry's "
                           "multinode"), check)
