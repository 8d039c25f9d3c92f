"""v2 configs through the expanding subcommands, as a user runs them: single-node and multinode jobs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import make_project
from test_expand_cli import FULL, MASTER, RUNNERS, error, line, ok

V2_MASTER = """\
dsr1-fp8-b200-sglang:
  image: lmsysorg/sglang:v0.5.3
  model: deepseek-ai/DeepSeek-R1-0528
  model-prefix: dsr1
  runner: b200
  precision: fp8
  framework: sglang
  multinode: false
  seq-len-configs:
  - isl: 1024
    osl: 1024
    search-space:
    - { tp: 4, conc-start: 4, conc-end: 16 }
    - { tp: 8, ep: 8, dp-attn: true, spec-decoding: mtp, conc-list: [64, 8, 32] }
  - isl: 8192
    osl: 1024
    search-space:
    - { tp: 8, conc-list: [4] }
dsr1-fp4-gb200-dynamo-trt:
  image: nvcr.io#nvidia/ai-dynamo/tensorrtllm-runtime:0.5.1
  model: deepseek-r1-fp4
  model-prefix: dsr1
  runner: gb200
  precision: fp4
  framework: dynamo-trt
  multinode: true
  disagg: true
  seq-len-configs:
  - isl: 1024
    osl: 1024
    search-space:
    - spec-decoding: mtp
      conc-list: [1, 2, 36]
      prefill: { num-worker: 1, tp: 4, ep: 4, dp-attn: false, additional-settings: ["PREFILL_MAX_BATCH_SIZE=4"] }
      decode: { num-worker: 4, tp: 8, ep: 8, dp-attn: false }
    - conc-start: 4
      conc-end: 64
      prefill: { tp: 4, num-worker: 2, ep: 4, dp-attn: true }
      decode: { num-worker: 0, tp: 8, ep: 8, dp-attn: true }
gptoss-fp4-h200-vllm:
  image: vllm/vllm-openai:v0.10.2
  model: openai/gpt-oss-120b
  model-prefix: gptoss
  runner: h200
  precision: fp4
  framework: vllm
  multinode: false
  seq-len-configs:
  - isl: 1024
    osl: 8192
    search-space:
    - { tp: 2, conc-start: 4, conc-end: 8 }
"""

V2_RUNNERS = RUNNERS + "gb200:\n- gb200-nv_0\n"

DSR1 = {"image": "lmsysorg/sglang:v0.5.3", "model": "deepseek-ai/DeepSeek-R1-0528", "model-prefix": "dsr1",
        "precision": "fp8", "framework": "sglang"}
GPTOSS = {"image": "vllm/vllm-openai:v0.10.2", "model": "openai/gpt-oss-120b", "model-prefix": "gptoss",
          "precision": "fp4", "framework": "vllm"}
GB200 = {"image": "nvcr.io#nvidia/ai-dynamo/tensorrtllm-runtime:0.5.1", "model": "deepseek-r1-fp4",
         "model-prefix": "dsr1", "precision": "fp4", "framework": "dynamo-trt"}
# the worker blocks exactly as written: keys in the file's order, no additional-settings where none was given
PREFILL_1 = {"num-worker": 1, "tp": 4, "ep": 4, "dp-attn": False, "additional-settings": ["PREFILL_MAX_BATCH_SIZE=4"]}
DECODE_1 = {"num-worker": 4, "tp": 8, "ep": 8, "dp-attn": False}
PREFILL_2 = {"tp": 4, "num-worker": 2, "ep": 4, "dp-attn": True}
DECODE_2 = {"num-worker": 0, "tp": 8, "ep": 8, "dp-attn": True}


def sweep_row(base: dict[str, Any], runner: str, isl: int, osl: int, tp: int, conc: int, exp: str, ep: int = 1,
              dp: bool = False, spec: str = "none") -> dict[str, Any]:
    """full-sweep's single-node key order (the public generator's)."""
    return {**base, "runner": runner, "isl": isl, "osl": osl, "tp": tp, "conc": conc,
            "max-model-len": isl + osl + 200, "ep": ep, "dp-attn": dp, "spec-decoding": spec, "exp-name": exp,
            "disagg": False}


def single_row(base: dict[str, Any], runner: str, isl: int, osl: int, tp: int, conc: int, exp: str, max_len: int,
               ep: int = 1, dp: bool = False, spec: str = "none") -> dict[str, Any]:
    """test-config's, full-sweep --test-mode's and runner-model-sweep's single-node key order."""
    return {**base, "runner": runner, "isl": isl, "osl": osl, "tp": tp, "ep": ep, "dp-attn": dp, "conc": conc,
            "max-model-len": max_len, "spec-decoding": spec, "exp-name": exp, "disagg": False}


