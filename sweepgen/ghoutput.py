"""Writing step outputs to $GITHUB_OUTPUT the way the official Actions toolkit does.

Each output is written in the delimiter form

    name<<ghadelimiter_<random uuid4>
    value
    ghadelimiter_<same uuid4>

with a fresh random delimiter per output; a name or value containing its delimiter is
refused (it could end the value early and inject other outputs). All outputs are
checked before the file is touched, then appended in one write.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Callable, Mapping

# GitHub Actions: at most 1 MB of outputs per job (and 50 MB per workflow run).
JOB_OUTPUT_LIMIT = 1_000_000


class OutputError(Exception):
    """An output that cannot be written safely."""


def _delimiter() -> str:
    return f"ghadelimiter_{uuid.uuid4()}"


def format_output(name: str, value: str, delimiter: Callable[[], str] = _delimiter) -> str:
    """One output in the delimiter form, ending with a newline."""
    if not name or "\n" in name or "\r" in name:
        raise OutputError(f"invalid output name {name!r}")
    mark = delimiter()
    if mark in name:
        raise OutputError(f"output name {name!r} contains its delimiter")
    if mark in value:
        raise OutputError(f"the value of output '{name}' contains its delimiter {mark}")
    return f"{name}<<{mark}{os.linesep}{value}{os.linesep}{mark}{os.linesep}"


def write_outputs(path: str | Path, outputs: Mapping[str, str], limit: int | None = JOB_OUTPUT_LIMIT,
                  delimiter: Callable[[], str] = _delimiter) -> int:
    """Append outputs to the $GITHUB_OUTPUT file; returns the bytes written.

    limit: the most bytes the values may add up to (GitHub's per-job limit by default).
    """
    size = sum(len(v.encode("utf-8")) for v in outputs.values())
    if limit is not None and size > limit:
        raise OutputError(f"the outputs total {size} bytes; GitHub allows {limit} bytes of outputs per job")
    text = "".join(format_output(name, value, delimiter) for name, value in outputs.items())
    data = text.encode("utf-8")
    try:
        with open(path, "ab") as handle:
            handle.write(data)
    except OSError as exc:
        raise OutputError(f"cannot write $GITHUB_OUTPUT ({path}): {exc.strerror or exc}") from None
    return len(data)


def github_output_path() -> str | None:
    return os.environ.get("GITHUB_OUTPUT") or None


def step_summary_path() -> str | None:
    return os.environ.get("GITHUB_STEP_SUMMARY") or None


def append_step_summary(markdown: str) -> bool:
    """Append markdown (ending in a line break) to $GITHUB_STEP_SUMMARY; False when it is not set.
    OutputError when the file cannot be written."""
    target = step_summary_path()
    if target is None:
        return False
    text = markdown if markdown.endswith("\n") else markdown + "\n"
    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise OutputError(f"cannot write $GITHUB_STEP_SUMMARY ({target}): {exc.strerror or exc}") from None
    return True
