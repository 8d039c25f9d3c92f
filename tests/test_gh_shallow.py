"""`sweepgen diff` in a shallow clone, as actions/checkout makes one by default (`fetch-depth: 1`):
the base revision is missing, and the error says why and how to fetch it. The advice is then
followed literally, and the same diff works."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

ACTIONS = "(in GitHub Actions, check out with `fetch-depth: 0`, which fetches every branch)"


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def upstream(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with the project's configs: `main` has two commits (the second bumps one
    image), and a branch `release` of its own."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "t")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "t@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "t")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "t@example.com")
    src = tmp_path / "upstream"
    src.mkdir()
    git(src, "init", "-q", "-b", "main")
    shutil.copytree(ROOT / "configs", src / "configs")
    git(src, "add", "configs")
    git(src, "commit", "-q", "-m", "configs")
    git(src, "branch", "release")
    master = src / "configs" / "nvidia-master.yaml"
    image = re.search(r"image: (\S+)", master.read_text())[1]
    master.write_text(master.read_text().replace(f"image: {image}", "image: lmsysorg/sglang:v9.9.9", 1))
    git(src, "commit", "-q", "-am", "bump one image")
    return src


@pytest.fixture
def shallow(upstream: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{upstream}", str(clone))
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    monkeypatch.chdir(clone)
    return clone


def error_line(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    (line,) = result.stderr.splitlines()
    return str(line)


def test_a_missing_parent_says_the_clone_is_shallow(run, shallow: Path) -> None:  # type: ignore[no-untyped-def]
    assert error_line(run("diff", "--base", "HEAD~1")) == (
        "sweepgen: error: --base: unknown revision 'HEAD~1' (git: bad revision 'HEAD~1'); this clone is shallow "
        "(it has 1 commit of history), so older commits are missing: fetch them with `git fetch --unshallow` "
        f"{ACTIONS}")
    advice = re.search(r"fetch them with `([^`]+)`", run("diff", "--base", "HEAD~1").stderr)[1]
    subprocess.run(shlex.split(advice), cwd=shallow, check=True, capture_output=True)
    result = run("diff", "--base", "HEAD~1")
    assert result.exit_code == 0, result.output
    diff = json.loads(result.stdout)
    assert diff["added"] and {job["image"] for job in diff["added"]} == {"lmsysorg/sglang:v9.9.9"}


def test_a_missing_branch_of_a_shallow_clone(run, shallow: Path) -> None:  # type: ignore[no-untyped-def]
    """A `--depth` clone is single-branch too: --unshallow alone would not bring origin/release."""
    message = error_line(run("diff", "--base", "origin/release"))
    assert message == (
        "sweepgen: error: --base: unknown revision 'origin/release' (git: bad revision 'origin/release'); this "
        "clone is shallow (it has 1 commit of history), so older commits are missing: fetch them with "
        "`git fetch --unshallow` and the branch with "
        f"`git fetch origin +refs/heads/release:refs/remotes/origin/release` {ACTIONS}")
    for advice in re.findall(r"`(git fetch [^`]+)`", message):
        subprocess.run(shlex.split(advice), cwd=shallow, check=True, capture_output=True)
    result = run("diff", "--base", "origin/release")
    assert result.exit_code == 0, result.output
    assert {job["image"] for job in json.loads(result.stdout)["added"]} == {"lmsysorg/sglang:v9.9.9"}


def test_a_missing_branch_of_a_full_clone(run, upstream: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    clone = tmp_path / "single"
    git(tmp_path, "clone", "-q", "--single-branch", "--branch", "main", f"file://{upstream}", str(clone))
    monkeypatch.chdir(clone)
    message = error_line(run("diff", "--base", "origin/release"))
    assert message == (
        "sweepgen: error: --base: unknown revision 'origin/release' (git: bad revision 'origin/release'); branch "
        "'release' of remote 'origin' has not been fetched: fetch it with "
        f"`git fetch origin +refs/heads/release:refs/remotes/origin/release` {ACTIONS}")
    (advice,) = re.findall(r"`(git fetch [^`]+)`", message)
    subprocess.run(shlex.split(advice), cwd=clone, check=True, capture_output=True)
    assert run("diff", "--base", "origin/release").exit_code == 0


def test_a_revision_that_exists_nowhere_gets_no_advice(run, upstream: Path,  # type: ignore[no-untyped-def]
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(upstream)
    assert error_line(run("diff", "--base", "HEAD~5")) == (
        "sweepgen: error: --base: unknown revision 'HEAD~5' (git: bad revision 'HEAD~5')")
    assert error_line(run("diff", "--base", "nope/branch")) == (
        "sweepgen: error: --base: unknown revision 'nope/branch' (git: bad revision 'nope/branch')")
