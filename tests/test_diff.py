"""`sweepgen diff` as a user runs it, in real git repositories: exact jobs, exact reports, exact errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from test_expand_cli import DSR1, FULL, MASTER, RUNNERS, error, ok, sweep_row

NEW_IMAGE = "lmsysorg/sglang:v0.5.4"
BUMPED = MASTER.replace("lmsysorg/sglang:v0.5.3", NEW_IMAGE)
DSR1_JOBS, GPTOSS_JOBS = FULL[:9], FULL[9:]

TRT = """\
dsr1-fp4-b200-trt:
  image: nvcr.io#nvidia/tensorrt-llm/release:1.1.0rc5
  model: nvidia/DeepSeek-R1-0528-FP4-V2
  model-prefix: dsr1
  runner: b200
  precision: fp4
  framework: trt
  seq-len-configs:
  - isl: 1024
    osl: 1024
    search-space:
    - { tp: 8, conc-start: 4, conc-end: 8 }
"""
TRT_BASE = {"image": "nvcr.io#nvidia/tensorrt-llm/release:1.1.0rc5", "model": "nvidia/DeepSeek-R1-0528-FP4-V2",
            "precision": "fp4", "framework": "trt"}
TRT_JOBS = [sweep_row(TRT_BASE, "b200", 1024, 1024, 8, c, "dsr1_1k1k") for c in (4, 8)]


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose first commit holds configs/nvidia-master.yaml (MASTER) and runners.yaml."""
    for name, value in {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
                        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
                        "GIT_CEILING_DIRECTORIES": str(tmp_path)}.items():
        monkeypatch.setenv(name, value)
    root = tmp_path / "repo"
    (root / "configs").mkdir(parents=True)
    write(root, MASTER)
    (root / "configs" / "runners.yaml").write_text(RUNNERS)
    git(root, "init", "-q", "-b", "main")
    commit(root, "base")
    monkeypatch.chdir(root)
    return root


def write(root: Path, text: str, name: str = "nvidia-master.yaml") -> None:
    (root / "configs" / name).write_text(text)


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)


def diff_json(added: list[dict[str, Any]], removed: list[dict[str, Any]], changed: list[str], unchanged: int) -> str:
    return json.dumps({"added": added, "removed": removed, "changed_keys": changed, "unchanged": unchanged}) + "\n"


def with_image(rows: list[dict[str, Any]], image: str) -> list[dict[str, Any]]:
    return [{**row, "image": image} for row in rows]


# ---------------------------------------------------------------- what a change does to the jobs

def test_an_image_bump_changes_exactly_that_entrys_jobs(run, repo) -> None:
    write(repo, BUMPED)
    result = run("diff", "--base", "HEAD")
    assert ok(result) == diff_json(with_image(DSR1_JOBS, NEW_IMAGE), DSR1_JOBS, ["dsr1-fp8-b200-sglang"], 2)
    assert result.stderr == ""


def test_a_widened_range_adds_exactly_the_new_concurrencies(run, repo) -> None:
    write(repo, MASTER.replace("{ tp: 8, conc-start: 16, conc-end: 64 }", "{ tp: 8, conc-start: 16, conc-end: 256 }"))
    added = [sweep_row(DSR1, "b200", 1024, 1024, 8, c, "dsr1_1k1k") for c in (128, 256)]
    assert ok(run("diff", "--base", "HEAD")) == diff_json(added, [], ["dsr1-fp8-b200-sglang"], 11)
    assert "| `dsr1-fp8-b200-sglang` | 2 | 0 | seq-len-configs |\n" in ok(run("diff", "--base", "HEAD",
                                                                          "--format", "markdown"))


def test_reordering_restyling_and_comments_change_nothing(run, repo) -> None:
    dsr1, gptoss = MASTER.split("gptoss-fp4-h200-vllm:")
    reordered = ("# GPT-OSS first now.\ngptoss-fp4-h200-vllm:" + gptoss + "\n" + dsr1
                 .replace("{ tp: 4, conc-start: 4, conc-end: 32 }", "{tp: 4, ep: 1, conc-start: 4, conc-end: 32}")
                 .replace("  image: lmsysorg/sglang:v0.5.3", "  image: 'lmsysorg/sglang:v0.5.3'  # pinned"))
    write(repo, reordered)
    commit(repo, "reorder")
    assert ok(run("diff", "--base", "HEAD~1", "--head", "HEAD")) == diff_json([], [], [], 11)
    assert ok(run("diff", "--base", "HEAD~1", "--head", "HEAD", "--format", "markdown")) == (
        "## sweepgen diff: HEAD~1 -> HEAD\n\nNo jobs added or removed (11 unchanged).\n")


