"""`sweepgen plan` as a user runs it: naming, sharding, slots, GitHub outputs and summary."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, corpus_dir
from test_expand_cli import FULL, MASTER, error, ok, project  # noqa: F401 (project is a fixture)

SEED = "inferencemax-17d5e204f"


def parse_github_output(text: str) -> dict[str, str]:
    """Read $GITHUB_OUTPUT back the way the runner does: name<<DELIM / value / DELIM."""
    out: dict[str, str] = {}
    lines = text.split("\n")
    assert lines[-1] == ""
    i = 0
    while i < len(lines) - 1:
        name, delimiter = lines[i].split("<<", 1)
        assert re.fullmatch(r"ghadelimiter_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                            delimiter)
        end = lines.index(delimiter, i + 1)
        out[name] = "\n".join(lines[i + 1:end])
        i = end + 1
    return out


def key(entry: dict[str, Any]) -> str:
    return json.dumps(entry)


def check_invariants(plan: dict[str, list[dict[str, Any]]], full: list[dict[str, Any]], max_jobs: int) -> None:
    assert all(0 < len(m) <= max_jobs for m in plan.values())
    assert Counter(key(e) for m in plan.values() for e in m) == Counter(key(e) for e in full)
    assert all(re.fullmatch(r"[a-z0-9_-]+", name) for name in plan)
    assert all(len(json.dumps(m)) < 1_000_000 for m in plan.values())


def test_plan_groups_by_sequence_length_and_model(run, project) -> None:
    out = ok(run("plan"))
    assert out == json.dumps({"1k1k-dsr1": FULL[:8], "8k1k-dsr1": FULL[8:9], "1k8k-gptoss": FULL[9:]}) + "\n"


def test_plan_shards_are_balanced_and_contiguous(run, project) -> None:
    out = json.loads(ok(run("plan", "--max-jobs", "3")))
    assert {name: len(m) for name, m in out.items()} == {
        "1k1k-dsr1-1": 3, "1k1k-dsr1-2": 3, "1k1k-dsr1-3": 2, "8k1k-dsr1": 1, "1k8k-gptoss": 2}
    assert out["1k1k-dsr1-1"] + out["1k1k-dsr1-2"] + out["1k1k-dsr1-3"] == FULL[:8]


def test_plan_takes_full_sweep_filters(run, project) -> None:
    out = ok(run("plan", "--model-prefix", "dsr1", "--seq-lens", "1k1k", "--step-size", "4"))
    full = json.loads(ok(run("full-sweep", "--model-prefix", "dsr1", "--seq-lens", "1k1k", "--step-size", "4")))
    assert out == json.dumps({"1k1k-dsr1": full}) + "\n"
    assert error(run("plan", "--model-prefix", "llama")) == (
        "sweepgen: error: No configs found matching filters: model-prefix=['llama']\n")


def test_plan_slots(run, project) -> None:
    out = json.loads(ok(run("plan", "--slots", "3", "--max-jobs", "4")))
    assert {name: len(m) for name, m in out.items()} == {
        "1k1k-dsr1-1": 4, "1k1k-dsr1-2": 4, "1k1k-dsr1-3": 0,
        "8k1k-dsr1-1": 1, "8k1k-dsr1-2": 0, "8k1k-dsr1-3": 0,
        "1k8k-gptoss-1": 2, "1k8k-gptoss-2": 0, "1k8k-gptoss-3": 0}
    assert error(run("plan", "--slots", "2", "--max-jobs", "3")) == (
        "sweepgen: error: group '1k1k-dsr1' has 8 jobs: 2 slots of at most 3 jobs hold 6; "
        "it needs --slots 3 or --max-jobs 4\n")


def test_plan_github_output_and_summary(run, project, monkeypatch: pytest.MonkeyPatch) -> None:
    output, summary = project / "out.txt", project / "summary.md"
    output.write_text("earlier=1\n")
    summary.write_text("")
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    stdout = ok(run("plan", "--max-jobs", "5", "--github-output", "--summary"))
    text = output.read_text()
    assert text.startswith("earlier=1\n")
    written = parse_github_output(text[len("earlier=1\n"):])
    plan = json.loads(stdout)
    names = ["1k1k-dsr1-1", "1k1k-dsr1-2", "8k1k-dsr1", "1k8k-gptoss"]
    assert list(written) == [*names, "names", "total"]
    assert {n: json.loads(written[n]) for n in names} == plan
    assert written["1k1k-dsr1-1"] == json.dumps(FULL[:4])
    assert written["names"] == json.dumps(names)
    assert written["total"] == "11"
    assert summary.read_text() == (
        "## sweepgen plan: 11 jobs in 4 matrices\n"
        "\n"
        "| matrix | jobs | model | seq-len | shards |\n"
        "|---|---:|---|---|---|\n"
        "| `1k1k-dsr1-1` | 4 | dsr1 | 1k1k | 1/2 |\n"
        "| `1k1k-dsr1-2` | 4 | dsr1 | 1k1k | 2/2 |\n"
        "| `8k1k-dsr1` | 1 | dsr1 | 8k1k | 1/1 |\n"
        "| `1k8k-gptoss` | 2 | gptoss | 1k8k | 1/1 |\n")


def test_plan_outside_github_actions_still_prints_the_plan(run, project) -> None:
    # a workflow's command line run outside Actions (no $GITHUB_OUTPUT, no $GITHUB_STEP_SUMMARY)
    expected = json.dumps({"1k1k-dsr1": FULL[:8], "8k1k-dsr1": FULL[8:9], "1k8k-gptoss": FULL[9:]}) + "\n"
    result = run("plan", "--github-output")
    assert (result.exit_code, result.stdout) == (0, expected)
    assert result.stderr == ("sweepgen: note: --github-output: $GITHUB_OUTPUT is not set (not in GitHub Actions); "
                             "the result is printed only\n")
    result = run("plan", "--summary")
    assert (result.exit_code, result.stdout) == (0, expected)
    assert result.stderr == ("sweepgen: note: --summary: $GITHUB_STEP_SUMMARY is not set (not in GitHub Actions); "
                             "no summary written\n")
    result = run("plan", "--slots", "2", "--github-output", "--summary")
    assert result.exit_code == 0
    assert list(json.loads(result.stdout)) == ["1k1k-dsr1-1", "1k1k-dsr1-2", "8k1k-dsr1-1", "8k1k-dsr1-2",
                                               "1k8k-gptoss-1", "1k8k-gptoss-2"]
    assert result.stderr.count("sweepgen: note: ") == 2


def test_plan_names_are_sanitized(run, project) -> None:
    (project / "configs" / "nvidia-master.yaml").write_text(
        MASTER.replace("model-prefix: gptoss", "model-prefix: GPT.oss_v2"))
    out = json.loads(ok(run("plan")))
    assert list(out) == ["1k1k-dsr1", "8k1k-dsr1", "1k8k-gpt_oss_v2"]


def test_plan_of_the_project_configs(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    full = json.loads(ok(run("full-sweep")))
    for max_jobs in ("256", "7"):
        check_invariants(json.loads(ok(run("plan", "--max-jobs", max_jobs))), full, int(max_jobs))


def test_plan_of_the_seed_corpus(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(corpus_dir(SEED))
    files = ("--config-files", "nvidia-master.yaml", "amd-master.yaml")
    full = json.loads(ok(run("full-sweep", *files)))
    plan = json.loads(ok(run("plan", *files)))
    check_invariants(plan, full, 256)
    assert list(plan) == ["1k1k-dsr1", "1k8k-dsr1", "8k1k-dsr1", "1k1k-gptoss", "1k8k-gptoss", "8k1k-gptoss"]
    small = json.loads(ok(run("plan", *files, "--max-jobs", "50")))
    check_invariants(small, full, 50)
    shards: dict[str, list[int]] = {}
    for name, matrix in small.items():
        shards.setdefault(re.sub(r"-\d+$", "", name), []).append(len(matrix))
    assert all(max(lengths) - min(lengths) <= 1 for lengths in shards.values()), shards
    assert any(len(lengths) > 1 for lengths in shards.values())
    slotted = json.loads(ok(run("plan", *files, "--slots", "4", "--max-jobs", "50")))
    assert len(slotted) == 6 * 4
    assert Counter(key(e) for m in slotted.values() for e in m) == Counter(key(e) for e in full)
