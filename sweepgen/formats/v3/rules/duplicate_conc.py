"""duplicate-conc (warning): a conc-list that repeats a concurrency runs the same jobs twice.
Order is the author's (unsorted lists are normal and not reported). Reported at the repeat.
"""

from __future__ import annotations

from typing import Iterator

from sweepgen.formats.base import Finding, PythonRule, RuleContext
from sweepgen.lint.registry import WARNING, RuleInfo

from .walk import is_int, points


def check(ctx: RuleContext) -> Iterator[Finding]:
    for point in points(ctx.data):
        values = point.data.get("conc-list")
        if not isinstance(values, list):
            continue
        first: dict[int, int] = {}
        for i, value in enumerate(values):
            if not is_int(value):
                continue
            if value in first:
                yield Finding(RULE.info.id, (*point.path, "conc-list", i),
                              f"conc-list repeats {value} (first at position {first[value] + 1}); "
                              f"its jobs would run twice", level=WARNING)
            else:
                first[value] = i


RULE = PythonRule(RuleInfo("duplicate-conc", WARNING, "a conc-list that repeats a concurrency"), check)