def smoke_row(base: dict[str, Any], runner: str, tp: int, conc: int, exp: str, ep: int = 1, dp: bool = False,
              spec: str = "none") -> dict[str, Any]:
    """runner-sweep's and custom's key order."""
    return {**base, "runner": runner, "isl": 1024, "osl": 1024, "tp": tp, "ep": ep, "dp-attn": dp, "conc": conc,
            "spec-decoding": spec, "exp-name": exp, "max-model-len": 2048, "disagg": False}


def multi_row(prefill: dict[str, Any], decode: dict[str, Any], conc: list[int], spec: str = "none"
              ) -> dict[str, Any]:
    """A multinode job: one per search point, conc the whole list."""
    return {**GB200, "runner": "gb200", "isl": 1024, "osl": 1024, "spec-decoding": spec, "prefill": prefill,
            "decode": decode, "conc": conc, "max-model-len": 2248, "exp-name": "dsr1_1k1k", "disagg": True}


SINGLE = [
    *(sweep_row(DSR1, "b200", 1024, 1024, 4, c, "dsr1_1k1k") for c in (4, 8, 16)),
    # a conc-list runs in the order written
    *(sweep_row(DSR1, "b200", 1024, 1024, 8, c, "dsr1_1k1k", ep=8, dp=True, spec="mtp") for c in (64, 8, 32)),
    sweep_row(DSR1, "b200", 8192, 1024, 8, 4, "dsr1_8k1k"),
    *(sweep_row(GPTOSS, "h200", 1024, 8192, 2, c, "gptoss_1k8k") for c in (4, 8)),
]
MULTI = [
    multi_row(PREFILL_1, DECODE_1, [1, 2, 36], spec="mtp"),
    multi_row(PREFILL_2, DECODE_2, [4, 8, 16, 32, 64]),
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_project(tmp_path, monkeypatch, V2_MASTER, V2_RUNNERS)


# ---------------------------------------------------------------- full-sweep

def test_full_sweep_single_node_first_then_multinode(run, project) -> None:
    # the multinode entry comes second in the file; its jobs still come after every single-node job
    assert ok(run("full-sweep")) == line(SINGLE + MULTI)
    assert ok(run("full-sweep", "--single-node", "--multi-node")) == line(SINGLE + MULTI)


def test_full_sweep_node_kinds(run, project) -> None:
    assert ok(run("full-sweep", "--single-node")) == line(SINGLE)
    assert ok(run("full-sweep", "--multi-node")) == line(MULTI)


def test_multinode_ladder_takes_the_step_size(run, project) -> None:
    assert ok(run("full-sweep", "--multi-node", "--step-size", "4")) == line([
        MULTI[0], multi_row(PREFILL_2, DECODE_2, [4, 16, 64])])
    assert ok(run("full-sweep", "--single-node", "--model-prefix", "dsr1", "--seq-lens", "1k1k", "--step-size", "4")
              ) == line([*(sweep_row(DSR1, "b200", 1024, 1024, 4, c, "dsr1_1k1k") for c in (4, 16)), *SINGLE[3:6]])


def test_full_sweep_filters_apply_to_both_kinds(run, project) -> None:
    assert ok(run("full-sweep", "--precision", "fp4")) == line(SINGLE[7:] + MULTI)
    assert ok(run("full-sweep", "--runner-type", "gb200", "h200")) == line(SINGLE[7:] + MULTI)
    assert ok(run("full-sweep", "--model-prefix", "dsr1", "--seq-lens", "8k1k")) == line([SINGLE[6]])


def test_full_sweep_matching_nothing_prints_an_empty_list_as_the_v2_generator_did(run, project) -> None:
    # the seed (v1) failed with "No configs found matching filters"; the v2-era generator printed []
    assert ok(run("full-sweep", "--multi-node", "--model-prefix", "gptoss")) == "[]\n"
    assert ok(run("full-sweep", "--single-node", "--runner-type", "gb200")) == "[]\n"
    assert ok(run("full-sweep", "--single-node", "--framework", "vllm", "--seq-lens", "1k1k")) == "[]\n"


def test_full_sweep_test_mode(run, project) -> None:
    # single-node: the first largest-tp point at its lowest concurrency (of a conc-list: its smallest);
    # multinode: the first point, at its lowest concurrency
    assert ok(run("full-sweep", "--test-mode")) == line([
        single_row(DSR1, "b200", 1024, 1024, 8, 8, "dsr1_1k1k", 2248, ep=8, dp=True, spec="mtp"),
        single_row(DSR1, "b200", 8192, 1024, 8, 4, "dsr1_8k1k", 9416),
        single_row(GPTOSS, "h200", 1024, 8192, 2, 4, "gptoss_1k8k", 9416),
        multi_row(PREFILL_1, DECODE_1, [1], spec="mtp"),
    ])


def test_v1_configs_have_no_multinode_jobs(run, project) -> None:
    (project / "configs" / "nvidia-master.yaml").write_text(MASTER)
    assert ok(run("full-sweep", "--single-node")) == line(FULL)
    assert error(run("full-sweep", "--multi-node")) == (
        "sweepgen: error: No configs found matching filters: multi-node\n")


# ---------------------------------------------------------------- the other subcommands: single-node entries

def test_test_config_of_a_single_node_entry(run, project) -> None:
    out = ok(run("test-config", "--key", "dsr1-fp8-b200-sglang", "--seq-lens", "1k1k", "--runner-node", "b200-nv_1"))
    assert out == line([
        *(single_row(DSR1, "b200-nv_1", 1024, 1024, 4, c, "dsr1_1k1k", 2048) for c in (4, 8, 16)),
        *(single_row(DSR1, "b200-nv_1", 1024, 1024, 8, c, "dsr1_1k1k", 2048, ep=8, dp=True, spec="mtp")
          for c in (64, 8, 32)),
    ])
    assert ok(run("test-config", "--key", "dsr1-fp8-b200-sglang", "--test-mode")) == line([
        single_row(DSR1, "b200", 1024, 1024, 4, 4, "dsr1_test", 2048),
        single_row(DSR1, "b200", 1024, 1024, 8, 8, "dsr1_test", 2048, ep=8, dp=True, spec="mtp"),
        single_row(DSR1, "b200", 8192, 1024, 8, 4, "dsr1_test", 9216),
    ])


def test_test_config_refuses_a_multinode_entry(run, project) -> None:
    assert error(run("test-config", "--key", "dsr1-fp4-gb200-dynamo-trt")) == (
        "sweepgen: error: entry 'dsr1-fp4-gb200-dynamo-trt' is a multinode entry: test-config expands single-node "
        "entries only; `full-sweep --multi-node --model-prefix dsr1-fp4-gb200-dynamo-trt` gives its jobs\n")


def test_runner_model_sweep(run, project) -> None:
    assert ok(run("runner-model-sweep", "--runner-type", "b200")) == line([
        single_row(DSR1, node, 1024, 1024, 8, 8, "dsr1_test", 2048, ep=8, dp=True, spec="mtp")
        for node in ("b200-nv_0", "b200-nv_1")])


def test_runner_sweeps_name_the_multinode_entries_they_skip(run, project) -> None:
    warning = ("configs/nvidia-master.yaml:19:1: warning: entry 'dsr1-fp4-gb200-dynamo-trt' is a multinode entry; "
               "{} tests single-node entries only and skipped it\n")
    result = run("runner-model-sweep", "--runner-type", "gb200")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "[]\n", warning.format("runner-model-sweep"))
    result = run("runner-sweep", "--runner-type", "gb200", "--model-prefix", "dsr1")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (warning.format("runner-sweep")
                             + "sweepgen: error: No configs found matching model prefix 'dsr1'.\n")


