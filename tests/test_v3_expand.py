"""v3 expansion through the CLI on the made-up configs of FORMAT-v3 section 6, whose rows the current
generator printed: the four row shapes, total-cpu-dram-gb, router / kv-p2p-transfer inheritance, the
concurrency filters and their quirks, node filters, eval marking, test-config, and the errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

RUNNERS = """\
labels:
  h200: [h200-a_0, h200-b_1]
  cluster:h200-x: [h200-x_0, h200-x_1]
  cluster:gb-y: [gb-y_0]
  cluster:nohw: [nohw_0]
hardware:
  cluster:h200-x: {available-cpu-dram-mib: 2_000_000, gpus-per-node: 8}
  cluster:gb-y: {available-cpu-dram-mib: 3_000_000, gpus-per-node: 4}
"""

TOY = """\
toy-fp8-h200-vllm:
  image: img:1
  model: org/toy
  model-prefix: toy
  runner: h200
  precision: fp8
  framework: vllm
  multinode: false
  router: { name: r, version: "1.0" }
  scenarios:
    fixed-seq-len:
    - isl: 8192
      osl: 1024
      search-space:
      - { tp: 2, conc-start: 3, conc-end: 20 }
      - { tp: 8, ep: 8, dp-attn: true, spec-decoding: mtp, conc-list: [16, 64], pp: 2, dcp-size: 4, pcp-size: 1 }
    - isl: 2048
      osl: 128
      search-space:
      - { tp: 4, conc-start: 1, conc-end: 1 }
"""

TOYAG = """\
toyag-fp4-x-sglang:
  image: img:2
  model: org/toy
  model-prefix: toyag
  runner: cluster:h200-x
  precision: fp4
  framework: sglang
  multinode: false
  scenarios:
    agentic-coding:
    - dram-utilization: 0.8
      search-space:
      - { tp: 4, kv-offloading: none, conc-list: [1, 2] }
      - { tp: 2, pp: 2, kv-offloading: dram, kv-offload-backend: { name: hicache }, spec-decoding: mtp, conc-start: 4, conc-end: 10, router: {name: sr, version: "0.3"} }
      - { tp: 8, ep: 8, dp-attn: true, kv-offloading: dram, kv-offload-backend: { version: "2.0", name: lmc }, conc-list: [32] }
"""

TOYMN = """\
toymn-fp4-gb-dynamo:
  image: img:3
  model: org/toy
  model-prefix: toymn
  runner: cluster:gb-y
  precision: fp4
  framework: dynamo-trt
  multinode: true
  disagg: true
  kv-p2p-transfer: nixl
  scenarios:
    fixed-seq-len:
    - isl: 1024
      osl: 1024
      search-space:
      - conc-list: [4, 32]
        prefill: { num-worker: 1, tp: 4, ep: 4, dp-attn: false }
        decode: { num-worker: 2, tp: 8, ep: 8, dp-attn: true, pp: 2, additional-settings: ["A=1"] }
      - conc-start: 2
        conc-end: 9
        spec-decoding: mtp
        prefill: { dp-attn: false, ep: 1, tp: 2, num-worker: 3 }
        decode: { num-worker: 1, tp: 4, ep: 1, dp-attn: false }
    agentic-coding:
    - dram-utilization: 0.5
      search-space:
      - conc-list: [8, 16]
        kv-offloading: dram
        kv-offload-backend: { name: nixl-cpu, version: "0.1" }
        prefill: { num-worker: 2, tp: 2, ep: 2, dp-attn: true }
        decode: { num-worker: 1, tp: 4, ep: 1, dp-attn: false }
      - conc-start: 1
        conc-end: 4
        spec-decoding: mtp
        prefill: { num-worker: 1, tp: 8, ep: 1, dp-attn: false }
        decode: { num-worker: 0, tp: 8, ep: 8, dp-attn: false }