def test_new_removed_and_bumped_entries_in_the_reviewers_summary(run, repo) -> None:
    dsr1 = BUMPED.split("gptoss-fp4-h200-vllm:")[0]
    write(repo, dsr1 + TRT)
    assert ok(run("diff", "--base", "HEAD")) == diff_json(
        [*with_image(DSR1_JOBS, NEW_IMAGE), *TRT_JOBS], [*DSR1_JOBS, *GPTOSS_JOBS],
        ["dsr1-fp4-b200-trt", "dsr1-fp8-b200-sglang", "gptoss-fp4-h200-vllm"], 0)
    assert ok(run("diff", "--base", "HEAD", "--format", "markdown")) == """\
## sweepgen diff: HEAD -> working tree

**11 jobs added, 11 removed, 0 unchanged** (11 -> 11 jobs).

| entry | added | removed | change |
|---|---:|---:|---|
| `dsr1-fp4-b200-trt` | 2 | 0 | new entry |
| `dsr1-fp8-b200-sglang` | 9 | 9 | image `lmsysorg/sglang:v0.5.3` -> `lmsysorg/sglang:v0.5.4` |
| `gptoss-fp4-h200-vllm` | 0 | 2 | entry removed |

| seq-len | model | before | after | added | removed |
|---|---|---:|---:|---:|---:|
| 1k1k | dsr1 | 8 | 10 | 10 | 8 |
| 8k1k | dsr1 | 1 | 1 | 1 | 1 |
| 1k8k | gptoss | 2 | 0 | 0 | 2 |
"""


def test_several_fields_of_one_entry(run, repo) -> None:
    write(repo, BUMPED.replace("runner: b200", "runner: h200").replace("precision: fp8\n  framework: sglang",
                                                                         "precision: fp8\n  framework: sglang-x"))
    rows = [line for line in ok(run("diff", "--base", "HEAD", "--format", "markdown")).splitlines()
            if line.startswith("| `")]
    assert rows == ["| `dsr1-fp8-b200-sglang` | 9 | 9 | image `lmsysorg/sglang:v0.5.3` -> `lmsysorg/sglang:v0.5.4`; "
                    "framework `sglang` -> `sglang-x`; runner `b200` -> `h200` |"]


def test_identical_jobs_compare_as_multisets(run, repo) -> None:
    copy = MASTER.split("gptoss-fp4-h200-vllm:")[0].replace("dsr1-fp8-b200-sglang:", "dsr1-fp8-b200-sglang-copy:")
    write(repo, MASTER + copy)
    commit(repo, "two entries making the same jobs")
    assert ok(run("diff", "--base", "HEAD~1", "--head", "HEAD")) == diff_json(
        DSR1_JOBS, [], ["dsr1-fp8-b200-sglang-copy"], 11)
    write(repo, MASTER.split("dsr1-fp8-b200-sglang:")[0] + "gptoss-fp4-h200-vllm:"
          + MASTER.split("gptoss-fp4-h200-vllm:")[1] + copy)
    # the original entry goes; its twin's jobs stay, so exactly one of each pair is removed
    assert ok(run("diff", "--base", "HEAD")) == diff_json([], DSR1_JOBS, ["dsr1-fp8-b200-sglang"], 11)


def test_a_renamed_entry_keeps_its_jobs(run, repo) -> None:
    write(repo, MASTER.replace("dsr1-fp8-b200-sglang:", "dsr1-fp8-b200-sglang-v2:"))
    assert ok(run("diff", "--base", "HEAD")) == diff_json([], [], [], 11)


def test_head_revision_leaves_the_working_tree_alone(run, repo) -> None:
    write(repo, BUMPED)
    commit(repo, "bump")
    write(repo, MASTER.replace("conc-end: 64", "conc-end: 128"))
    assert ok(run("diff", "--base", "HEAD~1", "--head", "HEAD")) == diff_json(
        with_image(DSR1_JOBS, NEW_IMAGE), DSR1_JOBS, ["dsr1-fp8-b200-sglang"], 2)
    assert ok(run("diff", "--base", "main~1", "--head", "main")) == ok(run("diff", "--base", "HEAD~1", "--head", "HEAD"))


# ---------------------------------------------------------------- files present at one side only

