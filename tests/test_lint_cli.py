"""`sweepgen lint` as a user runs it: formats, exit codes, discovery, cross-file rules."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import ROOT, corpus_dir, make_project

GOOD = """\
dsr1-fp8-b200-sglang:
  image: lmsysorg/sglang:v0.5.3
  model: deepseek-ai/DeepSeek-R1-0528
  model-prefix: dsr1
  runner: b200
  precision: fp8
  framework: sglang
  seq-len-configs:
  - isl: 1024
    osl: 1024
    search-space:
    - { tp: 8, conc-start: 4, conc-end: 64 }
"""

RUNNERS = "b200:\n- b200-nv_0\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_project(tmp_path, monkeypatch, GOOD, RUNNERS)


def test_project_configs_lint_clean(run, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run("lint")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "0 errors, 0 warnings in 3 files" in result.stderr


def test_default_discovery_and_versions_reported(run, project) -> None:
    result = run("lint", "--format", "json")
    report = json.loads(result.stdout)
    assert report["summary"]["files"] == [
        {"path": "configs/runners.yaml", "kind": "runner-config", "version": "v1"},
        {"path": "configs/nvidia-master.yaml", "kind": "master-config", "version": "v1"},
    ]
    assert report["summary"]["runner_config"] == "configs/runners.yaml"
    assert result.exit_code == 0


def test_text_format_exact(run, project) -> None:
    (project / "configs" / "nvidia-master.yaml").write_text(GOOD.replace("runner: b200", "runner: b300"))
    result = run("lint", "--format", "text")
    assert result.stdout == (
        "configs/nvidia-master.yaml:5:11: error: 'b300' is not a runner type or runner node "
        "in configs/runners.yaml [unknown-runner]\n"
    )
    assert result.exit_code == 1


def test_json_format_exact(run, project) -> None:
    (project / "configs" / "nvidia-master.yaml").write_text(GOOD.replace("tp: 8", "tp: true"))
    result = run("lint", "--format", "json")
    assert json.loads(result.stdout)["problems"] == [{
        "path": "configs/nvidia-master.yaml", "line": 12, "column": 13, "rule": "type", "level": "error",
        "message": "'tp' must be an integer, got boolean true",
    }]
    assert json.loads(result.stdout)["summary"]["errors"] == 1
    assert result.exit_code == 1


def test_github_format_and_step_summary(run, project, monkeypatch) -> None:
    summary = project / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    (project / "configs" / "nvidia-master.yaml").write_text(GOOD.replace("osl: 1024", "osl: 100"))
    from sweepgen.cli import cli
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["lint"])  # auto picks github under Actions
    assert result.stdout == (
        "::error file=configs/nvidia-master.yaml,line=9,col=10,title=sweepgen seq-len::"
        "isl=1024, osl=100 is not a legal isl/osl pair: expected one of 1k1k (1024/1024), "
        "1k8k (1024/8192), 8k1k (8192/1024)\n"
    )
    table = summary.read_text()
    assert "| `configs/nvidia-master.yaml` | 9 | 10 | error | `seq-len` |" in table
    assert result.exit_code == 1


def test_github_escaping() -> None:
    from sweepgen.problems import Problem
    from sweepgen.reporters import annotation

    p = Problem("a,b:c.yaml", 1, 2, "r", "error", "100% bad\nnext: line, here")
    assert annotation(p) == "::error file=a%2Cb%3Ac.yaml,line=1,col=2,title=sweepgen r::100%25 bad%0Anext: line, here"


def test_strict_makes_warnings_fail(run, project) -> None:
    (project / "configs" / "nvidia-master.yaml").write_text(GOOD.replace("model-prefix: dsr1", "model-prefix: dsr1-fp8"))
    assert run("lint").exit_code == 0
    result = run("lint", "--strict")
    assert result.exit_code == 1
    # the warning points at the field the key disagrees with: the real mistake was this model-prefix
    assert result.stdout == (
        "configs/nvidia-master.yaml:4:17: warning: model-prefix 'dsr1-fp8' does not match entry key "
        "'dsr1-fp8-b200-sglang', which gives 'dsr1' (convention: the key starts with "
        "'<model-prefix>-<precision>-') [key-convention]\n")


def test_key_convention_blames_precision_or_the_key(run, project) -> None:
    (project / "configs" / "nvidia-master.yaml").write_text(GOOD.replace("precision: fp8", "precision: fp4"))
    assert run("lint").stdout == (
        "configs/nvidia-master.yaml:6:14: warning: precision 'fp4' does not match entry key "
        "'dsr1-fp8-b200-sglang', which gives 'fp8' (convention: the key starts with "
        "'<model-prefix>-<precision>-') [key-convention]\n")
    (project / "configs" / "nvidia-master.yaml").write_text(GOOD.replace("dsr1-fp8-b200-sglang:", "sglang-b200:"))
    assert run("lint").stdout == (
        "configs/nvidia-master.yaml:1:1: warning: entry key 'sglang-b200' does not start with 'dsr1-fp8-' "
        "(its model-prefix and precision); check the key [key-convention]\n")


def test_cross_file_duplicate(run, project) -> None:
    (project / "configs" / "amd-master.yaml").write_text("\n\n" + GOOD)
    result = run("lint", "--format", "text")
    assert result.stdout == (
        "configs/nvidia-master.yaml:1:1: error: entry 'dsr1-fp8-b200-sglang' is already defined in "
        "configs/amd-master.yaml at line 3 [duplicate-key]\n"
    )
    assert result.exit_code == 1


def test_no_runner_config_skips_rule(run, tmp_path, monkeypatch) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.yaml").write_text(GOOD.replace("runner: b200", "runner: anything"))
    result = run("lint", "--format", "json", "m.yaml")
    report = json.loads(result.stdout)
    assert report["problems"] == []
    assert "no runner config found: the rules that read it were skipped (give --runner-config)" in report["summary"]["notes"]
    assert result.exit_code == 0


def test_usage_errors_exit_2(run, project) -> None:
    assert run("lint", "missing.yaml").exit_code == 2
    assert run("lint", "--format", "xml").exit_code == 2
    assert run("lint", "--schema-version", "v99").exit_code == 2


def test_all_problems_of_all_files_sorted(run, project) -> None:
    (project / "configs" / "b.yaml").write_text("x: [\n")
    (project / "configs" / "a.yaml").write_text("- 1\n")
    result = run("lint", "--format", "json")
    paths = [(p["path"], p["line"]) for p in json.loads(result.stdout)["problems"]]
    assert paths == [("configs/a.yaml", 1), ("configs/b.yaml", 2)]


def test_real_seed_configs_lint_clean(run) -> None:
    folder = corpus_dir("inferencemax-17d5e204f")
    result = run("lint", "--format", "json", str(folder))
    report = json.loads(result.stdout)
    assert report["problems"] == []
    assert result.exit_code == 0


def test_python_dash_m_entry_point() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "sweepgen", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0
    assert "lint" in out.stdout


def test_modeline_names_the_version(run, project) -> None:
    modeline = "# yaml-language-server: $schema=../schema/v2/master-config.schema.json\n"
    (project / "configs" / "nvidia-master.yaml").write_text(modeline + GOOD)
    result = run("lint", "--format", "json")
    report = json.loads(result.stdout)
    assert report["summary"]["files"][1] == {"path": "configs/nvidia-master.yaml", "kind": "master-config", "version": "v2"}
    assert [(p["line"], p["column"], p["rule"]) for p in report["problems"]] == [(2, 1, "missing-field")]
    assert "'multinode'" in report["problems"][0]["message"]
    assert result.exit_code == 1


def test_modeline_of_unknown_version_falls_back_to_detection(run, project) -> None:
    modeline = "# yaml-language-server: $schema=../schema/v9/master-config.schema.json\n"
    (project / "configs" / "nvidia-master.yaml").write_text(modeline + GOOD)
    report = json.loads(run("lint", "--format", "json").stdout)
    assert report["summary"]["files"][1]["version"] == "v1"
    assert report["problems"] == []