"""


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "m.yaml").write_text(TOY + TOYAG + TOYMN)
    (tmp_path / "runners.yaml").write_text(RUNNERS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def sweep(run, *args: str, command: str = "full-sweep", files: tuple[str, ...] = ("m.yaml",)) -> list[Any]:  # type: ignore[no-untyped-def]
    result = run(command, "--config-files", *files, "--runner-config", "runners.yaml", *args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("\n") == 1  # one line
    rows: list[Any] = json.loads(result.stdout)
    return rows


def fails(run, *args: str, command: str = "full-sweep", code: int = 1) -> str:  # type: ignore[no-untyped-def]
    result = run(command, "--config-files", "m.yaml", "--runner-config", "runners.yaml", *args)
    assert result.exit_code == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    message: str = result.stderr
    return message


# ---------------------------------------------------------------- the four row shapes

def test_the_twenty_rows_of_the_made_up_configs(run, toy: Path) -> None:
    rows = sweep(run, "--no-evals")
    assert len(rows) == 20
    assert json.dumps(rows[0]) == (
        '{"image": "img:1", "model": "org/toy", "model-prefix": "toy", "precision": "fp8", "framework": "vllm", '
        '"runner": "h200", "isl": 8192, "osl": 1024, "tp": 2, "pp": 1, "dcp-size": 1, "pcp-size": 1, "conc": 3, '
        '"max-model-len": 9472, "ep": 1, "dp-attn": false, "spec-decoding": "none", "exp-name": "toy_8k1k", '
        '"disagg": false, "run-eval": false, "router": {"name": "r", "version": "1.0"}}')
    single = rows[:7]
    assert [(r["tp"], r["conc"]) for r in single] == [(2, 3), (2, 6), (2, 12), (2, 20), (8, 16), (8, 64), (4, 1)]
    assert single[4] | {"conc": 0} == single[5] | {"conc": 0}
    assert (single[4]["pp"], single[4]["dcp-size"], single[4]["ep"], single[4]["dp-attn"],
            single[4]["spec-decoding"]) == (2, 4, 8, True, "mtp")
    assert (single[6]["max-model-len"], single[6]["exp-name"]) == (2432, "toy_2048_128")
    assert all(r["router"] == {"name": "r", "version": "1.0"} for r in single)

    agentic = rows[7:13]
    assert json.dumps(agentic[0]) == (
        '{"image": "img:2", "model": "org/toy", "model-prefix": "toyag", "precision": "fp4", "framework": "sglang", '
        '"runner": "cluster:h200-x", "tp": 4, "pp": 1, "dcp-size": 1, "pcp-size": 1, "ep": 1, "dp-attn": false, '
        '"spec-decoding": "none", "conc": 1, "kv-offloading": "none", "total-cpu-dram-gb": 0, "duration": 3600, '
        '"exp-name": "toyag_tp4_conc1_kvnone", "scenario-type": "agentic-coding"}')
    assert [r["exp-name"] for r in agentic] == [
        "toyag_tp4_conc1_kvnone", "toyag_tp4_conc2_kvnone", "toyag_tp2_conc4_kvdram-hicache_spec-mtp",
        "toyag_tp2_conc8_kvdram-hicache_spec-mtp", "toyag_tp2_conc10_kvdram-hicache_spec-mtp",
        "toyag_tp8_conc32_kvdram-lmc"]
    assert [r["total-cpu-dram-gb"] for r in agentic] == [0, 0, 838, 838, 838, 1677]
    assert agentic[2]["router"] == {"name": "sr", "version": "0.3"} and "router" not in agentic[0]
    assert list(agentic[5]["kv-offload-backend"]) == ["version", "name"]  # as written
    assert all("run-eval" not in r for r in agentic)

    fixed_mn = rows[13:15]
    assert [r["conc"] for r in fixed_mn] == [[4, 32], [2, 4, 8, 9]]
    assert fixed_mn[0]["prefill"] == {"num-worker": 1, "tp": 4, "ep": 4, "dp-attn": False, "pp": 1, "dcp-size": 1,
                                      "pcp-size": 1}
    assert list(fixed_mn[0]["decode"]) == ["num-worker", "tp", "ep", "dp-attn", "pp", "additional-settings",
                                           "dcp-size", "pcp-size"]
    assert list(fixed_mn[1]["prefill"]) == ["dp-attn", "ep", "tp", "num-worker", "pp", "dcp-size", "pcp-size"]
    assert list(fixed_mn[0])[-3:] == ["disagg", "run-eval", "kv-p2p-transfer"]
    assert (fixed_mn[0]["max-model-len"], fixed_mn[0]["exp-name"]) == (2304, "toymn_1k1k")

    agentic_mn = rows[15:]
    assert [r["exp-name"] for r in agentic_mn] == [
        "toymn_p2x2ep2dpa_d1x4_conc8_kvdram-nixl-cpu", "toymn_p2x2ep2dpa_d1x4_conc16_kvdram-nixl-cpu",
        "toymn_p1x8_d0x8ep8_conc1", "toymn_p1x8_d0x8ep8_conc2", "toymn_p1x8_d0x8ep8_conc4"]
    assert [r["conc"] for r in agentic_mn] == [[8], [16], [1], [2], [4]]
    assert [r["total-cpu-dram-gb"] for r in agentic_mn] == [749, 749, 0, 0, 0]
    assert list(agentic_mn[0])[-3:] == ["scenario-type", "kv-offload-backend", "kv-p2p-transfer"]


def test_every_row_shape_takes_the_fast_check(run, toy: Path) -> None:
    from sweepgen.rowcheck import checker

    shapes = set()
    for args in ([], ["--no-evals"], ["--evals-only"], ["--all-evals"]):
        shapes.update(tuple(r) for r in sweep(run, *args))
    shapes.update(tuple(r) for r in sweep(run, "--config-keys", "toy*", command="test-config"))
    assert len(shapes) >= 12
    assert [s for s in shapes if not checker("v3").covers(s)] == []


def test_a_point_router_null_drops_the_entry_router(run, toy: Path) -> None:
    (toy / "m.yaml").write_text(TOY.replace("{ tp: 4, conc-start: 1, conc-end: 1 }",
                                            "{ tp: 4, conc-start: 1, conc-end: 1, router: null }"))
    rows = sweep(run, "--no-evals")
    assert ["router" in r for r in rows] == [True] * 6 + [False]


# ---------------------------------------------------------------- filters

@pytest.mark.parametrize(("args", "count"), [
    (["--seq-lens", "8k1k"], 17), (["--seq-lens", "1k1k"], 13), (["--runner-node-filter", "_1"], 13),
    (["--single-node"], 13), (["--multi-node"], 7), (["--single-node", "--multi-node"], 20),
    (["--scenario-type", "agentic-coding"], 11), (["--scenario-type", "fixed-seq-len"], 9),
    (["--max-conc", "0"], 0), (["--max-tp", "0"], 13), (["--step-size", "3"], 18),
    (["--model-prefix", "toyag", "toymn"], 13), (["--precision", "fp4", "--framework", "sglang"], 6),
    (["--runner-type", "h200"], 7), (["--model-prefix", "nothing"], 0),
])
def test_filters(run, toy: Path, args: list[str], count: int) -> None:
    assert len(sweep(run, "--no-evals", *args)) == count


def test_nothing_matched_prints_an_empty_list(run, toy: Path) -> None:
    result = run("full-sweep", "--config-files", "m.yaml", "--runner-config", "runners.yaml", "--model-prefix", "zz")
    assert (result.exit_code, result.stdout) == (0, "[]\n")


def test_concurrency_filters_and_their_quirks(run, toy: Path) -> None:
    rows = sweep(run, "--no-evals", "--max-conc", "5", "--min-conc", "2")
    by_key: dict[str, list[Any]] = {}
    for r in rows:
        by_key.setdefault(r["model-prefix"], []).append(r["conc"])
    assert by_key == {"toy": [3, 5, 5], "toyag": [2, 4], "toymn": [[4], [2, 4], [2], [4]]}
    # --min-conc 0 skips every fixed point, keeps every agentic row
    assert [r.get("isl") for r in sweep(run, "--no-evals", "--min-conc", "0")] == [None] * 11
    # --max-conc 1: every fixed point runs at 1 (synthesised), agentic rows only where 1 is a value
    rows = sweep(run, "--no-evals", "--max-conc", "1")
    assert [(r["model-prefix"], r["conc"]) for r in rows] == [
        ("toy", 1), ("toy", 1), ("toy", 1), ("toyag", 1), ("toymn", [1]), ("toymn", [1]), ("toymn", [1])]


def test_max_tp_skips_and_max_ep_caps(run, toy: Path) -> None:
    rows = sweep(run, "--no-evals", "--max-tp", "4", "--max-ep", "4", "--scenario-type", "fixed-seq-len",
                 "--single-node")
    assert [(r["tp"], r["ep"]) for r in rows] == [(2, 1)] * 4 + [(4, 1)]
    rows = sweep(run, "--no-evals", "--max-ep", "4", "--scenario-type", "fixed-seq-len", "--single-node")
    assert {r["ep"] for r in rows if r["tp"] == 8} == {4}


def test_node_filter_orders(run, toy: Path) -> None:
    (toy / "runners.yaml").write_text(RUNNERS.replace("cluster:gb-y: [gb-y_0]", "cluster:gb-y: [gb-y_0, gb-y_1]"))
    rows = sweep(run, "--no-evals", "--runner-node-filter", "_", "--model-prefix", "toyag", "toymn")
    single = [(r["conc"], r["runner"]) for r in rows if r["model-prefix"] == "toyag"][:4]
    assert single == [(1, "h200-x_0"), (1, "h200-x_1"), (2, "h200-x_0"), (2, "h200-x_1")]  # conc-major
    multi = [(r["runner"], r["conc"]) for r in rows if "scenario-type" in r and "prefill" in r][-6:]
    assert multi == [("gb-y_0", [1]), ("gb-y_0", [2]), ("gb-y_0", [4]),
                     ("gb-y_1", [1]), ("gb-y_1", [2]), ("gb-y_1", [4])]  # node-major
    assert {r["total-cpu-dram-gb"] for r in rows if r["exp-name"].endswith("nixl-cpu")} == {749}


# ---------------------------------------------------------------- evals

def test_eval_marking_by_default(run, toy: Path) -> None:
    rows = sweep(run)
    assert all("run-eval" in r for r in rows)
    marked = [(r["model-prefix"], r.get("tp"), r["conc"]) for r in rows if r["run-eval"]]
    # toy 8k1k groups: (tp 2: spec none, dp-attn false) concs >= 16: [20]; (tp 8: mtp, dp-attn) [16, 64],
    # whose highest and "median" (index len // 2) are both 64
    assert marked == [("toy", 2, 20), ("toy", 8, 64)]
    agentic = [r for r in rows if "scenario-type" in r]
    assert all(list(r)[-1] == "run-eval" and r["run-eval"] is False for r in agentic)


def test_evals_only_and_all_evals(run, toy: Path) -> None:
    rows = sweep(run, "--evals-only")
    assert all(r["run-eval"] is True and list(r)[-1] == "eval-only" for r in rows)
    assert [(r["model-prefix"], r["conc"]) for r in rows] == [("toy", 20), ("toy", 64), ("toyag", 32),
                                                              ("toymn", [16])]
    assert list(rows[-1])[-3:] == ["run-eval", "eval-conc", "eval-only"] and rows[-1]["eval-conc"] == 16
    rows = sweep(run, "--all-evals")
    assert all(r["eval-only"] is True for r in rows)
    merged = [r for r in rows if r["model-prefix"] == "toymn"]
    assert [(r["conc"], r.get("eval-conc")) for r in merged] == [([8, 16], 16), ([1, 2, 4], 4)]
    assert len([r for r in rows if r["model-prefix"] == "toyag"]) == 6


def test_eval_flags_exclude_each_other(run, toy: Path) -> None:
    assert "exclude each other" in fails(run, "--no-evals", "--all-evals", code=2)
    assert "exclude each other" in fails(run, "--no-evals", "--evals-only", code=2)
    assert len(sweep(run, "--evals-only", "--all-evals")) == len(sweep(run, "--all-evals"))


# ---------------------------------------------------------------- usage errors and the generator's errors

@pytest.mark.parametrize("args", [["--seq-lens", "1k8k"], ["--min-conc", "8", "--max-conc", "4"], ["--step-size", "1"],
                                  ["--test-mode"], ["--scenario-type", "chat"]])
def test_usage_errors(run, toy: Path, args: list[str]) -> None:
    fails(run, *args, code=2)


def toy_warnings(run, command: str) -> list[str]:  # type: ignore[no-untyped-def]
    result = run(command, "--config-files", "m.yaml", "--runner-config", "runners.yaml")
    assert result.exit_code == 0, result.stderr
    return [line for line in result.stderr.splitlines() if line]


@pytest.mark.parametrize("command", ["full-sweep", "plan"])
@pytest.mark.parametrize(("args", "wording"), [
    (["--seq-lens", "9k9k"], "Invalid value for '--seq-lens': invalid choice: 9k9k. (choose from 1k1k, 8k1k)"),
    (["--min-conc", "8", "--max-conc", "4"],
     "Invalid value for '--min-conc': --min-conc must be less than or equal to --max-conc"),
    (["--no-evals", "--evals-only"], "--no-evals and --evals-only exclude each other")])
def test_usage_errors_come_before_the_lint_report(run, toy: Path, command: str, args: list[str],
                                                  wording: str) -> None:
    """As the generator's argparse: a bad command line fails (exit 2) before any config is read."""
    (toy / "m.yaml").write_text((toy / "m.yaml").read_text().replace("tp: 2", "tp: 0", 1))
    assert "tp: 0" in (toy / "m.yaml").read_text()
    message = fails(run, *args, command=command, code=2)
    assert message.splitlines()[-1] == f"Error: {wording}" and "lint error" not in message
    # a valid command line on the same configs gets the lint report
    assert fails(run, command=command).splitlines()[-1] == \
        "sweepgen: error: 1 lint error in the configs; nothing was generated"
    # configs with warnings only: the usage error comes before the warnings too
    (toy / "m.yaml").write_text((toy / "m.yaml").read_text().replace("tp: 0", "tp: 2", 1)
                                .replace("runner: h200\n", "runner: h200-a\n", 1))
    warned = toy_warnings(run, command)
    assert warned and all("warning" in line for line in warned)
    message = fails(run, *args, command=command, code=2)
    assert "warning" not in message and message.splitlines()[-1] == f"Error: {wording}"


