"""The address syntax of `sweepgen set`: a path from an entry key down to one scalar.

    entry-key.field
    dsr1-fp8-h200-trt.seq-len-configs[0].search-space[1].conc-end
    ["kimik2.5-fp4-b300-vllm"].image          (a key with dots, brackets or quotes)
    ['kimik2.5-fp4-b300-vllm'].image

A bare step runs up to the next `.` or `[`; `[N]` is a list index; `["..."]` and
`['...']` are keys written out in full, where a backslash escapes the quote or itself.
"""

from __future__ import annotations

import re

Step = str | int

_BARE_UNSAFE = re.compile(r"[.\[\]\"'\\\s]")


class AddressError(ValueError):
    """An address that cannot be parsed; the message says where and why."""


def parse_address(text: str) -> tuple[Step, ...]:
    """The steps of an address: strings are mapping keys, ints are list indexes."""
    steps: list[Step] = []
    i, n = 0, len(text)
    if not text:
        raise AddressError("the address is empty: expected entry-key.field")
    while i < n:
        ch = text[i]
        if ch == "[":
            step, i = _bracket(text, i)
            steps.append(step)
        elif ch == ".":
            if not steps:
                raise AddressError(f"address '{text}' starts with '.': expected an entry key first")
            i += 1
            if i >= n:
                raise AddressError(f"address '{text}' ends with '.': expected a key after it")
            if text[i] == ".":
                raise AddressError(f"address '{text}' has an empty key at character {i + 1}")
            continue
        else:
            if steps and text[i - 1] != ".":
                raise AddressError(f"address '{text}': expected '.' or '[' at character {i + 1}")
            end = i
            while end < n and text[end] not in ".[":
                if text[end] == "]":
                    raise AddressError(f"address '{text}': unexpected ']' at character {end + 1}")
                end += 1
            steps.append(text[i:end])
            i = end
    return tuple(steps)


def _bracket(text: str, i: int) -> tuple[Step, int]:
    """One `[...]` step starting at text[i] == '['; returns the step and the index after ']'."""
    n = len(text)
    j = i + 1
    if j < n and text[j] in "\"'":
        quote = text[j]
        j += 1
        chars: list[str] = []
        while j < n and text[j] != quote:
            if text[j] == "\\" and j + 1 < n and text[j + 1] in (quote, "\\"):
                j += 1
            chars.append(text[j])
            j += 1
        if j >= n:
            raise AddressError(f"address '{text}': the key quoted at character {i + 2} is not closed")
        if j + 1 >= n or text[j + 1] != "]":
            raise AddressError(f"address '{text}': expected ']' at character {j + 2}")
        return "".join(chars), j + 2
    close = text.find("]", j)
    if close < 0:
        raise AddressError(f"address '{text}': '[' at character {i + 1} is not closed")
    inner = text[j:close].strip()
    if not re.fullmatch(r"[0-9]+", inner):
        raise AddressError(f"address '{text}': '[{text[j:close]}]' is neither a list index [N] "
                           f"nor a quoted key [\"...\"]")
    return int(inner), close + 1


def format_address(steps: tuple[Step, ...] | list[Step]) -> str:
    """The address of steps, written so that parse_address reads it back."""
    out: list[str] = []
    for step in steps:
        if isinstance(step, int):
            out.append(f"[{step}]")
        elif step and not _BARE_UNSAFE.search(step):
            out.append(f".{step}" if out else step)
        else:
            escaped = step.replace("\\", "\\\\").replace('"', '\\"')
            out.append(f'["{escaped}"]')
    return "".join(out)
