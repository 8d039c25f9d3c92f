"""`[tool.sweepgen]` in pyproject.toml: the defaults of repeated flags; flags win; bad keys are
positioned usage errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ROOT, make_project

MASTER = (ROOT / "configs" / "nvidia-master.yaml").read_text()
RUNNERS = (ROOT / "configs" / "runners.yaml").read_text()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    top = make_project(tmp_path, monkeypatch, MASTER, RUNNERS)
    (top / "other").mkdir()
    (top / "other" / "x-master.yaml").write_text(MASTER.replace("tp: 8", "tp: 0", 1))
    return top


def settings(top: Path, body: str) -> None:
    (top / "pyproject.toml").write_text(f'[project]\nname = "suite"\n\n[tool.sweepgen]\n{body}')


def test_lint_takes_its_defaults_from_the_settings_and_flags_win(run, project: Path) -> None:
    assert run("lint").exit_code == 0
    settings(project, 'paths = ["other"]\nrunner-config = "configs/runners.yaml"\nformat = "json"\n')
    report = json.loads(run("lint").stdout)
    assert [p["path"] for p in report["problems"]] == ["other/x-master.yaml"]
    assert report["summary"]["runner_config"] == "configs/runners.yaml"
    flags = run("lint", "--format", "text", "configs")
    assert flags.exit_code == 0 and flags.stdout == ""


def test_strict_and_max_jobs(run, project: Path) -> None:
    first = re.search(r"^[^\s#][^:]*:", MASTER, re.MULTILINE)
    assert first is not None
    (project / "configs" / "nvidia-master.yaml").write_text(MASTER.replace(first.group(0), "zz-" + first.group(0), 1))
    assert run("lint").exit_code == 0  # a warning only (key-convention)
    settings(project, "strict = true\nmax-jobs = 3\n")
    assert run("lint").exit_code == 1
    plan = json.loads(run("plan").stdout)
    assert max(len(m) for m in plan.values()) <= 3 and any(name.endswith("-2") for name in plan)
    assert max(len(m) for m in json.loads(run("plan", "--max-jobs", "256").stdout).values()) > 3


def test_paths_are_the_expanding_commands_config_files(run, project: Path) -> None:
    settings(project, 'paths = ["configs/nvidia-master.yaml"]\n')
    assert run("full-sweep").stdout == run("full-sweep", "--config-files", "configs/nvidia-master.yaml").stdout


@pytest.mark.parametrize("body, message", [
    ("stict = true\n", "pyproject.toml:5:1: unknown key 'stict' in [tool.sweepgen]; known keys: paths, "
                       "runner-config, strict, format, schema-version, max-jobs"),
    ('strict = "yes"\n', "pyproject.toml:5:1: 'strict' in [tool.sweepgen] must be true or false, got 'yes'"),
    ("format = 'xml'\n", "pyproject.toml:5:1: 'format' in [tool.sweepgen] must be one of text, json, github, "
                         "sarif, auto, got 'xml'"),
    ("max-jobs = 0\n", "pyproject.toml:5:1: 'max-jobs' in [tool.sweepgen] must be an integer of at least 1, got 0"),
    ("paths = []\n", "pyproject.toml:5:1: 'paths' in [tool.sweepgen] must be a non-empty list of paths, got []"),
    ("  strict = true\n[other]\n", None),
])
def test_bad_settings_are_positioned_usage_errors(run, project: Path, body: str, message: str | None) -> None:
    settings(project, "strict = true\n" + body if message is None else body)
    result = run("lint")
    if message is None:
        assert result.exit_code == 2 and "not valid TOML" in result.stderr  # a key given twice
        return
    assert result.exit_code == 2
    assert result.stderr == f"sweepgen: error: {message}\n"


def test_settings_are_found_from_a_subfolder_not_above_the_repository(run, project: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    settings(project, 'format = "json"\n')
    (project / "sub").mkdir()
    monkeypatch.chdir(project / "sub")
    assert run("lint", "../configs").stdout.startswith("{")
    (project / "pyproject.toml").unlink()
    (project.parent / "pyproject.toml").write_text("[tool.sweepgen]\nbogus = 1\n")
    try:
        assert run("lint", "../configs").exit_code == 0  # above the repository's top: not read
    finally:
        (project.parent / "pyproject.toml").unlink()
