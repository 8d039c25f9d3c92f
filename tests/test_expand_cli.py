"""The seed-compatible subcommands as a user runs them: exact output, exact errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, make_project

MASTER = """\
dsr1-fp8-b200-sglang:
  image: lmsysorg/sglang:v0.5.3
  model: deepseek-ai/DeepSeek-R1-0528
  model-prefix: dsr1
  runner: b200
  precision: fp8
  framework: sglang
  seq-len-configs:
  - isl: 1024
    osl: 1024
    search-space:
    - { tp: 4, conc-start: 4, conc-end: 32 }
    - { tp: 8, ep: 8, dp-attn: true, conc-start: 8, conc-end: 8 }
    - { tp: 8, conc-start: 16, conc-end: 64 }
  - isl: 8192
    osl: 1024
    search-space:
    - { tp: 8, conc-start: 4, conc-end: 4 }
gptoss-fp4-h200-vllm:
  image: vllm/vllm-openai:v0.10.2
  model: openai/gpt-oss-120b
  model-prefix: gptoss
  runner: h200
  precision: fp4
  framework: vllm
  seq-len-configs:
  - isl: 1024
    osl: 8192
    search-space:
    - { tp: 2, conc-start: 4, conc-end: 8 }
"""

RUNNERS = """\
b200:
- b200-nv_0
- b200-nv_1
h200:
- h200-nv_0
"""

DSR1 = {"image": "lmsysorg/sglang:v0.5.3", "model": "deepseek-ai/DeepSeek-R1-0528", "precision": "fp8",
        "framework": "sglang"}
GPTOSS = {"image": "vllm/vllm-openai:v0.10.2", "model": "openai/gpt-oss-120b", "precision": "fp4",
          "framework": "vllm"}


def sweep_row(base: dict[str, Any], runner: str, isl: int, osl: int, tp: int, conc: int, exp: str,
              ep: int = 1, dp: bool = False) -> dict[str, Any]:
    """full-sweep's key order."""
    return {**base, "runner": runner, "isl": isl, "osl": osl, "tp": tp, "conc": conc,
            "max-model-len": isl + osl + 200, "ep": ep, "dp-attn": dp, "exp-name": exp}


def single_row(base: dict[str, Any], runner: str, isl: int, osl: int, tp: int, conc: int, exp: str,
               max_len: int, ep: int = 1, dp: bool = False) -> dict[str, Any]:
    """test-config's, full-sweep --test-mode's and runner-model-sweep's key order."""
    return {**base, "runner": runner, "isl": isl, "osl": osl, "tp": tp, "ep": ep, "dp-attn": dp, "conc": conc,
            "max-model-len": max_len, "exp-name": exp}


def smoke_row(base: dict[str, Any], runner: str, tp: int, conc: int, exp: str, ep: int = 1,
              dp: bool = False) -> dict[str, Any]:
    """runner-sweep's and custom's key order."""
    return {**base, "runner": runner, "isl": 1024, "osl": 1024, "tp": tp, "ep": ep, "dp-attn": dp, "conc": conc,
            "exp-name": exp, "max-model-len": 2048}


def line(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows) + "\n"


