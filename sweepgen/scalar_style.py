"""How a value is written as YAML scalar source, in the style of the scalar it replaces.

A string may be written plain only when every reader takes it back as the same string:
the YAML 1.2 core schema (sweepgen's loader), YAML 1.1 readers (PyYAML, the seed
generator: `yes`, `on`, `0x1F`, `1:20`, `2024-01-01`, `1.2.3` are not strings there), and
the plain-scalar syntax itself (indicators, `: `, ` #`, flow punctuation, edge spaces).
Anything in doubt is quoted: a needless quote is harmless, a wrong plain scalar is not.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .yamlsource import YAML11_BOOLS, resolve_plain

PLAIN, SINGLE, DOUBLE = None, "'", '"'

# YAML 1.1 implicit types (yaml.org/type: int, float, null, timestamp, merge, value), written
# loosely on purpose: the spec's float admits `1.2.3`, PyYAML's admits `_`.
_YAML11 = re.compile(
    r"""(?:
        [-+]?0b[0-1_]+
      | [-+]?0o?[0-7_]+
      | [-+]?(?:0|[1-9][0-9_]*)
      | [-+]?0x[0-9a-fA-F_]+
      | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?
      | [-+]?(?:[0-9][0-9_]*)?\.[0-9._]*(?:[eE][-+]?[0-9]+)?
      | [-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+
      | [-+]?\.(?:inf|Inf|INF)
      | \.(?:nan|NaN|NAN)
      | ~ | null | Null | NULL
      | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+).*)?
      | << | =
    )\Z""",
    re.VERBOSE,
)
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_PUNCTUATION = frozenset(",[]{}:")
_DOUBLE_ESCAPES = {
    "\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f",
    "\r": "\\r", "\x1b": "\\e", '"': '\\"', "\\": "\\\\", "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P",
}


def _printable_in_line(ch: str) -> bool:
    """A character that may stand as itself inside a one-line quoted scalar."""
    o = ord(ch)
    return (0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or o >= 0x10000) \
        and ch not in "\u2028\u2029\ufeff"


def reads_differently_as_plain(value: str, in_flow: bool) -> bool:
    """True when `value` written as a plain scalar would not read back as this string."""
    if not value or value != value.strip(" ") or not all(_printable_in_line(c) for c in value):
        return True
    if value[0] in _INDICATORS or value.startswith(("---", "...")):
        return True
    if ": " in value or value.endswith(":") or " #" in value:
        return True
    if in_flow and any(c in _FLOW_PUNCTUATION for c in value):
        return True
    resolved = resolve_plain(value)
    if not isinstance(resolved, str) or resolved != value:
        return True
    return value in YAML11_BOOLS or _YAML11.match(value) is not None


def single_quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def double_quoted(value: str) -> str:
    out = []
    for ch in value:
        escape = _DOUBLE_ESCAPES.get(ch)
        if escape is not None:
            out.append(escape)
        elif _printable_in_line(ch):
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02X}")
        else:
            out.append(f"\\u{ord(ch):04X}")
    return '"' + "".join(out) + '"'


def plain_form(value: Any) -> str:
    """The canonical plain text of a non-string scalar, read alike by YAML 1.1 and 1.2."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        mantissa, e, exponent = text.partition("e")
        if e and "." not in mantissa:
            mantissa += ".0"  # YAML 1.1 floats need a dot: 1e-05 would be a string there
        return mantissa + (f"e{exponent}" if e else "")
    raise TypeError(f"not a YAML scalar value: {value!r}")


def render(value: Any, old_style: str | None, in_flow: bool, preferred_quote: str = DOUBLE) -> str:
    """Source text for value replacing a scalar of old_style (None plain, or a quote char).

    Strings keep the old style where they can: plain while plain is safe, else the
    preferred quote; a quoted scalar keeps its quote char, switching single to double
    only when the value holds characters that single quotes cannot carry. Other values
    (numbers, booleans, null) are always plain: quoting would make them strings.
    """
    if not isinstance(value, str):
        return plain_form(value)
    style = old_style
    if style is PLAIN and reads_differently_as_plain(value, in_flow):
        style = preferred_quote
    if style == SINGLE and not all(_printable_in_line(c) for c in value):
        style = DOUBLE
    if style == SINGLE:
        return single_quoted(value)
    if style == DOUBLE:
        return double_quoted(value)
    return value