def test_runner_sweep(run, project) -> None:
    # the widest point of the 1k1k block gives a conc-list: its lowest concurrency
    assert ok(run("runner-sweep", "--runner-type", "b200", "--model-prefix", "dsr1", "--precision", "fp8")) == line(
        [smoke_row(DSR1, node, 8, 8, "dsr1_test", ep=8, dp=True, spec="mtp") for node in ("b200-nv_0", "b200-nv_1")])


CUSTOM = ("custom", "--runner-label", "h200-nv_0", "--image", "vllm/vllm-openai:v0.10.2", "--model",
          "deepseek-ai/DeepSeek-R1-0528", "--framework", "vllm", "--precision", "fp8", "--exp-name", "70b_test")


def test_custom_on_v2_configs(run, project) -> None:
    # spec-decoding and disagg are the schema's defaults, as ep and dp-attn are
    expected = smoke_row({"image": "vllm/vllm-openai:v0.10.2", "model": "deepseek-ai/DeepSeek-R1-0528",
                          "model-prefix": "dsr1", "precision": "fp8", "framework": "vllm"}, "h200-nv_0", 8, 4,
                         "70b_test")
    assert ok(run(*CUSTOM, "--model-prefix", "dsr1")) == line([expected])
    assert error(run(*CUSTOM)) == "sweepgen: error: v2 jobs name their model-prefix: give custom --model-prefix\n"


