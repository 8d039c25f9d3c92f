"""`sweepgen diff` on v3 configs in real git repositories: the jobs a change adds and removes (agentic
ones included), the reviewer's markdown, and a v2 base against its migration to v3, which runs the
same jobs although v3 prints them with more fields, more headroom and its own eval marks."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from test_v2_expand import V2_MASTER, V2_RUNNERS
from test_v3_expand import RUNNERS, TOY, TOYAG, TOYMN


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, value in {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
                        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
                        "GIT_CEILING_DIRECTORIES": str(tmp_path)}.items():
        monkeypatch.setenv(name, value)
    root = tmp_path / "repo"
    (root / "configs").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    monkeypatch.chdir(root)
    return root


def configs(root: Path, master: str, runners: str) -> None:
    (root / "configs" / "nvidia-master.yaml").write_text(master)
    (root / "configs" / "runners.yaml").write_text(runners)


def diff(run, *args: str) -> Any:  # type: ignore[no-untyped-def]
    result = run("diff", "--base", "main", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if "--format" not in args else result.stdout


# ---------------------------------------------------------------- v3 to v3

def test_a_v3_change_adds_and_removes_fixed_and_agentic_jobs(run, repo: Path) -> None:
    configs(repo, TOY + TOYAG + TOYMN, RUNNERS)
    commit(repo, "base")
    assert diff(run) == {"added": [], "removed": [], "changed_keys": [], "unchanged": 20}
    changed = (TOY + TOYAG.replace("conc-list: [1, 2] }", "conc-list: [1, 2, 4] }") + TOYMN
               .replace("conc-start: 1\n        conc-end: 4", "conc-start: 2\n        conc-end: 4"))
    configs(repo, changed, RUNNERS)
    out = diff(run)
    assert [j["exp-name"] for j in out["added"]] == ["toyag_tp4_conc4_kvnone"]
    assert [j["exp-name"] for j in out["removed"]] == ["toymn_p1x8_d0x8ep8_conc1"]
    assert out["changed_keys"] == ["toyag-fp4-x-sglang", "toymn-fp4-gb-dynamo"] and out["unchanged"] == 19
    report = diff(run, "--format", "markdown")
    assert "**1 job added, 1 removed, 19 unchanged** (20 -> 20 jobs)." in report
    assert "| agentic | toyag | 6 | 7 | 1 | 0 |" in report
    assert "| agentic | toymn | 5 | 4 | 0 | 1 |" in report


def test_eval_marks_and_headroom_are_not_what_a_job_runs(run, repo: Path) -> None:
    """A conc added to an 8k1k group becomes its "median" eval job; the jobs that were already there
    are unchanged (max-model-len, exp-name and the eval marks are v3's policy, not what a job runs)."""
    configs(repo, TOY, RUNNERS)
    commit(repo, "base")
    configs(repo, TOY.replace("conc-list: [16, 64]", "conc-list: [16, 32, 64]"), RUNNERS)
    out = diff(run)
    assert [(j["tp"], j["conc"], j["run-eval"]) for j in out["added"]] == [(8, 32, True)]
    assert out["removed"] == [] and out["unchanged"] == 7


def test_the_plan_format_gives_the_added_jobs_as_matrices(run, repo: Path) -> None:
    configs(repo, TOY + TOYAG, RUNNERS)
    commit(repo, "base")
    configs(repo, TOY + TOYAG + TOYMN, RUNNERS)
    plan = json.loads(diff(run, "--format", "plan"))
    assert {name: len(m) for name, m in plan.items()} == {"1k1k-toymn-multinode": 2, "agentic-toymn-multinode": 5}


# ---------------------------------------------------------------- v2 to v3

# a v2 config v3 can hold: its multinode entry is not disaggregated (v3 asks a disaggregated one for kv-p2p-transfer)
V2 = V2_MASTER.replace("disagg: true", "disagg: false")


def test_a_v2_base_and_its_migration_to_v3_run_the_same_jobs(run, repo: Path) -> None:
    configs(repo, V2, V2_RUNNERS)
    commit(repo, "v2")
    migrated = run("migrate", "--to", "v3", "--config-files", "configs/nvidia-master.yaml", "configs/runners.yaml")
    assert migrated.exit_code == 0, migrated.stderr
    head = json.loads(run("full-sweep", "--config-files", "configs/nvidia-master.yaml").stdout)
    assert {j["max-model-len"] - j["isl"] - j["osl"] for j in head} == {256}  # v2 printed 200
    assert "dsr1_1024_8192" not in {j["exp-name"] for j in head} and "gptoss_1024_8192" in {j["exp-name"]
                                                                                            for j in head}
    assert diff(run) == {"added": [], "removed": [], "changed_keys": [], "unchanged": 11}
    report = diff(run, "--format", "markdown")
    assert "No jobs added or removed (11 unchanged)." in report


def test_a_v2_base_and_a_changed_v3_head(run, repo: Path) -> None:
    configs(repo, V2, V2_RUNNERS)
    commit(repo, "v2")
    assert run("migrate", "--to", "v3", "--config-files", "configs/nvidia-master.yaml",
               "configs/runners.yaml").exit_code == 0
    text = (repo / "configs" / "nvidia-master.yaml").read_text()
    (repo / "configs" / "nvidia-master.yaml").write_text(
        text.replace("{ tp: 8, conc-list: [4] }", "{ tp: 8, conc-list: [4, 16] }")
        .replace("{ tp: 2, conc-start: 4, conc-end: 8 }", "{ tp: 2, pp: 2, conc-start: 4, conc-end: 8 }"))
    out = diff(run)
    assert [(j["tp"], j["conc"], j["pp"]) for j in out["added"]] == [(8, 16, 1), (2, 4, 2), (2, 8, 2)]
    assert [(j["tp"], j["conc"]) for j in out["removed"]] == [(2, 4), (2, 8)]
    assert "pp" not in out["removed"][0]  # as the v2 base printed it
    assert out["unchanged"] == 9


def test_v3_identity_reads_an_older_row_in_v3_terms() -> None:
    from sweepgen.formats import Group, Row, get

    v3 = get("v3")
    old = {"image": "i", "model": "m", "model-prefix": "p", "precision": "fp8", "framework": "f", "runner": "r",
           "isl": 1024, "osl": 1024, "tp": 4, "conc": 4, "max-model-len": 2248, "ep": 1, "dp-attn": False,
           "spec-decoding": "none", "exp-name": "p_1k1k", "disagg": False}
    new = {"image": "i", "model": "m", "model-prefix": "p", "precision": "fp8", "framework": "f", "runner": "r",
           "isl": 1024, "osl": 1024, "tp": 4, "pp": 1, "dcp-size": 1, "pcp-size": 1, "conc": 4,
           "max-model-len": 2304, "ep": 1, "dp-attn": False, "spec-decoding": "none", "exp-name": "p_1k1k",
           "disagg": False, "run-eval": True}

    def row(data: dict[str, Any]) -> Row:
        return Row("k", Group("1k1k", "p"), tuple(data), tuple(data.values()))

    assert v3.identity(row(old), "v2") == v3.identity(row(new))
    assert v3.identity(row({**old, "tp": 8}), "v2") != v3.identity(row(new))
    assert v3.identity(row({**new, "pp": 2})) != v3.identity(row(new))
