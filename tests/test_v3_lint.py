"""Schema v3 through `sweepgen lint`: data-driven cases, exact messages, detection and older layouts,
the real configs of today (843c6254f) and faults made from them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import corpus_dir

HERE = Path(__file__).parent
CASES = HERE / "v3_cases"
RUNNERS = CASES / "runners" / "runners.yaml"
EXPECTED = json.loads((CASES / "expected.json").read_text())
HEAD = "inferencex-843c6254f"


def lint_json(run, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = run("lint", "--format", "json", *args)
    report = json.loads(result.stdout)
    report["exit_code"] = result.exit_code
    return report


def messages(run, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    result = run("lint", "--format", "text", "--runner-config", str(RUNNERS), str(CASES / name))
    return result.stdout.splitlines()


# ---------------------------------------------------------------- data-driven cases

@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_case(run, name: str) -> None:
    report = lint_json(run, "--runner-config", str(RUNNERS), str(CASES / name))
    got = [[p["line"], p["column"], p["rule"]] for p in report["problems"]]
    assert got == EXPECTED[name]
    assert [f["version"] for f in report["summary"]["files"]] == ["v3", "v3"]
    assert report["exit_code"] == (1 if any(p["level"] == "error" for p in report["problems"]) else 0)
    assert report["summary"]["notes"] == []


def test_every_case_file_has_expectations() -> None:
    assert sorted(p.name for p in CASES.glob("*.yaml")) == sorted(EXPECTED)


def test_every_problem_is_one_positioned_line(run) -> None:
    for name in EXPECTED:
        for line in messages(run, name):
            path, row, col, rest = line.split(":", 3)
            assert path == f"tests/v3_cases/{name}" and int(row) >= 1 and int(col) >= 1
            assert rest.startswith((" error: ", " warning: ")) and rest.endswith("]")


POINT = "dsr1-fp8-h200-sglang.scenarios.fixed-seq-len[0].search-space"
CHOICE = "expected exactly one of conc-start with conc-end (a range), or a non-empty conc-list"


def test_concurrency_messages(run) -> None:
    lines = messages(run, "conc.yaml")
    assert lines[:5] == [
        f"tests/v3_cases/conc.yaml:14:47: error: 'conc-list' conflicts with 'conc-start' in {POINT}[0]: {CHOICE} "
        "[conflicting-fields]",
        f"tests/v3_cases/conc.yaml:15:9: error: missing required field in {POINT}[1]: {CHOICE} [missing-field]",
        f"tests/v3_cases/conc.yaml:16:9: error: missing required field 'conc-end' in {POINT}[2]: {CHOICE} "
        "[missing-field]",
        f"tests/v3_cases/conc.yaml:17:9: error: 'conc-list' is an empty list in {POINT}[3]: {CHOICE} [missing-field]",
        f"tests/v3_cases/conc.yaml:18:9: error: 'conc-list' is null in {POINT}[4]: {CHOICE} [missing-field]",
    ]
    assert "tests/v3_cases/conc.yaml:21:44: error: conc-start 64 is greater than conc-end 32 [conc-range]" in lines
    assert ("tests/v3_cases/conc.yaml:27:38: warning: conc-list repeats 16 (first at position 1); its jobs would run "
            "twice [duplicate-conc]") in lines
    # an empty or null list next to a range is no list; unsorted lists and a lone conc-start next to a list are
    # what the generator accepts
    assert not [line for line in lines if any(f":{n}:" in line for n in (23, 24, 25, 26, 31))]


def test_type_messages(run) -> None:
    lines = messages(run, "points.yaml")
    assert lines[:3] == [
        "tests/v3_cases/points.yaml:14:15: error: 'tp' must be an integer, got string '8' [type]",
        "tests/v3_cases/points.yaml:15:15: error: 'tp' must be an integer, got float 8.0 (write 8) [type]",
        "tests/v3_cases/points.yaml:16:15: error: 'tp' must be an integer, got boolean true [type]",
    ]
    assert "tests/v3_cases/points.yaml:17:28: error: tp 6 is not divisible by dcp-size 4 [divisible]" in lines
    assert ("tests/v3_cases/points.yaml:41:9: error: worker hardware must be set on both prefill and decode or on "
            "neither in dsr1-fp4-gb-dynamo-trt.scenarios.fixed-seq-len[0].search-space[0] [worker-hardware]") in lines


def test_entry_messages(run) -> None:
    lines = messages(run, "entry.yaml")
    assert lines[0] == ("tests/v3_cases/entry.yaml:9:11: error: 'disagg' must be false on a single-node entry "
                        "(disaggregated serving needs multinode: true), got boolean true [enum]")
    assert ("tests/v3_cases/entry.yaml:11:43: error: 'version' must be the component's own version (a release, "
            "package version or source commit), not an image reference, got string 'image:lmsysorg/sglang:v0.5.16' "
            "[component-version]") in lines
    assert ("tests/v3_cases/entry.yaml:22:14: error: 'multinode' must be false (a single-node entry) or true (a "
            "multinode entry), got string 'false' [enum]") in lines
    assert ("tests/v3_cases/entry.yaml:41:11: error: 'runner' must be a cluster:<name> runner (an entry with "
            "agentic-coding blocks runs on one exact fleet), got string 'h200' [cluster-runner]") in lines
    assert ("tests/v3_cases/entry.yaml:45:11: error: router is declared here and in search-space points in "
            "dsr1-fp8-h200-agentic; declare it at one scope [one-scope]") in lines
    assert ("tests/v3_cases/entry.yaml:58:11: error: disagg: true needs kv-p2p-transfer at entry level or in every "
            "search-space point in dsr1-fp4-gb-dynamo-trt [disagg-transfer]") in lines


def test_agentic_messages(run) -> None:
    lines = messages(run, "agentic.yaml")
    point = "dsv4-fp4-x-sglang.scenarios.agentic-coding[0].search-space"
    assert lines[:4] == [
        f"tests/v3_cases/agentic.yaml:13:9: error: missing required field 'kv-offloading' in {point}[0] "
        "[missing-field]",
        "tests/v3_cases/agentic.yaml:14:33: error: kv-offloading: dram needs a kv-offload-backend ({name, version?}) "
        f"in {point}[1] [kv-offload-backend]",
        "tests/v3_cases/agentic.yaml:15:59: error: kv-offload-backend is only allowed with kv-offloading: dram in "
        f"{point}[2] [kv-offload-backend]",
        "tests/v3_cases/agentic.yaml:16:59: error: kv-offload-backend must be a mapping {name, version?} in "
        f"{point}[3] (a plain string is the older E3b form) [type]",
    ]
    assert ("tests/v3_cases/agentic.yaml:23:9: error: a multinode-shaped agentic point (prefill and decode) in a "
            "single-node entry (multinode: false): give it tp instead, or make the entry multinode "
            "[point-shape]") in lines
    assert ("tests/v3_cases/agentic.yaml:26:7: error: missing required field 'dram-utilization' in "
            "dsv4-fp4-x-sglang.scenarios.agentic-coding[1]: a point of this block has kv-offloading: dram "
            "[dram-utilization]") in lines


def test_cross_document_messages(run) -> None:
    lines = messages(run, "cross.yaml")
    runners = "tests/v3_cases/runners/runners.yaml"
    assert lines[0] == (
        "tests/v3_cases/cross.yaml:14:33: error: kv-offloading: dram needs hardware['cluster:nohw'] "
        f"('available-cpu-dram-mib', 'gpus-per-node') in {runners} to size the DRAM budget (hardware is declared "
        "for: cluster:gb-y, cluster:h200-x) [dram-hardware]")
    assert ("tests/v3_cases/cross.yaml:33:9: error: the DRAM budget of this kv-offloading: dram point cannot be "
            "sized: tp=16 with pp=1 and pcp-size=1 requires 16 GPUs and exceeds gpus-per-node=8 for runner "
            "'cluster:h200-x' [gpu-fit]") in lines
    assert ("tests/v3_cases/cross.yaml:62:9: error: the DRAM budget of this kv-offloading: dram point cannot be "
            "sized: on runner 'cluster:gb-y', the prefill worker tp*pp*pcp-size=6 spans multiple nodes but is not a "
            "multiple of gpus-per-node=4 [gpu-fit]") in lines
    assert ("tests/v3_cases/cross.yaml:53:26: error: kv-p2p-transfer: null removes the entry's kv-p2p-transfer "
            "('nixl') from this point, but a disagg: true entry needs one in every job; remove the line to inherit "
            "it [null-transfer]") in lines
    assert ("tests/v3_cases/cross.yaml:29:26: warning: router: null removes the entry's router ('sglang-router' "
            "0.3.2) from this point's jobs; remove the line to inherit it [null-override]") in lines
    said = {line.split(": ", 2)[2] for line in lines if line.endswith("[runner-label]")}
    assert said == {
        f"runner 'gb-y' is not a label in {runners}: it is the label 'cluster:gb-y' without its 'cluster:' prefix "
        "(jobs run on 'gb-y' as written) [runner-label]",
        f"runner 'h200-a_0' is not a label in {runners}: it is a node of 'h200' (jobs run on that node as written) "
        "[runner-label]",
        f"runner 'b300' is not a label in {runners}, nor a node of one: unknown; jobs run on 'b300' as written "
        "[runner-label]",
        f"runner 'cluster:mi325x-tw' is not a label in {runners}: a cluster name that no label declares; jobs run "
        "on 'cluster:mi325x-tw' as written [runner-label]",
    }
    # tp 3 with DRAM offload fits an 8-GPU node (no divisibility rule single-node); tp 16 without offload is
    # not sized at all
    assert not [line for line in lines if ":35:" in line or ":36:" in line]


def test_without_a_runner_config_the_cross_document_rules_are_skipped(run, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.yaml").write_text((CASES / "cross.yaml").read_text())
    report = lint_json(run, "m.yaml")
    rules = {p["rule"] for p in report["problems"]}
    assert not rules & {"dram-hardware", "gpu-fit", "runner-label"}
    assert rules >= {"null-transfer", "null-override"}
    assert report["summary"]["notes"] == ["no runner config found: the rules that read it were skipped (give --runner-config)"]


# ---------------------------------------------------------------- detection and older layouts

def test_scenarios_entries_are_v3_and_the_modeline_comes_first(run, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    valid = (CASES / "valid.yaml").read_text()
    (tmp_path / "plain.yaml").write_text(valid)
    (tmp_path / "named.yaml").write_text("# yaml-language-server: $schema=../schema/v2/master-config.schema.json\n"
                                         + valid.replace("toy-", "named-toy-"))
    shutil.copy(RUNNERS, tmp_path / "runners.yaml")
    report = lint_json(run, "plain.yaml", "named.yaml")
    versions = {f["path"]: f["version"] for f in report["summary"]["files"]}
    assert versions == {"runners.yaml": "v3", "plain.yaml": "v3", "named.yaml": "v2"}
    assert {p["path"] for p in report["problems"] if p["level"] == "error"} == {"named.yaml"}


@pytest.mark.parametrize("name", ["e3a.yaml", "e3b.yaml"])
def test_an_older_scenarios_layout_is_one_problem(run, name: str) -> None:
    lines = messages(run, name)
    assert len(lines) == 1 and lines[0].startswith(f"tests/v3_cases/{name}:1:1: error: an E{name[1:3]} ")
    assert "an older draft of v3 that sweepgen does not read" in lines[0] and lines[0].endswith("[unknown-format]")


def test_a_flat_runner_config_beside_scenarios_is_one_problem(run) -> None:
    report = lint_json(run, "--runner-config", str(CASES / "flat" / "runners.yaml"), str(CASES / "valid.yaml"))
    assert [(p["path"], p["line"], p["rule"]) for p in report["problems"]] == [
        ("tests/v3_cases/flat/runners.yaml", 1, "unknown-format")]
    assert report["problems"][0]["message"].startswith("a flat runners.yaml (runner type -> node names")


def test_a_v3_runner_config_beside_older_configs_is_one_problem(run) -> None:
    v1 = HERE / "data" / "v1-configs" / "nvidia-master.yaml"
    report = lint_json(run, "--runner-config", str(RUNNERS), str(v1))
    assert [(p["path"], p["line"], p["column"], p["rule"], p["message"]) for p in report["problems"]] == [
        (str(RUNNERS.relative_to(HERE.parent)), 1, 1, "unknown-format",
         "a v3 runner config, but the master configs it serves are v1: migrate them (`sweepgen migrate --to v3`) "
         "or give a v1 runner config")]
    assert {f["path"]: f["version"] for f in report["summary"]["files"]}[str(RUNNERS.relative_to(HERE.parent))] == "v3"
    # its values are not read as v1 runner types: the runner rules are skipped, and say so
    assert any("could not be read: the rules that read it were skipped" in n for n in report["summary"]["notes"])


# ---------------------------------------------------------------- YAML 1.1 as the files' owners read them

def test_the_real_runner_config_reads_yaml11_integers_with_no_problem(run) -> None:
    folder = corpus_dir(HEAD)
    assert "2_063_837" in (folder / "runners.yaml").read_text()
    report = lint_json(run, "--runner-config", str(folder / "runners.yaml"), str(folder / "amd-master.yaml"))
    assert [p for p in report["problems"] if p["path"].endswith("runners.yaml")] == []
    assert {p["level"] for p in report["problems"]} == {"warning"} and report["exit_code"] == 0


def test_the_real_runner_config_alone_is_v3(run) -> None:
    report = lint_json(run, str(corpus_dir(HEAD) / "runners.yaml"))
    assert [(f["kind"], f["version"]) for f in report["summary"]["files"]] == [("runner-config", "v3")]
    assert report["problems"] == []


def test_yaml11_integers_are_sized_as_integers(run, tmp_path: Path) -> None:
    runners = tmp_path / "runners.yaml"
    runners.write_text(RUNNERS.read_text().replace("gpus-per-node: 8", "gpus-per-node: 1_6"))
    report = lint_json(run, "--runner-config", str(runners), str(CASES / "cross.yaml"))
    # with 16 GPUs per node, tp 16 with DRAM offload fits
    assert not [p for p in report["problems"] if p["rule"] == "gpu-fit" and p["line"] == 33]
    quoted = tmp_path / "quoted" / "runners.yaml"
    quoted.parent.mkdir()
    quoted.write_text(RUNNERS.read_text().replace("2_000_000", '"2_000_000"'))
    report = lint_json(run, "--runner-config", str(quoted), str(CASES / "valid.yaml"))
    assert [(p["line"], p["rule"]) for p in report["problems"]] == [(7, "type")]


def test_yaml11_booleans_in_master_configs_keep_their_warnings(run) -> None:
    lines = messages(run, "yaml11.yaml")
    assert lines == [
        "tests/v3_cases/yaml11.yaml:7:14: warning: 'on' is a string in YAML 1.2 but a boolean to YAML 1.1 readers; "
        "quote it [yaml11-boolean]",
        "tests/v3_cases/yaml11.yaml:14:27: error: 'dp-attn' must be a boolean (true or false) or null, got string "
        "'no' ('no' is a string in YAML 1.2; write true or false) [type]",
    ]


# ---------------------------------------------------------------- the real configs of today

def test_todays_real_configs_lint_with_the_expected_warnings_only(run) -> None:
    folder = corpus_dir(HEAD)
    report = lint_json(run, str(folder))
    runners = f"{folder}/runners.yaml"
    got = [(Path(p["path"]).name, p["line"], p["column"], p["rule"], p["level"]) for p in report["problems"]]
    runner_lines = {"amd-master.yaml": [1629, 1651], "nvidia-master.yaml": [1668, 1687, 3308, 5186, 5469, 5668]}
    assert got == [(name, line, 11, "runner-label", "warning") for name, lines in runner_lines.items()
                   for line in lines]
    said = {p["message"] for p in report["problems"]}
    assert said == {
        f"runner 'cluster:mi325x-tw' is not a label in {runners}: a cluster name that no label declares; jobs run "
        "on 'cluster:mi325x-tw' as written",
        f"runner 'h200-dgxc' is not a label in {runners}: it is the label 'cluster:h200-dgxc' without its "
        "'cluster:' prefix (jobs run on 'h200-dgxc' as written)",
        f"runner 'gb300-nv' is not a label in {runners}: it is the label 'cluster:gb300-nv' without its "
        "'cluster:' prefix (jobs run on 'gb300-nv' as written)",
    }
    assert sorted((Path(f["path"]).name, f["kind"], f["version"]) for f in report["summary"]["files"]) == [
        ("amd-master.yaml", "master-config", "v3"), ("nvidia-master.yaml", "master-config", "v3"),
        ("runners.yaml", "runner-config", "v3")]
    assert report["summary"]["notes"] == [] and report["exit_code"] == 0
    assert run("lint", "--strict", str(folder)).exit_code == 1


def test_todays_real_configs_take_the_fast_check() -> None:
    from sweepgen import fastcheck
    from sweepgen.yamlsource import load_path

    folder = corpus_dir(HEAD)
    for name in ("nvidia-master.yaml", "amd-master.yaml"):
        assert fastcheck.accepts("v3", "master-config", load_path(folder / name).data)
    runners = load_path(folder / "runners.yaml")
    runners.read_yaml11_numbers()
    assert fastcheck.accepts("v3", "runner-config", runners.data)
    for kind in ("master-config", "runner-config", "matrix-entry"):
        assert fastcheck.checker("v3", kind) is not None, kind
