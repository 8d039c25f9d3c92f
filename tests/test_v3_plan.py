"""`sweepgen plan` on v3 configs: fixed jobs per sequence length and model, agentic jobs per model,
multinode jobs and eval jobs in matrices of their own; together exactly full-sweep's jobs."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, corpus_dir
from test_plan import check_invariants, parse_github_output
from test_v3_expand import RUNNERS, TOY, TOYAG, TOYMN

FOLDER = "inferencex-843c6254f"
MASTERS = ("nvidia-master.yaml", "amd-master.yaml")
NAME = re.compile(r"(1k1k|8k1k|[0-9]+_[0-9]+|agentic)-[a-z0-9_.-]+?(-multinode)?(-eval)?(-[0-9]+)?")


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "m.yaml").write_text(TOY + TOYAG + TOYMN)
    (tmp_path / "runners.yaml").write_text(RUNNERS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def output(run, *args: str) -> Any:  # type: ignore[no-untyped-def]
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def check_kinds(plan: dict[str, list[dict[str, Any]]]) -> None:
    """Each matrix holds one kind of job: its name says fixed or agentic, multinode or not, eval or not."""
    for name, jobs in plan.items():
        assert NAME.fullmatch(name), name
        for job in jobs:
            assert ("scenario-type" in job) == name.startswith("agentic-"), name
            assert ("prefill" in job) == ("-multinode" in name), name
            assert (job.get("run-eval") is True) == ("-eval" in name), name


def test_plan_matrices_of_the_made_up_configs(run, toy: Path) -> None:
    files = ("--config-files", "m.yaml", "--runner-config", "runners.yaml")
    plan = output(run, "plan", *files)
    full = output(run, "full-sweep", *files)
    assert {name: len(jobs) for name, jobs in plan.items()} == {
        "8k1k-toy": 4, "8k1k-toy-eval": 2, "2048_128-toy": 1, "agentic-toyag": 6, "1k1k-toymn-multinode": 2,
        "agentic-toymn-multinode": 5}
    check_invariants(plan, full, 256)
    check_kinds(plan)
    assert list(output(run, "plan", *files, "--no-evals")) == [
        "8k1k-toy", "2048_128-toy", "agentic-toyag", "1k1k-toymn-multinode", "agentic-toymn-multinode"]
    assert list(output(run, "plan", *files, "--evals-only")) == [
        "8k1k-toy-eval", "agentic-toyag-eval", "agentic-toymn-multinode-eval"]
    assert list(output(run, "plan", *files, "--scenario-type", "agentic-coding", "--single-node")) == [
        "agentic-toyag"]


def test_plan_shards_slots_and_github_output(run, toy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = ("--config-files", "m.yaml", "--runner-config", "runners.yaml")
    plan = output(run, "plan", *files, "--no-evals", "--max-jobs", "2", "--slots", "3")
    assert {n: len(m) for n, m in plan.items() if n.startswith("agentic-toyag")} == {
        "agentic-toyag-1": 2, "agentic-toyag-2": 2, "agentic-toyag-3": 2}
    assert plan["2048_128-toy-3"] == []
    result = run("plan", *files, "--no-evals", "--max-jobs", "2", "--slots", "2")
    assert result.exit_code == 1
    assert result.stderr == ("sweepgen: error: group '8k1k-toy' has 6 jobs: 2 slots of at most 2 jobs hold 4; "
                             "it needs --slots 3 or --max-jobs 3\n")
    target = toy / "out.txt"
    monkeypatch.setenv("GITHUB_OUTPUT", str(target))
    plan = output(run, "plan", *files, "--github-output")
    written = parse_github_output(target.read_text())
    assert json.loads(written["names"]) == list(plan) and written["total"] == "20"
    assert all(json.loads(written[name]) == jobs for name, jobs in plan.items())


def test_plan_of_todays_configs(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(corpus_dir(FOLDER))
    files = ("--config-files", *MASTERS, "--runner-config", "runners.yaml")
    for flags in ((), ("--evals-only",), ("--no-evals", "--scenario-type", "agentic-coding")):
        plan = output(run, "plan", *files, *flags)
        check_invariants(plan, output(run, "full-sweep", *files, *flags), 256)
        check_kinds(plan)


def _replicate() -> Any:
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.replicate


@pytest.fixture(scope="module")
def tenfold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Today's configs, every entry ten times (under new keys): 18,200 jobs."""
    source = corpus_dir(FOLDER)
    folder = tmp_path_factory.mktemp("v3x10")
    replicate = _replicate()
    for name in MASTERS:
        replicate(source / name, 10, folder / name)
    (folder / "runners.yaml").write_text((source / "runners.yaml").read_text())
    return folder


