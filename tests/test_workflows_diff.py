"""The workflows' use of `sweepgen diff`: the reviewer's summary on every config pull request, and
the `run-sweep` label that benchmarks only the jobs a pull request adds (through the scheduler)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from test_workflows import (SCENARIO_FILTERS, SCENARIOS, SWEEPGEN, WORKFLOWS, check_command, first_entry, load,
                            read_outputs, scheduler_command, scheduler_outputs)
from test_workflows import project as project  # noqa: F401 (a fixture)

NEW_IMAGE = "lmsysorg/sglang:v0.5.5-cu129-b200"


def bump_entry(root: Path, key: str) -> None:
    """Edit the working tree as a pull request would: a new image for one entry (its own
    `image:` line, whatever other entries' images begin with)."""
    path = root / "configs" / "nvidia-master.yaml"
    text, count = re.subn(rf"(?m)^({re.escape(key)}:\n(?:[ #].*\n|\n)*?  image: )\S+", rf"\g<1>{NEW_IMAGE}",
                          path.read_text())
    assert count == 1
    path.write_text(text)


def bump_first_entry(root: Path) -> str:
    key = first_entry()[0]
    bump_entry(root, key)
    return key


def entry_of(scenario: str) -> str:
    """The first entry of nvidia-master.yaml with jobs in the scenario."""
    data = yaml.safe_load((ROOT / "configs" / "nvidia-master.yaml").read_text())
    wanted = "agentic-coding" if scenario == "agentic" else "fixed-seq-len"
    return next(key for key, entry in data.items() if entry["scenarios"].get(wanted))


def test_the_lint_job_reads_the_base_branch() -> None:
    job = load(WORKFLOWS / "config-lint.yml")["jobs"]["lint"]
    assert job["steps"][0]["with"]["fetch-depth"] == 0
    (step,) = [s for s in job["steps"] if "sweepgen diff" in s.get("run", "")]
    assert step["env"] == {"BASE_REF": "${{ github.base_ref }}"}


def test_run_sweep_runs_the_scheduler_on_the_added_jobs_of_the_approved_commit() -> None:
    data = load(WORKFLOWS / "run-sweep.yml")
    assert data["on"] == {"pull_request_target": {"types": ["labeled", "unlabeled", "synchronize", "reopened",
                                                             "closed"]}}
    assert data["permissions"] == {} and data["cache-mode"] == "none"
    job = data["jobs"]["benchmark"]
    assert job["needs"] == "approve" and "if" not in job
    assert job["strategy"]["matrix"] == {"scenario": list(SCENARIOS)}  # the nightly sweeps' scenarios
    assert job["uses"] == "./.github/workflows/sweep-scheduler.yml"
    assert job["with"] == {"scenario": "${{ matrix.scenario }}", "diff-base": "origin/${{ github.base_ref }}",
                           "head": "${{ needs.approve.outputs.head }}"}
    assert job["secrets"] == {"HF_TOKEN": "${{ secrets.HF_TOKEN }}"}
    # the benchmarks leave config-lint (pull_request: the pull request's own workflow) for good
    lint = load(WORKFLOWS / "config-lint.yml")
    assert list(lint["jobs"]) == ["lint", "code-scanning"] and "secrets" not in json.dumps(lint)


def test_the_scheduler_takes_an_optional_diff_base() -> None:
    data = load(WORKFLOWS / "sweep-scheduler.yml")
    assert data["on"]["workflow_call"]["inputs"]["diff-base"]["required"] is False
    assert data["on"]["workflow_call"]["inputs"]["diff-base"]["default"] == ""
    assert data["on"]["workflow_call"]["inputs"]["head"]["default"] == ""
    plan = data["jobs"]["plan"]
    assert plan["steps"][0]["with"]["fetch-depth"] == "${{ (inputs.diff-base == '' || inputs.head != '') && 1 || 0 }}"
    # the commit to compare is checked out beside this one; sweepgen is installed from this one
    head = plan["steps"][1]
    assert head["if"] == "inputs.head != ''"
    assert head["with"] == {"persist-credentials": False, "ref": "${{ inputs.head }}", "path": "head", "fetch-depth": 0}
    install = next(s for s in plan["steps"] if "pip install" in s.get("run", ""))
    assert install["run"] == "python -m pip install ." and "working-directory" not in install
    (step,) = [s for s in plan["steps"] if s.get("id") == "plan"]
    assert step["env"]["DIFF_BASE"] == "${{ inputs.diff-base }}"
    assert step["working-directory"] == "${{ inputs.head != '' && 'head' || '.' }}"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_scheduler_plans_only_the_added_jobs(scenario: str, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pull request's bump, through the diff branch of the plan step, the check step and the
    job outputs as Actions resolves them: exactly the bumped entry's jobs of that scenario, eval
    marks included, under the nightly sweep's matrix names."""
    from click.testing import CliRunner

    from sweepgen import ghaction
    from sweepgen.cli import cli

    key = entry_of(scenario)
    bump_entry(project, key)
    runner = CliRunner()
    result = runner.invoke(cli, list(scheduler_command(scenario, diff=True).argv[1:]))
    assert result.exit_code == 0, result.output
    written = read_outputs(project / "GITHUB_OUTPUT")

    monkeypatch.setenv("NAMES", written["names"])
    assert ghaction.main(list(check_command(scenario).argv[3:])) == 0

    expected = json.loads(runner.invoke(cli, ["test-config", "--config-keys", key, *SCENARIO_FILTERS[scenario]],
                                        env={"GITHUB_ACTIONS": ""}).stdout)
    planned = [row for rows in scheduler_outputs(written, scenario).values() for row in rows]
    assert sorted(map(json.dumps, planned)) == sorted(map(json.dumps, expected))
    assert {job["image"] for job in planned} == {NEW_IMAGE}
    assert int(written["total"]) == len(expected) > 0


def test_a_change_that_adds_no_job_of_the_scenario(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pull request that changes only fixed jobs plans nothing for the agentic scenario: no
    matrix, `names` [] (the check passes) and every scheduler job reads '' and is skipped."""
    from click.testing import CliRunner

    from sweepgen import ghaction
    from sweepgen.cli import cli

    bump_entry(project, entry_of("1k1k"))
    result = CliRunner().invoke(cli, list(scheduler_command("agentic", diff=True).argv[1:]))
    assert result.exit_code == 0, result.output
    written = read_outputs(project / "GITHUB_OUTPUT")
    assert (written["names"], written["total"]) == ("[]", "0")
    monkeypatch.setenv("NAMES", written["names"])
    assert ghaction.main(list(check_command("agentic").argv[3:])) == 0
    assert all(rows == [] for rows in scheduler_outputs(written, "agentic").values())


def test_the_reviewers_summary_step(project: Path) -> None:
    from click.testing import CliRunner

    from sweepgen.cli import cli

    key, image = first_entry()
    bump_first_entry(project)
    (step,) = [c for c in SWEEPGEN if c.where.startswith("config-lint.yml") and c.argv[1] == "diff"]
    result = CliRunner().invoke(cli, list(step.argv[1:]))
    assert result.exit_code == 0, result.output
    summary = (project / "GITHUB_STEP_SUMMARY").read_text()
    assert summary == result.stdout
    assert summary.startswith("## sweepgen diff: origin/main -> working tree\n")
    assert f"| `{key}` |" in summary and f"image `{image}` -> `{NEW_IMAGE}`" in summary