def test_a_file_missing_at_the_base_is_empty_there(run, repo) -> None:
    write(repo, TRT, "extra-master.yaml")
    result = run("diff", "--base", "HEAD")
    assert ok(result) == diff_json(TRT_JOBS, [], ["dsr1-fp4-b200-trt"], 11)
    assert result.stderr == "note: configs/extra-master.yaml does not exist at HEAD: compared as empty\n"


def test_a_file_deleted_in_the_working_tree_is_empty_there(run, repo) -> None:
    write(repo, TRT, "extra-master.yaml")
    commit(repo, "extra")
    (repo / "configs" / "nvidia-master.yaml").unlink()
    result = run("diff", "--base", "HEAD")
    assert ok(result) == diff_json([], FULL, ["dsr1-fp8-b200-sglang", "gptoss-fp4-h200-vllm"], 2)
    assert result.stderr == ("note: configs/nvidia-master.yaml does not exist in the working tree: "
                             "compared as empty\n")


def test_every_master_config_missing_at_one_side(run, repo) -> None:
    (repo / "configs" / "nvidia-master.yaml").unlink()
    result = run("diff", "--base", "HEAD", "--format", "markdown")
    assert ok(result).startswith("## sweepgen diff: HEAD -> working tree\n\n"
                                 "**0 jobs added, 11 removed, 0 unchanged** (11 -> 0 jobs).\n")


def test_a_runner_config_missing_at_the_base(run, repo) -> None:
    git(repo, "rm", "-q", "configs/runners.yaml")
    commit(repo, "no runners")
    git(repo, "checkout", "-q", "HEAD~1", "--", "configs/runners.yaml")
    result = run("diff", "--base", "HEAD")
    assert ok(result) == diff_json([], [], [], 11)
    assert result.stderr == ("note: configs/runners.yaml does not exist at HEAD: "
                             "compared without a runner config\n")


def test_config_files_relative_to_the_current_folder(run, repo, monkeypatch) -> None:
    write(repo, BUMPED)
    write(repo, TRT, "extra-master.yaml")
    monkeypatch.chdir(repo / "configs")
    result = run("diff", "--base", "HEAD", "--config-files", "nvidia-master.yaml", "extra-master.yaml")
    assert ok(result) == diff_json([*with_image(DSR1_JOBS, NEW_IMAGE), *TRT_JOBS], DSR1_JOBS,
                                   ["dsr1-fp4-b200-trt", "dsr1-fp8-b200-sglang"], 2)
    assert result.stderr == "note: extra-master.yaml does not exist at HEAD: compared as empty\n"


def test_a_folder_is_listed_at_each_side(run, repo) -> None:
    write(repo, TRT, "extra-master.yaml")
    assert ok(run("diff", "--base", "HEAD", "--config-files", "configs")) == diff_json(
        TRT_JOBS, [], ["dsr1-fp4-b200-trt"], 11)


# ---------------------------------------------------------------- filters

def test_filters_apply_to_both_sides(run, repo) -> None:
    write(repo, BUMPED)
    assert ok(run("diff", "--base", "HEAD", "--model-prefix", "gptoss")) == diff_json([], [], [], 2)
    assert ok(run("diff", "--base", "HEAD", "--seq-lens", "8k1k")) == diff_json(
        with_image(DSR1_JOBS[8:], NEW_IMAGE), DSR1_JOBS[8:], ["dsr1-fp8-b200-sglang"], 0)
    assert ok(run("diff", "--base", "HEAD", "--model-prefix", "gptoss", "--step-size", "4", "--format", "markdown")) \
        == ("## sweepgen diff: HEAD -> working tree\n\nJobs of `full-sweep --model-prefix gptoss --step-size 4`.\n\n"
            "No jobs added or removed (2 unchanged).\n")


def test_test_mode(run, repo) -> None:
    write(repo, BUMPED)
    out = json.loads(ok(run("diff", "--base", "HEAD", "--test-mode")))
    assert [(e["image"], e["tp"], e["conc"], e["isl"]) for e in out["added"]] == [
        (NEW_IMAGE, 8, 8, 1024), (NEW_IMAGE, 8, 4, 8192)]
    assert (len(out["removed"]), out["unchanged"]) == (2, 1)


def test_a_filter_matching_one_side_only(run, repo) -> None:
    write(repo, MASTER + TRT.replace("framework: trt", "framework: trtllm"))
    result = run("diff", "--base", "HEAD", "--framework", "trtllm")
    assert ok(result) == diff_json([{**row, "framework": "trtllm"} for row in TRT_JOBS], [], ["dsr1-fp4-b200-trt"], 0)
    assert result.stderr == ("note: the base configs (HEAD): No configs found matching filters: "
                             "framework=['trtllm']; compared as no jobs\n")