def test_unknown_runner_type(run, toy: Path) -> None:
    message = fails(run, "--runner-type", "b300", "h200")
    assert message == ("sweepgen: error: Invalid runner type(s): {'b300'}. Valid runner types are: cluster:gb-y, "
                       "cluster:h200-x, cluster:nohw, h200\n")


@pytest.mark.parametrize(("point", "wording"), [
    ("{ tp: 16, kv-offloading: dram, kv-offload-backend: { name: h }, conc-list: [1] }",
     "tp=16 with pp=1 and pcp-size=1 requires 16 GPUs and exceeds gpus-per-node=8"),
    ("{ tp: 4, kv-offloading: dram, kv-offload-backend: { name: h }, conc-list: [1] }@cluster:nohw",
     "'available-cpu-dram-mib'"),
])
def test_dram_budget_errors_are_one_line(run, toy: Path, point: str, wording: str) -> None:
    point, _, runner = point.partition("@")
    text = TOYAG.replace("{ tp: 4, kv-offloading: none, conc-list: [1, 2] }", point)
    if runner:
        text = text.replace("runner: cluster:h200-x", f"runner: {runner}")
    (toy / "m.yaml").write_text(text)
    message = fails(run, "--no-evals")
    assert wording in message


# ---------------------------------------------------------------- test-config