FULL = [
    *(sweep_row(DSR1, "b200", 1024, 1024, 4, c, "dsr1_1k1k") for c in (4, 8, 16, 32)),
    sweep_row(DSR1, "b200", 1024, 1024, 8, 8, "dsr1_1k1k", ep=8, dp=True),
    *(sweep_row(DSR1, "b200", 1024, 1024, 8, c, "dsr1_1k1k") for c in (16, 32, 64)),
    sweep_row(DSR1, "b200", 8192, 1024, 8, 4, "dsr1_8k1k"),
    *(sweep_row(GPTOSS, "h200", 1024, 8192, 2, c, "gptoss_1k8k") for c in (4, 8)),
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_project(tmp_path, monkeypatch, MASTER, RUNNERS)


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    return str(result.stdout)


def error(result: Any, code: int = 1) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    return str(result.stderr)


# ---------------------------------------------------------------- full-sweep

def test_full_sweep_uses_the_repository_configs(run, project) -> None:
    assert ok(run("full-sweep")) == line(FULL)


def test_full_sweep_space_separated_config_files(run, project) -> None:
    (project / "other.yaml").write_text(MASTER.replace("dsr1-fp8-b200-sglang", "dsr1-fp8-b200-sglang2")
                                        .replace("gptoss-fp4-h200-vllm", "gptoss-fp4-h200-vllm2"))
    out = ok(run("full-sweep", "--config-files", "configs/nvidia-master.yaml", "other.yaml", "--seq-lens", "8k1k"))
    assert out == line([sweep_row(DSR1, "b200", 8192, 1024, 8, 4, "dsr1_8k1k")] * 2)


def test_full_sweep_step_size_clamps_to_conc_end(run, project) -> None:
    out = ok(run("full-sweep", "--step-size", "4", "--model-prefix", "dsr1", "--seq-lens", "1k1k"))
    assert out == line([
        *(sweep_row(DSR1, "b200", 1024, 1024, 4, c, "dsr1_1k1k") for c in (4, 16, 32)),
        sweep_row(DSR1, "b200", 1024, 1024, 8, 8, "dsr1_1k1k", ep=8, dp=True),
        *(sweep_row(DSR1, "b200", 1024, 1024, 8, c, "dsr1_1k1k") for c in (16, 64)),
    ])


def test_full_sweep_test_mode_takes_the_first_largest_tp(run, project) -> None:
    out = ok(run("full-sweep", "--test-mode"))
    assert out == line([
        single_row(DSR1, "b200", 1024, 1024, 8, 8, "dsr1_1k1k", 2248, ep=8, dp=True),
        single_row(DSR1, "b200", 8192, 1024, 8, 4, "dsr1_8k1k", 9416),
        single_row(GPTOSS, "h200", 1024, 8192, 2, 4, "gptoss_1k8k", 9416),
    ])


def test_full_sweep_filters_or_within_and_across(run, project) -> None:
    # --model-prefix matches the entry key's start; values of one flag are alternatives
    out = ok(run("full-sweep", "--model-prefix", "gpt", "nothing", "--precision", "fp4", "fp16",
                 "--framework", "vllm", "--runner-type", "h200", "b200"))
    assert out == line(FULL[-2:])
    assert ok(run("full-sweep", "--precision", "fp8", "--framework", "vllm", "sglang", "--seq-lens", "8k1k")) \
        == line([FULL[8]])


def test_full_sweep_nothing_matched(run, project) -> None:
    assert error(run("full-sweep", "--model-prefix", "llama", "dsr", "--precision", "fp4", "--seq-lens", "8k1k")) == (
        "sweepgen: error: No configs found matching filters: model-prefix=['llama', 'dsr'] precision=['fp4'] "
        "seq-lens=['8k1k']\n")


def test_full_sweep_invalid_runner_type(run, project) -> None:
    assert error(run("full-sweep", "--runner-type", "b200", "mi355x", "a100")) == (
        "sweepgen: error: Invalid runner type(s): {'a100', 'mi355x'}. Valid runner types are: b200, h200\n")


def test_full_sweep_runner_type_needs_a_runner_config(run, project) -> None:
    (project / "configs" / "runners.yaml").unlink()
    assert ok(run("full-sweep", "--seq-lens", "8k1k")) == line([FULL[8]])
    assert error(run("full-sweep", "--runner-type", "b200")) == (
        "sweepgen: error: --runner-config is required when --runner-type is specified\n")


def test_step_size_below_two_is_a_usage_error(run, project) -> None:
    for step in ("1", "0", "-2"):
        stderr = error(run("full-sweep", "--step-size", step), 2)
        assert f"Invalid value for '--step-size': {step} is not in the range x>=2." in stderr
    stderr = error(run("test-config", "--key", "dsr1-fp8-b200-sglang", "--step-size", "1"), 2)
    assert "Invalid value for '--step-size'" in stderr


def test_unknown_sequence_length_is_a_usage_error(run, project) -> None:
    stderr = error(run("full-sweep", "--seq-lens", "1k1k", "2k2k"), 2)
    assert "Invalid value for '--seq-lens': invalid choice: 2k2k. (choose from 1k1k, 1k8k, 8k1k)" in stderr


def test_spaced_option_needs_a_value(run, project) -> None:
    stderr = error(run("full-sweep", "--config-files", "--test-mode"), 2)
    assert "Error: Option '--config-files' requires at least one value." in stderr


def test_repeated_spaced_option_replaces_its_values(run, project) -> None:
    # argparse's nargs='+': the last occurrence wins, it does not add to the earlier ones
    assert ok(run("full-sweep", "--precision", "fp8", "--precision", "fp4")) == line(FULL[-2:])
    assert ok(run("full-sweep", "--seq-lens", "1k8k", "--model-prefix", "gpt", "--seq-lens", "8k1k",
                  "--model-prefix", "dsr1")) == line([FULL[8]])
    (project / "other.yaml").write_text(MASTER.replace("dsr1-fp8-b200-sglang", "dsr1-fp8-b200-sglang2"))
    out = ok(run("full-sweep", "--config-files", "configs/nvidia-master.yaml", "--seq-lens", "8k1k",
                 "--config-files", "other.yaml"))
    assert out == line([FULL[8]])


def test_long_options_may_be_abbreviated_as_argparse_allowed(run, project) -> None:
    # the seed's argparse took any unambiguous prefix of a long option
    assert ok(run("full-sweep", "--prec", "fp8", "fp4", "--seq", "8k1k")) == \
        ok(run("full-sweep", "--precision", "fp8", "fp4", "--seq-lens", "8k1k"))
    assert ok(run("full-sweep", "--config", "configs/nvidia-master.yaml", "--step=4")) == \
        ok(run("full-sweep", "--config-files", "configs/nvidia-master.yaml", "--step-size", "4"))
    result = run("full-sweep", "--runner", "b200")
    assert result.exit_code == 2
    # every format's options count (v3 configs add --runner-node-filter)
    assert "ambiguous option: --runner could match --runner-config, --runner-" in result.stderr


def test_a_config_file_named_twice_is_the_seeds_duplicate_keys_error(run, project) -> None:
    # the seed loaded it twice and refused the repeated keys; lint reads a file once
    for names in (("configs/nvidia-master.yaml", "configs/nvidia-master.yaml"),
                  ("./configs/nvidia-master.yaml", "configs/../configs/nvidia-master.yaml")):
        assert error(run("full-sweep", "--config-files", *names)) == (
            f"sweepgen: error: Duplicate configuration keys found in '{names[1]}': "
            "dsr1-fp8-b200-sglang, gptoss-fp4-h200-vllm\n")
    assert error(run("test-config", "--config-files", "configs/nvidia-master.yaml", "configs/nvidia-master.yaml",
                     "--key", "gptoss-fp4-h200-vllm")).startswith(
        "sweepgen: error: Duplicate configuration keys found in 'configs/nvidia-master.yaml': ")


# ---------------------------------------------------------------- batches

def test_batches(run, project) -> None:
    assert ok(run("full-sweep", "--max-batch-size", "4", "--get-batch-count")) == "3\n"
    assert ok(run("full-sweep", "--max-batch-size", "4", "--batch-index", "2")) == line(FULL[8:])
    assert ok(run("full-sweep", "--batch-index", "0")) == line(FULL)
    stderr = error(run("full-sweep", "--max-batch-size", "4", "--batch-index", "3"), 2)
    assert "Error: Invalid batch-index 3. Valid range is 0 to 2" in stderr
    assert "Invalid value for '--max-batch-size'" in error(run("full-sweep", "--max-batch-size", "0"), 2)


# ---------------------------------------------------------------- test-config

def test_test_config_sweeps_one_entry_on_its_runner(run, project) -> None:
    out = ok(run("test-config", "--key", "gptoss-fp4-h200-vllm"))
    assert out == line([single_row(GPTOSS, "h200", 1024, 8192, 2, c, "gptoss_1k8k", 9216) for c in (4, 8)])


def test_test_config_test_mode_on_a_node(run, project) -> None:
    out = ok(run("test-config", "--key", "dsr1-fp8-b200-sglang", "--test-mode", "--runner-node", "b200-nv_1",
                 "--seq-lens", "1k1k"))
    assert out == line([
        single_row(DSR1, "b200-nv_1", 1024, 1024, 4, 4, "dsr1_test", 2048),
        single_row(DSR1, "b200-nv_1", 1024, 1024, 8, 8, "dsr1_test", 2048, ep=8, dp=True),
        single_row(DSR1, "b200-nv_1", 1024, 1024, 8, 16, "dsr1_test", 2048),
    ])


def test_test_config_nothing_matched_is_an_empty_list(run, project) -> None:
    assert ok(run("test-config", "--key", "gptoss-fp4-h200-vllm", "--seq-lens", "1k1k")) == "[]\n"


def test_test_config_unknown_key(run, project) -> None:
    assert error(run("test-config", "--key", "dsr1-fp8-b200-sglng")) == (
        "sweepgen: error: Specified key 'dsr1-fp8-b200-sglng' does not exist in config files. "
        "Did you mean 'dsr1-fp8-b200-sglang'?\n")
    assert error(run("test-config", "--key", "zzz")) == (
        "sweepgen: error: Specified key 'zzz' does not exist in config files.\n")


def test_test_config_incompatible_node(run, project) -> None:
    assert error(run("test-config", "--key", "dsr1-fp8-b200-sglang", "--runner-node", "h200-nv_0")) == (
        "sweepgen: error: Runner node 'h200-nv_0' is not compatible with config 'dsr1-fp8-b200-sglang' which runs "
        "on runner type 'b200'. Available runner nodes for this config are 'b200-nv_0, b200-nv_1'.\n")


# ---------------------------------------------------------------- runner sweeps

def test_runner_model_sweep(run, project) -> None:
    out = ok(run("runner-model-sweep", "--runner-type", "b200"))
    assert out == line([single_row(DSR1, node, 1024, 1024, 8, 8, "dsr1_test", 2048, ep=8, dp=True)
                        for node in ("b200-nv_0", "b200-nv_1")])
    out = ok(run("runner-model-sweep", "--runner-type", "b200", "--runner-node-filter", "_1"))
    assert out == line([single_row(DSR1, "b200-nv_1", 1024, 1024, 8, 8, "dsr1_test", 2048, ep=8, dp=True)])


def test_runner_model_sweep_unknown_type(run, project) -> None:
    assert error(run("runner-model-sweep", "--runner-type", "b300", "--runner-config", "configs/runners.yaml")) == (
        "sweepgen: error: Runner 'b300' does not exist in runner config 'configs/runners.yaml'. "
        "Must choose from existing runner types: 'b200, h200'.\n")
    assert error(run("runner-model-sweep", "--runner-type", "b200", "--runner-node-filter", "x")) == (
        "sweepgen: error: No runner nodes found matching filter 'x' for runner type 'b200'.\n")


def test_runner_sweeps_skip_an_entry_without_1k1k(run, project) -> None:
    # the seed generator crashed on such an entry; sweepgen says where it is and goes on
    result = run("runner-model-sweep", "--runner-type", "h200")
    assert result.stdout == "[]\n"
    assert result.stderr == ("configs/nvidia-master.yaml:19:1: warning: entry 'gptoss-fp4-h200-vllm' has no 1k1k "
                             "block; runner-model-sweep skipped it\n")
    assert result.exit_code == 0
    result = run("runner-sweep", "--runner-type", "h200", "--model-prefix", "gptoss")
    assert result.stderr == (
        "configs/nvidia-master.yaml:19:1: warning: entry 'gptoss-fp4-h200-vllm' has no 1k1k block; "
        "runner-sweep skipped it\n"
        "sweepgen: error: No configs found matching model prefix 'gptoss'.\n")
    assert result.exit_code == 1


def test_runner_sweep(run, project) -> None:
    out = ok(run("runner-sweep", "--runner-type", "b200", "--model-prefix", "dsr1", "--precision", "fp8",
                 "--framework", "sglang"))
    assert out == line([smoke_row(DSR1, node, 8, 8, "dsr1_test", ep=8, dp=True)
                        for node in ("b200-nv_0", "b200-nv_1")])


def test_runner_sweep_nothing_matched(run, project) -> None:
    assert error(run("runner-sweep", "--runner-type", "b200", "--model-prefix", "dsr1", "--precision", "fp4",
                     "--framework", "trt")) == (
        "sweepgen: error: No configs found matching model prefix 'dsr1', precision 'fp4', framework 'trt'.\n")
    assert error(run("runner-sweep", "--runner-type", "h100", "--model-prefix", "dsr1")) == (
        "sweepgen: error: Runner 'h100' does not exist in runner config 'configs/runners.yaml'. "
        "Must choose from existing runner types: 'b200, h200'.\n")


def test_runner_sweeps_need_a_runner_config(run, project) -> None:
    (project / "configs" / "runners.yaml").unlink()
    assert error(run("runner-sweep", "--runner-type", "b200", "--model-prefix", "dsr1")) == (
        "sweepgen: error: runner-sweep needs a runner config: none was found; give --runner-config\n")


# ---------------------------------------------------------------- custom

CUSTOM = ("custom", "--runner-label", "h200-nv_0", "--image", "vllm/vllm-openai:v0.10.2", "--model",
          "deepseek-ai/DeepSeek-R1-0528", "--framework", "vllm", "--precision", "fp8", "--exp-name", "70b_test")


def test_custom(run, project) -> None:
    expected = smoke_row({"image": "vllm/vllm-openai:v0.10.2", "model": "deepseek-ai/DeepSeek-R1-0528",
                          "precision": "fp8", "framework": "vllm"}, "h200-nv_0", 8, 4, "70b_test")
    assert ok(run(*CUSTOM)) == line([expected])
    # a runner type is a label too, in any position of any runner file
    assert json.loads(ok(run(*CUSTOM[:2], "b200", *CUSTOM[3:])))[0]["runner"] == "b200"


def test_custom_unknown_label(run, project) -> None:
    assert error(run(*CUSTOM[:2], "h100", *CUSTOM[3:])) == (
        "sweepgen: error: Unable to find specified runner label 'h100'.\n")


def test_custom_flags_are_validated_before_anything_is_printed(run, project) -> None:
    result = run(*CUSTOM[:4], "vllm openai", *CUSTOM[5:])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--image': 'vllm openai' is not a container image reference "
        "(registry/path:tag[@digest], or the enroot form registry#path:tag) without whitespace or ${{")


