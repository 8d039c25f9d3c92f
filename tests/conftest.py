"""Shared fixtures: the real corpus (skipped when absent) and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_dir(name: str) -> Path:
    path = CORPUS / name
    if not path.is_dir():
        pytest.skip(f"real corpus {path} is absent")
    return path


def make_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, master: str, runners: str) -> Path:
    """A repository with configs/nvidia-master.yaml and configs/runners.yaml, as the working directory."""
    (tmp_path / ".git").mkdir()
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "nvidia-master.yaml").write_text(master)
    (configs / "runners.yaml").write_text(runners)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def run(runner: CliRunner, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run `sweepgen ARGS...` as a user would; returns click's Result (stdout, stderr, exit_code)."""
    from sweepgen.cli import cli

    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)

    def _run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return _run