def test_test_config_keys_globs_and_conc(run, toy: Path) -> None:
    rows = sweep(run, "--config-keys", "toy-fp8-h200-vllm", "--no-evals", command="test-config")
    assert len(rows) == 7 and rows[0]["max-model-len"] == 9472
    rows = sweep(run, "--config-keys", "toy*", "toy-fp8-h200-vllm", "--conc", "4", "16", "--no-evals",
                 command="test-config")
    assert [(r["model-prefix"], r["conc"]) for r in rows] == [("toy", 16), ("toyag", 4), ("toymn", [4]),
                                                              ("toymn", [4]), ("toymn", [16]), ("toymn", [4])]
    rows = sweep(run, "--config-keys", "toyag*", "--runner-node-filter", "h200", "--no-evals", command="test-config")
    assert [r["runner"] for r in rows[:3]] == ["cluster:h200-x", "h200-x_0", "h200-x_1"]  # the label matches too


def test_test_config_errors(run, toy: Path) -> None:
    listing = "Available keys: toy-fp8-h200-vllm, toyag-fp4-x-sglang, toymn-fp4-gb-dynamo"
    message = fails(run, "--config-keys", "nope", command="test-config")
    assert message == f"sweepgen: error: Config key(s) not found: nope. {listing}\n"
    message = fails(run, "--config-keys", "toy*", "x?", command="test-config")
    assert message == f"sweepgen: error: Pattern 'x?' matched no config keys. {listing}\n"
    fails(run, "--key", "toy-fp8-h200-vllm", command="test-config", code=2)
    fails(run, "--config-keys", "toy*", "--step-size", "4", command="test-config", code=2)


