"""Settings in `pyproject.toml` (`[tool.sweepgen]`): defaults of the flags users repeat.

    [tool.sweepgen]
    paths = ["benchmarks/configs"]   # lint's PATHS, and --config-files of the expanding commands
    runner-config = "benchmarks/configs/runners.yaml"
    strict = true                    # lint --strict
    format = "github"                # lint --format
    schema-version = "auto"          # lint --schema-version
    max-jobs = 200                   # plan --max-jobs, diff --max-jobs

The file is the nearest `pyproject.toml` at or above the working folder, within the
repository. A flag on the command line wins over its setting. An unknown key or a value
of the wrong type is an error with its position (exit 2).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Callable

from .records import record

TABLE = "tool.sweepgen"


class SettingsError(Exception):
    """A settings file that cannot be used; the message is one line with the file's position."""


def _strings(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)


def _lint_formats() -> tuple[str, ...]:
    return ("text", "json", "github", "sarif", "auto")


def _versions() -> tuple[str, ...]:
    from .cli.common import version_choices

    return tuple(version_choices())


@record
class Key:
    """One setting: what it must be, and the parameters (command -> parameter name) it sets."""

    check: Callable[[Any], bool]
    expected: str
    sets: dict[str, str]
    choices: Callable[[], tuple[str, ...]] | None = None


_EXPANDING = ("full-sweep", "test-config", "runner-model-sweep", "runner-sweep", "custom", "plan", "export", "diff")

KEYS: dict[str, Key] = {
    "paths": Key(_strings, "a non-empty list of paths", {"lint": "paths", **{c: "config_files" for c in _EXPANDING}}),
    "runner-config": Key(lambda v: isinstance(v, str) and bool(v), "a path",
                         {"lint": "runner_config", **{c: "runner_config" for c in _EXPANDING}}),
    "strict": Key(lambda v: isinstance(v, bool), "true or false", {"lint": "strict"}),
    "format": Key(lambda v: isinstance(v, str), "a lint format", {"lint": "fmt"}, _lint_formats),
    "schema-version": Key(lambda v: isinstance(v, str), "a schema version", {"lint": "schema_version"}, _versions),
    "max-jobs": Key(lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1, "an integer of at least 1",
                    {"plan": "max_jobs", "diff": "max_jobs"}),
}


def find(start: Path | None = None) -> Path | None:
    """The nearest pyproject.toml at or above start (the working folder), not above the repository."""
    here = Path(os.path.abspath(start or Path.cwd()))
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists():
            return None
    return None


def _position(text: str, key: str | None) -> tuple[int, int]:
    """Line and column of a key of [tool.sweepgen] (of the table's header when key is None)."""
    lines = text.splitlines()
    header = next((i for i, line in enumerate(lines) if re.match(r"\s*\[\s*tool\.sweepgen\s*\]", line)), None)
    if header is None:
        return 1, 1
    if key is None:
        return header + 1, 1
    for i in range(header + 1, len(lines)):
        if re.match(r"\s*\[", lines[i]):
            break
        found = re.match(rf"(\s*)[\"']?{re.escape(key)}[\"']?\s*=", lines[i])
        if found:
            return i + 1, len(found.group(1)) + 1
    return header + 1, 1


def load(path: Path) -> dict[str, Any]:
    """The [tool.sweepgen] table of a pyproject.toml, checked ({} when it has none)."""
    import tomllib

    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None
    table = data.get("tool", {}).get("sweepgen") if isinstance(data.get("tool"), dict) else None
    if table is None:
        return {}
    shown = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    if not isinstance(table, dict):
        line, col = _position(text, None)
        raise SettingsError(f"{shown}:{line}:{col}: [{TABLE}] must be a table")
    for key, value in table.items():
        line, col = _position(text, key)
        spec = KEYS.get(key)
        if spec is None:
            raise SettingsError(f"{shown}:{line}:{col}: unknown key '{key}' in [{TABLE}]; "
                                f"known keys: {', '.join(KEYS)}")
        choices = spec.choices() if spec.choices else None
        if not spec.check(value) or (choices is not None and value not in choices):
            expected = f"one of {', '.join(choices)}" if choices else spec.expected
            raise SettingsError(f"{shown}:{line}:{col}: '{key}' in [{TABLE}] must be {expected}, got {value!r}")
    return dict(table)


def default_map(settings: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Click's default_map: command -> parameter -> the setting's value."""
    out: dict[str, dict[str, Any]] = {}
    for key, value in settings.items():
        for command, parameter in KEYS[key].sets.items():
            out.setdefault(command, {})[parameter] = list(value) if isinstance(value, list) else value
    return out