def test_a_filter_matching_nothing_at_either_side(run, repo) -> None:
    assert error(run("diff", "--base", "HEAD", "--model-prefix", "nope")) == (
        "sweepgen: error: No configs found matching filters: model-prefix=['nope']\n")


def test_unknown_sequence_length_is_a_usage_error(run, repo) -> None:
    assert "Invalid value for '--seq-lens': invalid choice: 2k2k" in error(
        run("diff", "--base", "HEAD", "--seq-lens", "2k2k"), 2)


# ---------------------------------------------------------------- plan

def test_plan_format_plans_the_added_jobs(run, repo, tmp_path, monkeypatch) -> None:
    from test_plan import parse_github_output

    write(repo, BUMPED)
    added = with_image(DSR1_JOBS, NEW_IMAGE)
    assert ok(run("diff", "--base", "HEAD", "--format", "plan")) == json.dumps(
        {"1k1k-dsr1": added[:8], "8k1k-dsr1": added[8:]}) + "\n"
    assert json.loads(ok(run("diff", "--base", "HEAD", "--format", "plan", "--max-jobs", "5"))).keys() == {
        "1k1k-dsr1-1", "1k1k-dsr1-2", "8k1k-dsr1"}

    output, summary = tmp_path / "output", tmp_path / "summary"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = ok(run("diff", "--base", "HEAD", "--format", "plan", "--slots", "2", "--github-output", "--summary"))
    plan = {"1k1k-dsr1-1": added[:8], "1k1k-dsr1-2": [], "8k1k-dsr1-1": added[8:], "8k1k-dsr1-2": []}
    assert out == json.dumps(plan) + "\n"
    assert parse_github_output(output.read_text()) == {
        **{name: json.dumps(m) for name, m in plan.items()}, "names": json.dumps(list(plan)), "total": "9"}
    markdown = ok(run("diff", "--base", "HEAD", "--format", "markdown"))
    assert summary.read_text() == markdown + "\n" + """\
## sweepgen plan: 9 jobs in 4 matrices

| matrix | jobs | model | seq-len | shards |
|---|---:|---|---|---|
| `1k1k-dsr1-1` | 8 | dsr1 | 1k1k | 1/2 |
| `1k1k-dsr1-2` | 0 | dsr1 | 1k1k | 2/2 |
| `8k1k-dsr1-1` | 1 | dsr1 | 8k1k | 1/2 |
| `8k1k-dsr1-2` | 0 | dsr1 | 8k1k | 2/2 |
"""


def test_plan_format_with_nothing_added(run, repo, tmp_path, monkeypatch) -> None:
    from test_plan import parse_github_output

    write(repo, MASTER.replace("conc-end: 64", "conc-end: 32"))
    output = tmp_path / "output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    assert ok(run("diff", "--base", "HEAD", "--format", "plan", "--slots", "2", "--github-output")) == "{}\n"
    assert parse_github_output(output.read_text()) == {"names": "[]", "total": "0"}


def test_summary_with_the_other_formats(run, repo, tmp_path, monkeypatch) -> None:
    write(repo, BUMPED)
    summary = tmp_path / "summary"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    markdown = ok(run("diff", "--base", "HEAD", "--format", "markdown", "--summary"))
    assert summary.read_text() == markdown
    ok(run("diff", "--base", "HEAD", "--summary"))
    assert summary.read_text() == markdown + markdown


@pytest.mark.parametrize("option", [("--github-output",), ("--slots", "2"), ("--max-jobs", "3")])
def test_plan_options_need_the_plan_format(run, repo, option) -> None:
    assert f"Error: {option[0]} needs --format plan" in error(run("diff", "--base", "HEAD", *option), 2)


def test_github_output_outside_actions_prints_only(run, repo) -> None:
    # a workflow's command line run outside Actions still succeeds and prints the plan
    result = run("diff", "--base", "HEAD", "--format", "plan", "--github-output")
    assert (result.exit_code, result.stdout) == (0, "{}\n")
    assert result.stderr.endswith("sweepgen: note: --github-output: $GITHUB_OUTPUT is not set "
                                  "(not in GitHub Actions); the result is printed only\n")


# ---------------------------------------------------------------- errors