# ---------------------------------------------------------------- the smoke jobs and custom

def test_runner_sweeps_take_the_first_fixed_block(run, toy: Path) -> None:
    rows = sweep(run, "--runner-type", "h200", command="runner-model-sweep")
    assert [(r["runner"], r["tp"], r["conc"], r["exp-name"], r["isl"]) for r in rows] == [
        ("h200-a_0", 8, 16, "toy_test", 8192), ("h200-b_1", 8, 16, "toy_test", 8192)]
    result = run("runner-model-sweep", "--config-files", "m.yaml", "--runner-config", "runners.yaml",
                 "--runner-type", "cluster:gb-y")
    assert result.exit_code == 0 and result.stdout == "[]\n"
    assert "is a multinode entry; runner-model-sweep tests single-node entries only" in result.stderr
    result = run("runner-sweep", "--config-files", "m.yaml", "--runner-config", "runners.yaml",
                 "--runner-type", "cluster:h200-x", "--model-prefix", "toyag")
    assert result.exit_code == 1 and "has no fixed-seq-len search point" in result.stderr
    assert "No configs found matching model prefix 'toyag'." in result.stderr


def test_custom(run, toy: Path) -> None:
    rows = sweep(run, "--runner-label", "h200-a_0", "--image", "i:1", "--model", "m/x", "--framework", "vllm",
                 "--precision", "fp8", "--exp-name", "x_test", "--model-prefix", "x", command="custom")
    assert rows == [{"image": "i:1", "model": "m/x", "model-prefix": "x", "precision": "fp8", "framework": "vllm",
                     "runner": "h200-a_0", "isl": 1024, "osl": 1024, "tp": 8, "pp": 1, "dcp-size": 1,
                     "pcp-size": 1, "conc": 4, "max-model-len": 2304, "ep": 1, "dp-attn": False,
                     "spec-decoding": "none", "exp-name": "x_test", "disagg": False, "run-eval": False}]
    result = run("custom", "--config-files", "m.yaml", "--runner-config", "runners.yaml", "--runner-label", "h200",
                 "--image", "i:1", "--model", "m/x", "--framework", "vllm", "--precision", "fp8", "--exp-name", "x")
    assert result.exit_code == 2 and "--model-prefix" in result.stderr