# ---------------------------------------------------------------- broken input: lint first, never a traceback

def test_invalid_config_stops_with_the_lint_report(run, project) -> None:
    (project / "configs" / "nvidia-master.yaml").write_text(MASTER.replace("conc-end: 32", "conc-end: 30"))
    for args in (("full-sweep",), ("test-config", "--key", "gptoss-fp4-h200-vllm"), CUSTOM, ("plan",)):
        assert error(run(*args)) == (
            "configs/nvidia-master.yaml:12:41: error: 30 is not a power of two (nearest: 16 or 32) [power-of-two]\n"
            "sweepgen: error: 1 lint error in the configs; nothing was generated\n")


def test_missing_files(run, project) -> None:
    assert error(run("full-sweep", "--config-files", "configs/nvidia-master.yaml", "nope.yaml")) == (
        "sweepgen: error: Input file 'nope.yaml' does not exist.\n")
    assert error(run("runner-sweep", "--runner-type", "b200", "--model-prefix", "d", "--runner-config", "r.yaml")) \
        == "sweepgen: error: Runner config file 'r.yaml' does not exist.\n"


def test_no_configs_anywhere(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    assert error(run("full-sweep")) == ("sweepgen: error: no configs/ or .github/configs/ folder found here or "
                                        "above; name the files to use\n")


def test_undecodable_config(run, project) -> None:
    (project / "bad.yaml").write_bytes(b"key: \xff\n")
    stderr = error(run("full-sweep", "--config-files", "bad.yaml"))
    assert stderr.startswith("bad.yaml:1:6: error: byte 0xff is not valid UTF-8")


def test_project_configs_expand(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    # the project's own configs are v3, and show every row shape
    rows = json.loads(ok(run("full-sweep")))
    assert {("prefill" in r, "scenario-type" in r) for r in rows} == {
        (False, False), (True, False), (False, True), (True, True)}
    assert any(r.get("kv-offloading") == "dram" and r["total-cpu-dram-gb"] > 0 for r in rows)
    assert any("router" in r for r in rows) and any("kv-p2p-transfer" in r for r in rows)
    # the seed-era examples (v1) kept as test data expand with the seed's keys
    v1 = "tests/data/v1-configs/"
    entries = json.loads(ok(run("full-sweep", "--config-files", v1 + "nvidia-master.yaml", v1 + "amd-master.yaml",
                                "--runner-config", v1 + "runners.yaml")))
    assert entries and all(list(e) == list(sweep_row({"image": 0, "model": 0, "precision": 0, "framework": 0},
                                                    "r", 1, 1, 1, 1, "x")) for e in entries)


def test_mixed_schema_versions_are_refused(run, project) -> None:
    newer = MASTER.split("gptoss-")[0].replace("dsr1-fp8-b200-sglang:", "dsr1-fp8-b200-sglang-2:").replace(
        "  seq-len-configs:", "  multinode: false\n  seq-len-configs:", 1)
    (project / "v2.yaml").write_text(newer)
    assert error(run("full-sweep", "--config-files", "configs/nvidia-master.yaml", "v2.yaml")) == (
        "sweepgen: error: the master configs mix schema versions (configs/nvidia-master.yaml is v1, v2.yaml is v2); "
        "`sweepgen migrate` brings them to one version\n")


def test_a_runner_config_alone_is_not_enough(run, project) -> None:
    assert error(run("full-sweep", "--config-files", "configs/runners.yaml")) == (
        "sweepgen: error: no master config among the config files\n")


@pytest.mark.parametrize("flag, value", [("--model", "$(id)"), ("--precision", "${{x}}"), ("--image", "not an image"),
                                         ("--framework", "a b")])
def test_custom_refuses_a_value_its_field_would_not_take(run, project, flag: str, value: str) -> None:
    args = dict(zip(CUSTOM[1::2], CUSTOM[2::2]))
    args[flag] = value
    result = run("custom", *[x for pair in args.items() for x in pair])
    assert result.exit_code == 2
    assert f"Error: Invalid value for '{flag}': {value!r} is not " in result.stderr
    assert result.stdout == ""
