"""The pre-commit hook other repositories use: `.pre-commit-hooks.yaml`."""

from __future__ import annotations

import re
import shlex

import pytest
import yaml

from conftest import ROOT

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())


def test_the_sweepgen_lint_hook() -> None:
    (hook,) = HOOKS
    assert {k: hook[k] for k in ("id", "entry", "language", "require_serial")} == {
        "id": "sweepgen-lint", "entry": "sweepgen lint", "language": "python", "require_serial": True}


@pytest.mark.parametrize("path, matched", [
    ("configs/nvidia-master.yaml", True),
    ("amd-master.yml", True),
    (".github/configs/master.yaml", True),
    ("configs/runners.yaml", True),
    ("runners.yml", True),
    ("configs/runners.yaml.bak", False),
    ("myrunners.yaml", False),
    (".github/workflows/sweep-1k1k.yml", False),
    (".pre-commit-hooks.yaml", False),
    ("master/notes.yaml", False),
    ("README.md", False),
])
def test_the_hook_picks_master_and_runner_configs(path: str, matched: bool) -> None:
    # pre-commit matches `files` with re.search on the repository-relative path.
    assert bool(re.search(HOOKS[0]["files"], path)) is matched


def test_the_hook_entry_is_a_sweepgen_command_that_takes_file_names(run, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """pre-commit appends the staged files' names to the entry and runs it."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "configs").mkdir()
    for name in ("nvidia-master.yaml", "runners.yaml"):
        (tmp_path / "configs" / name).write_text((ROOT / "configs" / name).read_text())
    monkeypatch.chdir(tmp_path)
    program, *args = shlex.split(HOOKS[0]["entry"])
    assert program == "sweepgen"
    result = run(*args, "configs/nvidia-master.yaml", "configs/runners.yaml")
    assert result.exit_code == 0, result.output