def test_export_shows_the_schema_defaults_expansion_reads(run, toy: Path) -> None:
    result = run("export", "--config-files", "m.yaml", "--runner-config", "runners.yaml")
    assert result.exit_code == 0, result.stderr
    exported = json.loads(result.stdout)
    point = exported["m.yaml"]["toy-fp8-h200-vllm"]["scenarios"]["fixed-seq-len"][0]["search-space"][0]
    assert point == {"tp": 2, "conc-start": 3, "conc-end": 20, "pp": 1, "dcp-size": 1, "pcp-size": 1, "ep": 1,
                     "dp-attn": False, "spec-decoding": "none"}
    worker = exported["m.yaml"]["toymn-fp4-gb-dynamo"]["scenarios"]["fixed-seq-len"][0]["search-space"][0]["decode"]
    assert list(worker) == ["num-worker", "tp", "ep", "dp-attn", "pp", "additional-settings", "dcp-size", "pcp-size"]
    assert exported["runners.yaml"]["hardware"]["cluster:gb-y"]["available-cpu-dram-mib"] == 3_000_000


def test_policies_are_data_declared_once() -> None:
    """The headroom, the eval selection, the agentic duration, the DRAM cap and units, the sequence-length
    names: written in formats/v3/policy.py only, never as literals in the code that uses them."""
    import io
    import tokenize

    from conftest import ROOT

    literals = {"256", "3600", "2861022", "2_861_022", "16", "1024", "8192", "1_000_000_000", "'8k1k'", '"8k1k"',
                "'1k1k'", '"1k1k"'}
    found = []
    folder = ROOT / "sweepgen" / "formats" / "v3"
    for path in sorted(folder.glob("*.py")):
        if path.name == "policy.py":
            continue
        previous = tokenize.INDENT
        for token in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
            docstring = token.type == tokenize.STRING and previous in (tokenize.INDENT, tokenize.NEWLINE,
                                                                        tokenize.DEDENT, tokenize.NL)
            if token.type != tokenize.COMMENT and not docstring and token.string in literals:
                found.append(f"{path.name}:{token.start[0]}: {token.string}")
            if token.type != tokenize.COMMENT:
                previous = token.type
    assert found == []
