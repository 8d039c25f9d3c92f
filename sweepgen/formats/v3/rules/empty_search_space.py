"""empty-search-space (warning): a block whose search-space is an empty list yields no jobs.
Legal (the generator accepts it), but usually a block left behind. Reported at the list.
"""

from __future__ import annotations

from typing import Iterator

from sweepgen.formats.base import Finding, PythonRule, RuleContext
from sweepgen.lint.registry import WARNING, RuleInfo

from .walk import AGENTIC, FIXED, blocks, entries


def check(ctx: RuleContext) -> Iterator[Finding]:
    for key, entry in entries(ctx.data):
        for scenario in (FIXED, AGENTIC):
            for block, where in blocks(key, entry, scenario):
                if block.get("search-space") == [] and isinstance(block.get("search-space"), list):
                    yield Finding(RULE.info.id, (*where, "search-space"),
                                  f"empty search-space: this {scenario} block yields no jobs", level=WARNING)


RULE = PythonRule(RuleInfo("empty-search-space", WARNING, "a search-space that is an empty list (no jobs)"), check)