SPLITS = (("--scenario-type", "fixed-seq-len", "--seq-lens", "1k1k"),
          ("--scenario-type", "fixed-seq-len", "--seq-lens", "8k1k"),
          ("--scenario-type", "agentic-coding"))


def test_todays_plan_split_by_scenario_and_sequence_length_fits_github_outputs(
        run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One plan job per scenario and sequence length: each job's outputs within GitHub's 1 MB, well-formed,
    and together exactly full-sweep's jobs."""
    monkeypatch.chdir(corpus_dir(FOLDER))
    files = ("--config-files", *MASTERS, "--runner-config", "runners.yaml")
    together: dict[str, list[Any]] = {}
    for i, split in enumerate(SPLITS):
        target = tmp_path / f"out{i}.txt"
        target.write_text("")
        monkeypatch.setenv("GITHUB_OUTPUT", str(target))
        plan = output(run, "plan", *files, *split, "--slots", "2", "--github-output")
        written = parse_github_output(target.read_text())
        assert target.stat().st_size < 1_000_000
        assert json.loads(written["names"]) == list(plan)
        assert {name: json.loads(written[name]) for name in plan} == plan
        assert not set(plan) & set(together)
        together.update(plan)
    monkeypatch.delenv("GITHUB_OUTPUT")
    check_invariants({n: m for n, m in together.items() if m}, output(run, "full-sweep", *files), 256)


def test_plan_of_a_tenfold_replica(run, tenfold: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sweepgen import ghoutput

    monkeypatch.chdir(tenfold)
    files = ("--config-files", *MASTERS, "--runner-config", "runners.yaml")
    full = output(run, "full-sweep", *files)
    assert len(full) == 18200
    plan = output(run, "plan", *files)
    check_invariants(plan, full, 256)
    check_kinds(plan)
    # replicas are the same jobs: a topology's eval job is chosen once, so most multinode jobs are throughput jobs
    sizes = [len(m) for n, m in plan.items() if re.fullmatch(r"8k1k-dsr1-multinode-[0-9]+", n)]
    assert len(sizes) > 1 and max(sizes) - min(sizes) <= 1  # balanced shards
    # ten times today's jobs are ten times GitHub's 1 MB of outputs per job: one plan job cannot carry them
    outputs = {name: json.dumps(m) for name, m in plan.items()}
    with pytest.raises(ghoutput.OutputError, match="^the outputs total [0-9]+ bytes; GitHub allows 1000000 bytes"):
        ghoutput.write_outputs(tenfold / "all.txt", {**outputs, "names": json.dumps(list(plan)), "total": "18200"})
    # split across jobs (whole matrices, each job's outputs under 1 MB), every output is well-formed
    jobs: list[dict[str, str]] = [{}]
    for name, text in outputs.items():
        assert len(text) < 1_000_000
        if sum(len(v) + len(k) + 100 for k, v in jobs[-1].items()) + len(text) > 900_000:
            jobs.append({})
        jobs[-1][name] = text
    seen: dict[str, Any] = {}
    for i, outputs in enumerate(jobs):
        path = tenfold / f"job{i}.txt"
        ghoutput.write_outputs(path, outputs)
        seen.update((k, json.loads(v)) for k, v in parse_github_output(path.read_text()).items())
    assert seen == plan and len(jobs) > 10
