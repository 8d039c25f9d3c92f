"""Schema v2 through `sweepgen lint`: data-driven cases, exact messages, the real v2-era configs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import corpus_dir

HERE = Path(__file__).parent
CASES = HERE / "v2_cases"
RUNNERS = CASES / "runners" / "runners.yaml"
EXPECTED = json.loads((CASES / "expected.json").read_text())


def lint_json(run, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = run("lint", "--format", "json", *args)
    report = json.loads(result.stdout)
    report["exit_code"] = result.exit_code
    return report


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_case(run, name: str) -> None:
    report = lint_json(run, "--runner-config", str(RUNNERS), str(CASES / name))
    got = [[p["line"], p["column"], p["rule"]] for p in report["problems"]]
    assert got == EXPECTED[name]
    assert [f["version"] for f in report["summary"]["files"] if f["kind"] == "master-config"] == ["v2"]
    assert report["exit_code"] == (1 if any(p["level"] == "error" for p in report["problems"]) else 0)


def test_every_case_file_has_expectations() -> None:
    assert sorted(p.name for p in CASES.glob("*.yaml")) == sorted(EXPECTED)


def messages(run, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    result = run("lint", "--format", "text", "--runner-config", str(RUNNERS), str(CASES / name))
    return result.stdout.splitlines()


POINT = "dsr1-fp8-b200-sglang.seq-len-configs[0].search-space"
MN_POINT = "dsr1-fp4-gb200-dynamo-trt.seq-len-configs[0].search-space"
CHOICE = "expected exactly one of conc-start with conc-end (a range), or conc-list"


def test_concurrency_choice_messages(run) -> None:
    assert messages(run, "conc.yaml")[:5] == [
        f"tests/v2_cases/conc.yaml:13:45: error: 'conc-list' conflicts with 'conc-start' in {POINT}[0]: "
        f"{CHOICE} [conflicting-fields]",
        f"tests/v2_cases/conc.yaml:14:7: error: missing required field in {POINT}[1]: {CHOICE} [missing-field]",
        f"tests/v2_cases/conc.yaml:15:7: error: missing required field 'conc-end' in {POINT}[2] [missing-field]",
        f"tests/v2_cases/conc.yaml:16:7: error: missing required field 'conc-start' in {POINT}[3] [missing-field]",
        f"tests/v2_cases/conc.yaml:16:29: error: 'conc-list' conflicts with 'conc-end' in {POINT}[3]: "
        f"{CHOICE} [conflicting-fields]",
    ]
    lines = messages(run, "conc.yaml")
    assert "tests/v2_cases/conc.yaml:18:31: error: 'conc-list[1]' must be at least 1, got 0 [minimum]" in lines
    # the alternative written last is the one pointed at, whatever the order of the keys
    assert lines[-1] == (f"tests/v2_cases/conc.yaml:24:7: error: 'conc-start' conflicts with 'conc-list' "
                         f"in {POINT}[9]: {CHOICE} [conflicting-fields]")


def test_multinode_point_messages(run) -> None:
    lines = messages(run, "multinode.yaml")
    multinode_point = ("expected a multinode search point (prefill, decode, spec-decoding, and conc-start with "
                       "conc-end or conc-list); tp, ep and dp-attn go inside prefill and decode")
    assert lines[0] == (f"tests/v2_cases/multinode.yaml:15:7: error: unknown key 'tp' in {MN_POINT}[0]; "
                        f"{multinode_point} [unknown-key]")
    assert lines[1] == (f"tests/v2_cases/multinode.yaml:18:7: error: missing required field 'decode' "
                        f"in {MN_POINT}[1] [missing-field]")
    assert (f"tests/v2_cases/multinode.yaml:22:7: error: missing required field 'ep' in {MN_POINT}[2].prefill "
            f"[missing-field]") in lines
    assert ("tests/v2_cases/multinode.yaml:22:30: error: 'num-worker' must be at least 0, got -1 [minimum]") in lines
    assert ("tests/v2_cases/multinode.yaml:30:11: error: 'additional-settings[1]' must be a NAME=value setting "
            "(NAME of letters, digits and '_'), got string 'batch size 64' [pattern]") in lines


def test_single_node_point_messages(run) -> None:
    lines = messages(run, "single_node.yaml")
    assert lines[:2] == [
        "tests/v2_cases/single_node.yaml:9:11: warning: 'disagg' must be false on a single-node entry "
        "(disagg is only meaningful with multinode: true), got boolean true [disagg-single-node]",
        f"tests/v2_cases/single_node.yaml:16:7: error: unknown key 'prefill' in {POINT}[0]; expected a single-node "
        "search point (tp, ep, dp-attn, spec-decoding, and conc-start with conc-end or conc-list); prefill and "
        "decode need multinode: true on the entry [unknown-key]",
    ]
    assert (f"tests/v2_cases/single_node.yaml:18:32: error: unknown key 'conc-step' in {POINT}[2]; "
            "did you mean 'conc-list'? [unknown-key]") in lines


def test_entry_messages(run) -> None:
    lines = messages(run, "entry.yaml")
    assert lines[0] == ("tests/v2_cases/entry.yaml:1:1: error: missing required field 'multinode' "
                        "in dsr1-fp8-b200-sglang [missing-field]")
    assert ("tests/v2_cases/entry.yaml:22:3: error: unknown key 'multi-node' in dsr1-fp8-b200-vllm; "
            "did you mean 'multinode'? [unknown-key]") in lines


def test_first_v2_day_lints_clean(run) -> None:
    folder = corpus_dir("inferencemax-93e1b3ca1")
    report = lint_json(run, str(folder))
    assert report["problems"] == []
    assert report["summary"]["notes"] == [  # nothing but the pointer to the newer format
        f"{folder}/{name} is in the v2 format (the latest is v3); `sweepgen migrate --to v3 --config-files "
        f"{folder}/{name}` upgrades it in place" for name in ("amd-master.yaml", "nvidia-master.yaml")]
    assert sorted((f["path"].rsplit("/", 1)[-1], f["version"]) for f in report["summary"]["files"]) == [
        ("amd-master.yaml", "v2"), ("nvidia-master.yaml", "v2"), ("runners.yaml", "v2")]
    assert report["exit_code"] == 0


def test_last_v2_day_reports_exactly_the_undeclared_runners(run) -> None:
    folder = corpus_dir("inferencemax-2d0d4283d")
    report = lint_json(run, str(folder))
    runners = f"{folder}/runners.yaml"
    got = [(p["path"], p["line"], p["column"], p["rule"], p["level"], p["message"]) for p in report["problems"]]
    master = f"{folder}/nvidia-master.yaml"
    assert got == [
        (master, 1676, 11, "unknown-runner", "error", f"'b200-dsv4' is not a runner type or runner node in {runners}"),
        (master, 1713, 11, "unknown-runner", "error", f"'b200-dsv4' is not a runner type or runner node in {runners}"),
        (master, 1736, 11, "unknown-runner", "error", f"'b200-dsv4' is not a runner type or runner node in {runners}"),
        (master, 7837, 11, "unknown-runner", "error", f"'gb300-nv' is not a runner type or runner node in {runners}"),
    ]
    assert report["exit_code"] == 1


def test_v1_file_names_its_version_and_migrate(run, tmp_path, monkeypatch) -> None:
    seed = corpus_dir("inferencemax-17d5e204f")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.yaml").write_bytes((seed / "amd-master.yaml").read_bytes())
    (tmp_path / "runners.yaml").write_bytes((seed / "runners.yaml").read_bytes())
    note = ("m.yaml is in the v1 format (the latest is v3); "
            "`sweepgen migrate --to v3 --config-files m.yaml` upgrades it in place")
    text = run("lint", "--format", "text", "m.yaml")
    assert text.stdout == ""
    assert text.stderr.splitlines()[0] == f"note: {note}"
    assert text.exit_code == 0
    report = lint_json(run, "m.yaml")
    assert report["summary"]["notes"] == [note]
    assert report["summary"]["files"][1] == {"path": "m.yaml", "kind": "master-config", "version": "v1"}


def test_v1_file_forced_to_v2_says_what_to_run(run, tmp_path, monkeypatch) -> None:
    seed = corpus_dir("inferencemax-17d5e204f")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.yaml").write_bytes((seed / "amd-master.yaml").read_bytes())
    report = lint_json(run, "--schema-version", "v2", "m.yaml")
    assert {(p["rule"], p["message"].split(" in ")[0]) for p in report["problems"]} == {
        ("missing-field", "missing required field 'multinode'")}
    assert len(report["problems"]) == 7  # one per entry, nothing about the (valid) points
    assert report["summary"]["notes"][-1].startswith("m.yaml is in the v1 format (the latest is v3); ")


def test_expected_outputs_of_the_first_v2_day_are_v2_matrix_entries() -> None:
    from sweepgen import schemas

    folder = corpus_dir("inferencemax-93e1b3ca1") / "expected"
    validator = schemas.validator("v2", "matrix-entry")
    manifest = json.loads((folder / "manifest.json").read_text())
    for item in manifest:
        entries = json.loads((folder / f"{item['name']}.json").read_text())
        assert len(entries) == item["entries"]
        assert [e for e in entries if not validator.is_valid(e)] == []


def test_matrix_entry_shapes_do_not_mix() -> None:
    from sweepgen import schemas

    validator = schemas.validator("v2", "matrix-entry")
    single = {"image": "lmsysorg/sglang:v0.5.5", "model": "m/m", "model-prefix": "dsr1", "precision": "fp8",
              "framework": "sglang", "runner": "b200", "isl": 1024, "osl": 1024, "tp": 8, "conc": 4,
              "max-model-len": 2248, "ep": 1, "dp-attn": False, "spec-decoding": "none", "exp-name": "dsr1_1k1k",
              "disagg": False}
    worker = {"num-worker": 1, "tp": 4, "ep": 4, "dp-attn": False}
    multi = {k: v for k, v in single.items() if k not in ("tp", "ep", "dp-attn")}
    multi.update({"prefill": worker, "decode": worker, "conc": [1, 2]})
    assert validator.is_valid(single)
    assert validator.is_valid(multi)
    assert not validator.is_valid({**single, "conc": [4]})
    assert not validator.is_valid({**multi, "conc": 4})
    assert not validator.is_valid({**multi, "tp": 8})
    assert not validator.is_valid({**single, "prefill": worker})
    assert not validator.is_valid({k: v for k, v in single.items() if k != "disagg"})
    assert not validator.is_valid({**multi, "decode": {**worker, "additional-settings": ["x"]}})


def test_v2_reuses_the_frozen_v1_definitions() -> None:
    from sweepgen import schemas

    v2 = json.dumps(schemas.version("v2").schema("master-config"))
    for shared in ("#/$defs/entry/properties/image", "#/$defs/entry/properties/runner", "#/$defs/concurrency",
                   "#/$defs/search-point/properties/ep"):
        assert f'"../v1/master-config.schema.json{shared}"' in v2
    assert schemas.detect({"k": {"multinode": False}}).name == "v2"
    assert schemas.detect({"k": {"image": "x"}}).name == "v1"
