"""Config files that are symbolic links leading out of the repository are refused, and nothing of
what they point to is ever shown (a token once appeared in an annotation and the step summary)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT

SECRET = "ghp_0123456789abcdefSECRET"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(f"token: {SECRET}\nother: {{a: [1, {SECRET}]}}\n")
    top = tmp_path / "repo"
    (top / ".git").mkdir(parents=True)
    (top / "configs").mkdir()
    (top / "configs" / "runners.yaml").write_text((ROOT / "configs" / "runners.yaml").read_text())
    (top / "configs" / "nvidia-master.yaml").symlink_to(outside / "secret.yaml")
    monkeypatch.chdir(top)
    return top


MESSAGE = ("configs/nvidia-master.yaml:1:1: error: is a symbolic link to a file outside the repository; "
           "sweepgen reads only files inside it [unreadable]\n")


def test_lint_refuses_a_link_out_of_the_repository(run, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = run("lint")
    assert text.exit_code == 1 and text.stdout == MESSAGE
    summary = repo / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    outputs = [text.stdout, text.stderr]
    for fmt in ("json", "github"):
        result = run("lint", "--format", fmt)
        assert result.exit_code == 1
        outputs += [result.stdout, result.stderr]
    report = json.loads(run("lint", "--format", "json").stdout)
    assert [(p["path"], p["rule"]) for p in report["problems"]] == [("configs/nvidia-master.yaml", "unreadable")]
    outputs.append(summary.read_text())
    assert all(SECRET not in out for out in outputs)


def test_expanding_and_editing_commands_refuse_it_too(run, repo: Path) -> None:
    for args in (["full-sweep"], ["plan"], ["export"],
                 ["bump-image", "--key", "token", "--to", "a/b:1"], ["set", "token.x", "1"]):
        result = run(*args)
        assert result.exit_code == 1, args
        assert SECRET not in result.stdout + result.stderr
    assert SECRET in (repo.parent / "outside" / "secret.yaml").read_text()  # untouched


def test_a_link_inside_the_repository_is_read(run, repo: Path) -> None:
    (repo / "configs" / "nvidia-master.yaml").unlink()
    (repo / "real").mkdir()
    (repo / "real" / "m.yaml").write_text((ROOT / "configs" / "nvidia-master.yaml").read_text())
    (repo / "configs" / "nvidia-master.yaml").symlink_to(repo / "real" / "m.yaml")
    result = run("lint", "--format", "json")
    assert result.exit_code == 0, result.stdout
    assert {f["path"] for f in json.loads(result.stdout)["summary"]["files"]} >= {"configs/nvidia-master.yaml"}
