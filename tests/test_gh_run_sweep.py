"""run-sweep.yml and bump-image.yml's concurrency, as Actions evaluates them: which events share
a group (and so cancel each other), which jobs run, and the approval checks' own scripts run by
bash against a stand-in `gh` that answers as the API would."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from test_gh_expressions import evaluate, render
from test_workflows import WORKFLOWS, load

RUN_SWEEP = load(WORKFLOWS / "run-sweep.yml")
BUMP = load(WORKFLOWS / "bump-image.yml")
REPO = "org/bench"
SHA = "a" * 40


def event(action: str, label: str | None = None, labels: tuple[str, ...] = (), head_repo: str = REPO) -> dict[str, Any]:
    payload: dict[str, Any] = {"action": action, "sender": {"login": "maintainer"}, "pull_request": {
        "number": 12, "labels": [{"name": n} for n in labels], "head": {"sha": SHA, "repo": {"full_name": head_repo}}}}
    if label is not None:
        payload["label"] = {"name": label}
    return {"github": {"event": payload, "event_name": "pull_request_target", "run_id": 99, "repository": REPO,
                       "base_ref": "main", "token": "t"}}


def condition(text: str, contexts: dict[str, Any]) -> bool:
    return bool(evaluate(text.replace("${{", "").replace("}}", ""), contexts))


@pytest.mark.parametrize("action, label, group", [
    ("labeled", "run-sweep", "run-sweep-12"),
    ("unlabeled", "run-sweep", "run-sweep-12"),
    ("synchronize", None, "run-sweep-12"),
    ("reopened", None, "run-sweep-12"),
    ("closed", None, "run-sweep-12"),
    ("labeled", "documentation", "run-sweep-other-99"),
    ("unlabeled", "documentation", "run-sweep-other-99"),
])
def test_only_the_events_that_change_the_approval_share_the_pull_requests_group(action: str, label: str | None,
                                                                                group: str) -> None:
    assert RUN_SWEEP["concurrency"]["cancel-in-progress"] is True
    assert render(RUN_SWEEP["concurrency"]["group"], event(action, label)) == group


@pytest.mark.parametrize("action, label, labels, jobs", [
    ("labeled", "run-sweep", ("run-sweep",), {"approve"}),
    ("labeled", "documentation", ("run-sweep", "documentation"), set()),
    ("synchronize", None, ("run-sweep",), {"revoke"}),
    ("synchronize", None, (), set()),
    ("reopened", None, ("run-sweep",), {"revoke"}),
    ("unlabeled", "run-sweep", (), set()),
    ("closed", None, ("run-sweep",), set()),
])
def test_which_jobs_start(action: str, label: str | None, labels: tuple[str, ...], jobs: set[str]) -> None:
    given = event(action, label, labels)
    started = {name for name, job in RUN_SWEEP["jobs"].items() if "if" in job and condition(job["if"], given)}
    assert started == jobs
    assert RUN_SWEEP["jobs"]["benchmark"]["needs"] == "approve"  # runs only after an approval


def fake_gh(tmp_path: Path, permission: str, head: str) -> Path:
    """A `gh` that answers `api .../permission` and `api .../pulls/N` and logs every call."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(f"""#!/bin/bash
echo "$*" >> "{tmp_path}/gh.log"
case "$*" in
  *"/permission --jq .permission") echo {permission} ;;
  *"/pulls/"*"--jq .head.sha") echo {head} ;;
  "api --method DELETE "*) ;;
  *) echo "unexpected gh $*" >&2; exit 2 ;;
esac
""")
    (bin_dir / "gh").chmod(0o755)
    return bin_dir


def run_step(step: dict[str, Any], contexts: dict[str, Any], tmp_path: Path, bin_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {name: str(render(value, contexts)) for name, value in step["env"].items()}
    output = tmp_path / "output"
    output.touch()
    env.update(PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", GITHUB_OUTPUT=str(output))
    return subprocess.run(["bash", "-e", "-c", step["run"]], env=env, capture_output=True, text=True, timeout=60)


APPROVE = RUN_SWEEP["jobs"]["approve"]["steps"][0]


def test_an_approval_by_a_writer_passes_the_labelled_commit_on(tmp_path: Path) -> None:
    done = run_step(APPROVE, event("labeled", "run-sweep", ("run-sweep",)), tmp_path, fake_gh(tmp_path, "write", SHA))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "output").read_text() == f"head={SHA}\n"
    assert RUN_SWEEP["jobs"]["approve"]["outputs"] == {"head": "${{ steps.check.outputs.head }}"}


@pytest.mark.parametrize("permission, head, head_repo, message", [
    ("write", SHA, "someone/fork", "pull requests from forks are not benchmarked: push the branch to org/bench first"),
    ("triage", SHA, REPO, "the run-sweep label needs write permission; maintainer has triage"),
    ("read", SHA, REPO, "the run-sweep label needs write permission; maintainer has read"),
    ("admin", "b" * 40, REPO, f"the pull request moved from {SHA} to {'b' * 40} after the label; label it again"),
])
def test_an_approval_is_refused(permission: str, head: str, head_repo: str, message: str, tmp_path: Path) -> None:
    given = event("labeled", "run-sweep", ("run-sweep",), head_repo=head_repo)
    done = run_step(APPROVE, given, tmp_path, fake_gh(tmp_path, permission, head))
    assert done.returncode == 1
    assert done.stdout.strip().splitlines()[-1] == f"::error title=run-sweep::{message}"
    assert (tmp_path / "output").read_text() == ""


def test_a_push_removes_the_label(tmp_path: Path) -> None:
    (step,) = RUN_SWEEP["jobs"]["revoke"]["steps"]
    done = run_step(step, event("synchronize", labels=("run-sweep",)), tmp_path, fake_gh(tmp_path, "write", SHA))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "gh.log").read_text() == "api --method DELETE repos/org/bench/issues/12/labels/run-sweep\n"
    assert RUN_SWEEP["jobs"]["revoke"]["permissions"] == {"pull-requests": "write"}


def test_a_comment_never_enters_the_bumps_group() -> None:
    """No workflow-level group: only the bump job, which runs after the request was accepted, has
    one, per pull request (or issue) for comments and per run for manual runs."""
    assert "concurrency" not in BUMP
    assert "concurrency" not in BUMP["jobs"]["request"]
    group = BUMP["jobs"]["bump"]["concurrency"]
    assert group["cancel-in-progress"] is False
    comment = {"github": {"event": {"issue": {"number": 31}, "comment": {"body": "/bump-image k x/y:1"}}, "run_id": 5}}
    dispatch = {"github": {"event": {"inputs": {}}, "run_id": 6}}
    assert render(group["group"], comment) == "bump-image-issue-31"
    assert render(group["group"], dispatch) == "bump-image-run-6"
    assert BUMP["jobs"]["bump"]["needs"] == "request"
