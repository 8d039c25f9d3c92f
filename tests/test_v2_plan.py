"""`sweepgen plan` on v2 configs: multinode jobs in matrices of their own."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from test_expand_cli import error, ok
from test_plan import check_invariants, parse_github_output
from test_v2_expand import MULTI, SINGLE, V2_MASTER, project  # noqa: F401 (project is a fixture)
from test_v2_expand_corpus import last_era  # noqa: F401 (last_era is a fixture)
from conftest import corpus_dir


def test_plan_puts_multinode_jobs_in_their_own_matrices(run, project) -> None:
    assert ok(run("plan")) == json.dumps({
        "1k1k-dsr1": SINGLE[:6], "8k1k-dsr1": SINGLE[6:7], "1k8k-gptoss": SINGLE[7:],
        "1k1k-dsr1-multinode": MULTI}) + "\n"


def test_plan_takes_the_node_kind_flags(run, project) -> None:
    assert ok(run("plan", "--multi-node")) == json.dumps({"1k1k-dsr1-multinode": MULTI}) + "\n"
    assert list(json.loads(ok(run("plan", "--single-node")))) == ["1k1k-dsr1", "8k1k-dsr1", "1k8k-gptoss"]
    assert ok(run("plan", "--multi-node", "--test-mode")) == json.dumps(
        {"1k1k-dsr1-multinode": [{**MULTI[0], "conc": [1]}]}) + "\n"


def test_plan_shards_and_slots_of_multinode_groups(run, project) -> None:
    out = json.loads(ok(run("plan", "--max-jobs", "1", "--multi-node")))
    assert out == {"1k1k-dsr1-multinode-1": MULTI[:1], "1k1k-dsr1-multinode-2": MULTI[1:]}
    out = json.loads(ok(run("plan", "--slots", "2", "--max-jobs", "3")))
    assert {name: len(m) for name, m in out.items()} == {
        "1k1k-dsr1-1": 3, "1k1k-dsr1-2": 3, "8k1k-dsr1-1": 1, "8k1k-dsr1-2": 0, "1k8k-gptoss-1": 2,
        "1k8k-gptoss-2": 0, "1k1k-dsr1-multinode-1": 2, "1k1k-dsr1-multinode-2": 0}


def test_plan_github_output_and_summary_name_the_multinode_matrix(run, project,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    output, summary = project / "out.txt", project / "summary.md"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    ok(run("plan", "--github-output", "--summary"))
    written = parse_github_output(output.read_text())
    assert written["names"] == json.dumps(["1k1k-dsr1", "8k1k-dsr1", "1k8k-gptoss", "1k1k-dsr1-multinode"])
    assert written["total"] == "11"
    assert written["1k1k-dsr1-multinode"] == json.dumps(MULTI)
    assert summary.read_text() == (
        "## sweepgen plan: 11 jobs in 4 matrices\n"
        "\n"
        "| matrix | jobs | model | seq-len | shards |\n"
        "|---|---:|---|---|---|\n"
        "| `1k1k-dsr1` | 6 | dsr1 | 1k1k | 1/1 |\n"
        "| `8k1k-dsr1` | 1 | dsr1 | 8k1k | 1/1 |\n"
        "| `1k8k-gptoss` | 2 | gptoss | 1k8k | 1/1 |\n"
        "| `1k1k-dsr1-multinode` | 2 | dsr1 | 1k1k | 1/1 |\n")


def test_plan_refuses_a_single_node_group_named_like_a_multinode_one(run, project) -> None:
    (project / "configs" / "nvidia-master.yaml").write_text(
        V2_MASTER.replace("model-prefix: gptoss", "model-prefix: dsr1-multinode")
        .replace("osl: 8192", "osl: 1024").replace("gptoss-fp4-h200-vllm", "dsr1-multinode-fp4-h200-vllm"))
    assert error(run("plan")) == (
        "sweepgen: error: the jobs of model 'dsr1-multinode' at 1k1k and the multinode jobs of model 'dsr1' "
        "at 1k1k would share the matrix '1k1k-dsr1-multinode' (names are lowercased, each run of characters "
        "outside a-z, 0-9 and '-' becomes '_'); rename a model-prefix\n")


def test_plan_of_the_last_v2_configs(run, last_era: tuple[str, ...]) -> None:  # noqa: F811
    full = json.loads(ok(run("full-sweep", *last_era)))
    plan = json.loads(ok(run("plan", *last_era)))
    check_invariants(plan, full, 256)
    for name, matrix in plan.items():
        multinode = name.endswith("-multinode")
        assert all(("prefill" in e) == multinode for e in matrix), name
        assert re.fullmatch(r"(1k1k|1k8k|8k1k)-[a-z0-9_-]+", name)
    names = list(plan)
    first_multinode = next(i for i, n in enumerate(names) if n.endswith("-multinode"))
    assert all(n.endswith("-multinode") for n in names[first_multinode:])  # in full-sweep's order
    assert "1k1k-dsr1-multinode" in plan and "1k1k-dsr1" in plan
    # fixed slots (as the sweep scheduler uses them)
    slotted = json.loads(ok(run("plan", *last_era, "--slots", "3", "--max-jobs", "100")))
    check_invariants({name: m for name, m in slotted.items() if m}, full, 100)
    assert len(slotted) == 3 * len(plan)
    # model-prefix glm5.1 is named glm5_1, so it never collides with shard 1 of a sharded glm5
    small = json.loads(ok(run("plan", *last_era, "--max-jobs", "40")))
    check_invariants(small, full, 40)
    assert "1k1k-glm5_1" in small and "1k1k-glm5-1" in small


def test_plan_of_the_first_v2_configs(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(corpus_dir("inferencemax-93e1b3ca1"))
    files = ("--config-files", "nvidia-master.yaml", "amd-master.yaml", "--runner-config", "runners.yaml")
    multi = json.loads(Path("expected/full-sweep-multi-node.json").read_text(encoding="utf-8"))
    plan = json.loads(ok(run("plan", *files, "--multi-node")))
    assert {name: len(m) for name, m in plan.items()} == {
        "1k1k-dsr1-multinode": 13, "8k1k-dsr1-multinode": 11}
    check_invariants(plan, multi, 256)
    check_invariants(json.loads(ok(run("plan", *files))), json.loads(ok(run("full-sweep", *files))), 256)