def test_custom_entry_is_validated_against_v2(run, project) -> None:
    result = run(*CUSTOM, "--model-prefix", "")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--model-prefix': '' is not a name of letters, digits, '.', '_' and '-'")


def test_custom_model_prefix_is_not_printed_for_v1(run, project) -> None:
    (project / "configs" / "nvidia-master.yaml").write_text(MASTER)
    assert "model-prefix" not in json.loads(ok(run(*CUSTOM, "--model-prefix", "dsr1")))[0]


def test_batches_count_multinode_jobs_once(run, project) -> None:
    assert ok(run("full-sweep", "--max-batch-size", "5", "--get-batch-count")) == "3\n"
    assert ok(run("full-sweep", "--max-batch-size", "5", "--batch-index", "2")) == line(MULTI[1:])


# ---------------------------------------------------------------- export

def test_export_fills_v2_defaults_and_keeps_worker_blocks(run, project) -> None:
    out = json.loads(ok(run("export")))
    doc = out["configs/nvidia-master.yaml"]
    assert doc["dsr1-fp8-b200-sglang"]["disagg"] is False
    assert doc["dsr1-fp8-b200-sglang"]["seq-len-configs"][0]["search-space"][0] == {
        "tp": 4, "conc-start": 4, "conc-end": 16, "ep": 1, "dp-attn": False, "spec-decoding": "none"}
    point = doc["dsr1-fp4-gb200-dynamo-trt"]["seq-len-configs"][0]["search-space"][1]
    assert point == {"conc-start": 4, "conc-end": 64, "prefill": PREFILL_2, "decode": DECODE_2,
                     "spec-decoding": "none"}
    assert list(point["prefill"]) == list(PREFILL_2)
