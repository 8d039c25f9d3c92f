"""The workflows' use of `sweepgen diff`: the reviewer's summary on every config pull request, and
the `run-sweep` label that benchmarks only the jobs a pull request adds (through the scheduler)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from test_workflows import GHACTION, SEQ_LENS, SWEEPGEN, WORKFLOWS, first_entry, load, read_outputs
from test_workflows import project as project  # noqa: F401 (a fixture)

NEW_IMAGE = "lmsysorg/sglang:v0.5.5-cu129-b200"


def bump_first_entry(root: Path) -> str:
    """Edit the working tree as a pull request would: a new image for the first entry."""
    key, image = first_entry()
    path = root / "configs" / "nvidia-master.yaml"
    path.write_text(path.read_text().replace(f"image: {image}", f"image: {NEW_IMAGE}", 1))
    return key


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
    assert job["strategy"]["matrix"] == {"seq-len": list(SEQ_LENS)}
    assert job["uses"] == "./.github/workflows/sweep-scheduler.yml"
    assert job["with"] == {"seq-len": "${{ matrix.seq-len }}", "diff-base": "origin/${{ github.base_ref }}",
                           "head": "${{ needs.approve.outputs.head }}"}
    assert job["secrets"] == {"HF_TOKEN": "${{ secrets.HF_TOKEN }}"}
    # the benchmarks leave config-lint (pull_request: the pull request's own workflow) for good
    lint = load(WORKFLOWS / "config-lint.yml")
    assert list(lint["jobs"]) == ["lint"] and "secrets" not in json.dumps(lint)


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


@pytest.mark.parametrize("seq", SEQ_LENS)
def test_the_scheduler_plans_only_the_added_jobs(seq: str, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pull request's bump, through the diff branch of the plan step, the check step and the
    job outputs as Actions resolves them: exactly the bumped entry's jobs of that sequence length."""
    from click.testing import CliRunner

    from sweepgen import ghaction
    from sweepgen.cli import cli

    key = bump_first_entry(project)
    runner = CliRunner()
    (diff_cmd,) = [c for c in SWEEPGEN if c.where.startswith("sweep-scheduler.yml") and seq in c.argv
                   and c.argv[1] == "diff"]
    result = runner.invoke(cli, list(diff_cmd.argv[1:]))
    assert result.exit_code == 0, result.output
    written = read_outputs(project / "GITHUB_OUTPUT")

    (check_cmd,) = [c for c in GHACTION if c.where.startswith("sweep-scheduler.yml") and seq in c.argv]
    monkeypatch.setenv("NAMES", written["names"])
    assert ghaction.main(list(check_cmd.argv[3:])) == 0

    expected = json.loads(runner.invoke(cli, ["full-sweep", "--model-prefix", key, "--seq-lens", seq]).stdout)
    planned = []
    for expression in load(WORKFLOWS / "sweep-scheduler.yml")["jobs"]["plan"]["outputs"].values():
        name = re.search(r"format\('\{0\}-([\w-]+)'", expression)[1]
        planned += json.loads(written.get(f"{seq}-{name}", "[]"))
    assert planned == expected
    assert {job["image"] for job in planned} == {NEW_IMAGE}
    assert int(written["total"]) == len(expected) > 0


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
