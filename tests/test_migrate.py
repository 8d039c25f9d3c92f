"""`sweepgen migrate` as a user runs it: exact diffs and bytes, verification, refusals, atomic writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import corpus_dir

V1 = """\
# yaml-language-server: $schema=../schema/v1/master-config.schema.json
dsr1-fp8-b200-sglang:
    image: lmsysorg/sglang:v0.5.3
    model: deepseek-ai/DeepSeek-R1-0528
    model-prefix: dsr1
    runner: b200
    precision: fp8
    framework: sglang   # the engine
    seq-len-configs:
    - isl: 1024
      osl: 1024
      search-space:
      - { tp: 8, conc-start: 4, conc-end: 64 }

# the second entry keeps framework last
gptoss-fp4-b200-vllm:
    image: vllm/vllm-openai:v0.10.2
    model: openai/gpt-oss-120b
    model-prefix: gptoss
    runner: b200
    precision: fp4
    seq-len-configs:
    - isl: 1024
      osl: 1024
      search-space:
      - { tp: 8, conc-start: 4, conc-end: 64 }
    framework: vllm
"""

V2 = V1.replace("schema/v1/", "schema/v2/") \
    .replace("    framework: sglang   # the engine\n", "    framework: sglang   # the engine\n    multinode: false\n") \
    .replace("    framework: vllm\n", "    framework: vllm\n    multinode: false\n")

DIFF = """\
--- a/m.yaml
+++ b/m.yaml
@@ -1,4 +1,4 @@
-# yaml-language-server: $schema=../schema/v1/master-config.schema.json
+# yaml-language-server: $schema=../schema/v2/master-config.schema.json
 dsr1-fp8-b200-sglang:
     image: lmsysorg/sglang:v0.5.3
     model: deepseek-ai/DeepSeek-R1-0528
@@ -6,6 +6,7 @@
     runner: b200
     precision: fp8
     framework: sglang   # the engine
+    multinode: false
     seq-len-configs:
     - isl: 1024
       osl: 1024
@@ -25,3 +26,4 @@
       search-space:
       - { tp: 8, conc-start: 4, conc-end: 64 }
     framework: vllm
+    multinode: false
"""


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runners.yaml").write_text("b200:\n- b200-nv_0\n")
    return tmp_path


def test_dry_run_prints_the_exact_diff_and_writes_nothing(run, here) -> None:
    (here / "m.yaml").write_text(V1)
    result = run("migrate", "--to", "v2", "--config-files", "m.yaml", "--dry-run")
    assert result.stdout == DIFF
    assert result.stderr == "m.yaml: v1 -> v2: would add `multinode: false` to 2 entries\n"
    assert result.exit_code == 0
    assert (here / "m.yaml").read_text() == V1


def test_migrates_in_place_then_lints_clean_as_v2_then_has_nothing_to_do(run, here) -> None:
    (here / "m.yaml").write_text(V1)
    result = run("migrate", "--to", "v2", "--config-files", "m.yaml")
    assert result.stdout == "m.yaml: v1 -> v2: added `multinode: false` to 2 entries\n"
    assert result.exit_code == 0
    assert (here / "m.yaml").read_text() == V2
    report = json.loads(run("lint", "--format", "json", "m.yaml").stdout)
    assert report["problems"] == []
    assert report["summary"]["notes"] == ["m.yaml is in the v2 format (the latest is v3); `sweepgen migrate --to v3 "
                                          "--config-files m.yaml` upgrades it in place"]
    assert report["summary"]["files"][1]["version"] == "v2"
    again = run("migrate", "--to", "v2", "--config-files", "m.yaml")
    assert (again.stdout, again.stderr, again.exit_code) == ("m.yaml: already v2; nothing to do\n", "", 0)
    assert (here / "m.yaml").read_text() == V2
    assert sorted(p.name for p in here.iterdir()) == ["m.yaml", "runners.yaml"]  # no temporary file left


def test_crlf_bom_and_no_final_newline_are_kept(run, here) -> None:
    before = "\ufeff" + V1.replace("\n", "\r\n").removesuffix("\r\n")
    (here / "m.yaml").write_bytes(before.encode("utf-8"))
    assert run("migrate", "--to", "v2", "--config-files", "m.yaml").exit_code == 0
    after = "\ufeff" + V2.replace("\n", "\r\n").removesuffix("\r\n")
    assert (here / "m.yaml").read_bytes() == after.encode("utf-8")


def test_mixed_file_gets_the_field_only_where_it_lacks_it(run, here) -> None:
    multinode = """\