def test_unknown_revisions(run, repo) -> None:
    assert error(run("diff", "--base", "nope")) == (
        "sweepgen: error: --base: unknown revision 'nope' (git: bad revision 'nope')\n")
    assert error(run("diff", "--base", "HEAD", "--head", "HEAD~3")) == (
        "sweepgen: error: --head: unknown revision 'HEAD~3' (git: bad revision 'HEAD~3')\n")
    assert error(run("diff", "--base", "--orphan")) == (
        "sweepgen: error: --base: unknown revision '--orphan' (git: bad revision '--orphan')\n")
    assert error(run("diff", "--base", "HEAD^{tree}")) == (
        "sweepgen: error: --base: unknown revision 'HEAD^{tree}' (git: 'HEAD^{tree}' does not name a commit)\n")


def test_not_a_git_repository(run, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "nvidia-master.yaml").write_text(MASTER)
    monkeypatch.chdir(tmp_path)
    assert error(run("diff", "--base", "HEAD")) == (
        "sweepgen: error: not a git repository (or any of the parent directories): .git\n")


def test_a_file_outside_the_repository(run, repo, tmp_path) -> None:
    (tmp_path / "elsewhere.yaml").write_text(MASTER)
    assert error(run("diff", "--base", "HEAD", "--config-files", "../elsewhere.yaml")) == (
        f"sweepgen: error: ../elsewhere.yaml is outside the git repository {repo}: diff reads files at revisions\n")


def test_no_master_config_at_either_side(run, repo) -> None:
    assert error(run("diff", "--base", "HEAD", "--config-files", "configs/none.yaml")) == (
        "sweepgen: error: no master config in configs/none.yaml at either side\n")


BROKEN = MASTER.replace("{ tp: 4, conc-start: 4, conc-end: 32 }", "{ tp: 4, conc-start: 3, conc-end: 32 }")


def test_a_base_that_fails_lint_is_reported_with_positions(run, repo) -> None:
    write(repo, BROKEN)
    lint = run("lint", "configs/nvidia-master.yaml")
    (problem,) = lint.stdout.splitlines()[:1]
    assert problem == "configs/nvidia-master.yaml:12:28: error: 3 is not a power of two (nearest: 2 or 4) [power-of-two]"
    commit(repo, "broken")
    write(repo, MASTER)
    assert error(run("diff", "--base", "HEAD")) == (
        problem.replace("configs/nvidia-master.yaml:", "configs/nvidia-master.yaml@HEAD:", 1) + "\n"
        "sweepgen: error: the base configs (HEAD) have 1 lint error; nothing was compared\n")


def test_a_head_that_fails_lint(run, repo) -> None:
    write(repo, BROKEN)
    stderr = error(run("diff", "--base", "HEAD"))
    assert stderr.startswith("configs/nvidia-master.yaml:12:28: error: 3 is not a power of two")
    assert stderr.endswith("sweepgen: error: the head configs (the working tree) have 1 lint error; "
                           "nothing was compared\n")


def test_paths_in_base_messages_name_the_revision(run, repo) -> None:
    write(repo, MASTER.replace("runner: h200", "runner: h300"))
    commit(repo, "unknown runner")
    write(repo, MASTER)
    assert error(run("diff", "--base", "HEAD")) == (
        "configs/nvidia-master.yaml@HEAD:23:11: error: 'h300' is not a runner type or runner node in "
        "configs/runners.yaml@HEAD [unknown-runner]\n"
        "sweepgen: error: the base configs (HEAD) have 1 lint error; nothing was compared\n")


def test_head_warnings_are_shown_and_base_warnings_are_not(run, repo) -> None:
    warned = MASTER.replace("gptoss-fp4-h200-vllm:", "gptoss-fp8-h200-vllm:")
    write(repo, warned)
    commit(repo, "a key against the convention")
    write(repo, warned.replace("conc-end: 64", "conc-end: 128"))
    result = run("diff", "--base", "HEAD")
    assert json.loads(ok(result))["changed_keys"] == ["dsr1-fp8-b200-sglang"]
    (warning,) = result.stderr.splitlines()
    assert warning.startswith("configs/nvidia-master.yaml:") and warning.endswith("[key-convention]")


def test_configs_at_the_top_level_of_the_repository(run, repo) -> None:
    git(repo, "mv", "configs/nvidia-master.yaml", "configs/runners.yaml", ".")
    commit(repo, "configs at the top")
    (repo / "nvidia-master.yaml").write_text(BUMPED)
    assert ok(run("diff", "--base", "HEAD", "--config-files", ".")) == diff_json(
        with_image(DSR1_JOBS, NEW_IMAGE), DSR1_JOBS, ["dsr1-fp8-b200-sglang"], 2)
