"""null-override (warning) and null-transfer (G5, error): a point's `router: null` or
`kv-p2p-transfer: null` under an entry-level value removes that value from the point's jobs
(the point's key wins even when null, FORMAT-v3 4.7). That is legal, so a warning; but in a
`disagg: true` entry a point without a transfer cannot run (its jobs fail the generator's output
validation), so there a null kv-p2p-transfer is an error. Reported at the point's null.
"""

from __future__ import annotations

from typing import Iterator

from sweepgen.formats.base import Finding, PythonRule, RuleContext
from sweepgen.lint.registry import ERROR, WARNING, RuleInfo

from .walk import has_value, points

FIELDS = ("router", "kv-p2p-transfer")


def _nulls(ctx: RuleContext) -> Iterator[tuple[str, bool, tuple[object, ...], str]]:
    """(field, in a disagg entry, path of the null, what the entry gives) of each overriding null."""
    for point in points(ctx.data):
        for field in FIELDS:
            if field in point.data and point.data[field] is None and has_value(point.entry, field):
                given = point.entry[field]
                if isinstance(given, dict) and isinstance(given.get("name"), str):
                    shown = f"'{given['name']}'" + (f" {given['version']}" if given.get("version") else "")
                else:
                    shown = f"'{given}'" if isinstance(given, str) else "its value"
                yield field, point.entry.get("disagg") is True, (*point.path, field), shown


def check_warning(ctx: RuleContext) -> Iterator[Finding]:
    for field, disagg, path, shown in _nulls(ctx):
        if field == "kv-p2p-transfer" and disagg:
            continue  # null-transfer reports it as an error
        yield Finding(WARNING_RULE.info.id, path,
                      f"{field}: null removes the entry's {field} ({shown}) from this point's jobs; "
                      f"remove the line to inherit it", level=WARNING)


def check_error(ctx: RuleContext) -> Iterator[Finding]:
    for field, disagg, path, shown in _nulls(ctx):
        if field == "kv-p2p-transfer" and disagg:
            yield Finding(ERROR_RULE.info.id, path,
                          f"kv-p2p-transfer: null removes the entry's kv-p2p-transfer ({shown}) from this point, "
                          f"but a disagg: true entry needs one in every job; remove the line to inherit it")


WARNING_RULE = PythonRule(RuleInfo("null-override", WARNING,
                                   "a point's router: null or kv-p2p-transfer: null that removes the entry's value"),
                          check_warning)
ERROR_RULE = PythonRule(RuleInfo("null-transfer", ERROR,
                                 "a point's kv-p2p-transfer: null that leaves a disagg: true job without a transfer"),
                        check_error)