dsr1-fp4-gb200-dynamo-trt:
  image: nvcr.io#nvidia/ai-dynamo/tensorrtllm-runtime:0.5.1
  model: deepseek-r1-fp4
  model-prefix: dsr1
  runner: b200
  precision: fp4
  framework: dynamo-trt
  multinode: true
  seq-len-configs:
  - isl: 1024
    osl: 1024
    search-space:
    - conc-list: [1, 2]
      prefill: { num-worker: 1, tp: 4, ep: 4, dp-attn: false }
      decode: { num-worker: 1, tp: 8, ep: 8, dp-attn: false }
"""
    (here / "m.yaml").write_text(multinode + V1.split("\n", 1)[1])
    assert json.loads(run("lint", "--format", "json", "m.yaml").stdout)["summary"]["errors"] == 2
    result = run("migrate", "--to", "v2", "--config-files", "m.yaml")
    assert result.stdout == "m.yaml: v2: added `multinode: false` to 2 entries\n"
    assert (here / "m.yaml").read_text() == multinode + V2.split("\n", 1)[1]
    assert json.loads(run("lint", "--format", "json", "m.yaml").stdout)["problems"] == []


def test_real_seed_configs_migrate_to_clean_v2_with_only_added_lines(run, here) -> None:
    from sweepgen.yamlsource import load_path

    seed = corpus_dir("inferencemax-17d5e204f")
    names = ["nvidia-master.yaml", "amd-master.yaml"]
    for name in names + ["runners.yaml"]:
        (here / name).write_bytes((seed / name).read_bytes())
    result = run("migrate", "--to", "v2", "--config-files", *names)
    assert result.stdout == ("nvidia-master.yaml: v1 -> v2: added `multinode: false` to 11 entries\n"
                             "amd-master.yaml: v1 -> v2: added `multinode: false` to 7 entries\n")
    for name in names:
        old_lines = (seed / name).read_text().splitlines(keepends=True)
        new_lines = (here / name).read_text().splitlines(keepends=True)
        added = [i for i, line in enumerate(new_lines) if line == "  multinode: false\n"]
        assert [line for i, line in enumerate(new_lines) if i not in added] == old_lines
        assert all(new_lines[i - 1].startswith("  framework: ") for i in added)
        old, new = load_path(seed / name).data, load_path(here / name).data
        assert len(added) == len(old)
        assert new == {key: {**entry, "multinode": False} for key, entry in old.items()}
    report = json.loads(run("lint", "--format", "json", ".").stdout)
    assert report["problems"] == []
    assert {f["version"] for f in report["summary"]["files"]} == {"v2"}


def test_default_files_are_the_repositorys_configs(run, tmp_path, monkeypatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "nvidia-master.yaml").write_text(V1)
    (tmp_path / "configs" / "runners.yaml").write_text("b200:\n- b200-nv_0\n")
    monkeypatch.chdir(tmp_path)
    result = run("migrate", "--to", "v2")
    assert result.stdout == "configs/nvidia-master.yaml: v1 -> v2: added `multinode: false` to 2 entries\n"
    assert (tmp_path / "configs" / "runners.yaml").read_text() == "b200:\n- b200-nv_0\n"


def refused(run, here, text: str, *extra: str) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    (here / "m.yaml").write_text(text)
    result = run("migrate", "--to", "v2", "--config-files", "m.yaml", *extra)
    assert result.stdout == ""
    assert (here / "m.yaml").read_text() == text
    return result.stderr, result.exit_code


def test_flow_entry_is_refused(run, here) -> None:
    flow = ('a-fp8-b200-sglang: {image: "a/b:1", model: m, model-prefix: a, runner: b200, precision: fp8, '
            "framework: sglang, seq-len-configs: [{isl: 1024, osl: 1024, search-space: [{tp: 8, conc-start: 4, "
            "conc-end: 8}]}]}\n")
    assert refused(run, here, flow) == (
        "sweepgen: error: cannot migrate m.yaml:1:20: entry 'a-fp8-b200-sglang' is a flow mapping ({...}); "
        "migrate adds lines to block mappings only: rewrite it in block style, or add multinode: false to it "
        "by hand\n", 1)
    assert refused(run, here, "{a: 1}\n") == (
        "sweepgen: error: cannot migrate m.yaml: the file is one flow mapping ({...}); migrate adds lines to "
        "block mappings only\n", 1)


def test_broken_files_are_refused_at_their_own_positions(run, here) -> None:
    assert refused(run, here, "a: [\n") == (
        "sweepgen: error: cannot migrate m.yaml:2:1: YAML syntax error: while parsing a flow node: "
        "did not find expected node content\n", 1)
    broken = V1.replace("tp: 8, conc-start: 4, conc-end: 64 }\n\n", "tp: 0, conc-start: 4, conc-end: 64 }\n\n") \
        .replace("precision: fp4", "precision: 4")
    stderr, code = refused(run, here, broken)
    assert (stderr, code) == (
        "m.yaml:13:15: error: 'tp' must be at least 1, got 0 [minimum]\n"
        "m.yaml:21:16: error: 'precision' must be a string, got integer 4 [type]\n"
        "sweepgen: error: m.yaml would not lint clean as v2 after the migration (2 errors above, at the lines "
        "of the file as it is now); fix them and run again; nothing was written\n", 1)
    no_framework = V1.replace("    framework: vllm\n", "")
    assert refused(run, here, no_framework) == (
        "sweepgen: error: cannot migrate m.yaml:17:5: entry 'gptoss-fp4-b200-vllm' has no 'framework', after "
        "which multinode goes; add it first (sweepgen lint m.yaml)\n", 1)


def test_a_stale_modeline_alone_is_repointed(run, here) -> None:
    stale = V2.replace("schema/v2/", "schema/v1/")
    (here / "m.yaml").write_text(stale)
    dry = run("migrate", "--to", "v2", "--config-files", "m.yaml", "--dry-run")
    assert dry.stderr == "m.yaml: v2: would point its schema modeline at v2\n"
    assert run("migrate", "--to", "v2", "--config-files", "m.yaml").stdout == \
        "m.yaml: v2: pointed its schema modeline at v2\n"
    assert (here / "m.yaml").read_text() == V2


def test_newer_file_is_not_migrated_back(run, here) -> None:
    assert refused(run, here, V2, "--to", "v1") == (
        "sweepgen: error: m.yaml is in the v2 format, newer than v1; sweepgen migrates forward only\n", 1)
    assert run("migrate", "--to", "v9", "--config-files", "m.yaml").exit_code == 2


def test_one_refused_file_means_no_file_is_written(run, here) -> None:
    (here / "a.yaml").write_text(V1)
    (here / "b.yaml").write_text("a: [\n")
    result = run("migrate", "--to", "v2", "--config-files", "a.yaml", "b.yaml")
    assert result.exit_code == 1
    assert result.stderr == ("sweepgen: error: cannot migrate b.yaml:2:1: YAML syntax error: while parsing "
                             "a flow node: did not find expected node content\n")
    assert (here / "a.yaml").read_text() == V1


def test_a_failed_write_leaves_the_file_as_it_was(run, here, monkeypatch) -> None:
    (here / "m.yaml").write_text(V1)

    def no_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_replace)
    result = run("migrate", "--to", "v2", "--config-files", "m.yaml")
    assert result.stderr == "sweepgen: error: cannot write m.yaml: No space left on device; it is unchanged\n"
    assert result.exit_code == 1
    assert (here / "m.yaml").read_text() == V1
    assert sorted(p.name for p in here.iterdir()) == ["m.yaml", "runners.yaml"]


def test_a_file_saved_meanwhile_is_not_overwritten(run, here, monkeypatch) -> None:
    from sweepgen import migrate

    (here / "m.yaml").write_text(V1)
    planned = migrate.plan

    def plan_then_someone_saves(path: Path, target: str) -> migrate.Migration:
        result = planned(path, target)
        path.write_text(V1 + "# saved meanwhile\n")
        return result

    monkeypatch.setattr(migrate, "plan", plan_then_someone_saves)
    result = run("migrate", "--to", "v2", "--config-files", "m.yaml")
    assert result.stderr == "sweepgen: error: m.yaml changed while it was being migrated; it was not written\n"
    assert result.exit_code == 1
    assert (here / "m.yaml").read_text() == V1 + "# saved meanwhile\n"


def test_lint_note_then_migrate_then_no_note(run, here) -> None:
    (here / "m.yaml").write_text(V1)
    before = run("lint", "m.yaml", "--format", "text")
    assert "note: m.yaml is in the v1 format (the latest is v3); `sweepgen migrate --to v3 --config-files m.yaml` " \
        "upgrades it in place\n" in before.stderr
    run("migrate", "--to", "v3", "--config-files", "m.yaml", "runners.yaml")
    after = run("lint", "m.yaml", "--format", "text")
    assert "note:" not in after.stderr
    assert after.exit_code == 0
