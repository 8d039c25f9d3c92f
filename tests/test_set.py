"""`sweepgen set`: any scalar, addressed by path, changed byte-exact and lint-checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_bump_image import CASES, here  # noqa: F401  (here: the test config in a working folder)

CONC_END = "dsr1-fp8-h200-trt.seq-len-configs[0].search-space[1].conc-end"


def original() -> str:
    return (CASES / "nvidia-master.yaml").read_text(encoding="utf-8")


def current(here: Path) -> str:
    return (here / "nvidia-master.yaml").read_text(encoding="utf-8")


def test_dry_run_prints_the_diff_of_a_deep_path_and_writes_nothing(run: Any, here: Path) -> None:
    result = run("set", CONC_END, "512", "--config-files", "nvidia-master.yaml", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == """\
--- a/nvidia-master.yaml
+++ b/nvidia-master.yaml
@@ -36,7 +36,7 @@
       ep: 8
       dp-attn: false
       conc-start: 64
-      conc-end: 256
+      conc-end: 512
 
 gptoss-fp4-h100-vllm:
   image: "vllm/vllm-openai:v0.10.2"
"""
    assert current(here) == original()


@pytest.mark.parametrize("address", [
    '["kimik2.5-fp4-b200-vllm"].seq-len-configs[0].search-space[0].tp',
    "['kimik2.5-fp4-b200-vllm'].seq-len-configs[0].search-space[0].tp",
])
def test_bracketed_keys_reach_inside_flow_collections(run: Any, here: Path, address: str) -> None:
    result = run("set", "--config-files", "nvidia-master.yaml", address, "4")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ('nvidia-master.yaml:51: ["kimik2.5-fp4-b200-vllm"].seq-len-configs[0].search-space[0].tp:'
                             " 8 -> 4\n")
    assert current(here) == original().replace("search-space: [ { tp: 8, conc-start: 4, conc-end: 64 } ] } ] }",
                                               "search-space: [ { tp: 4, conc-start: 4, conc-end: 64 } ] } ] }")


@pytest.mark.parametrize(("address", "value", "old_line", "new_line", "shown"), [
    ("dsr1-fp8-h200-trt.seq-len-configs[0].search-space[1].dp-attn", "true",
     "      dp-attn: false\n", "      dp-attn: true\n", "37: dsr1-fp8-h200-trt.seq-len-configs[0].search-space[1].dp-attn: false -> true"),
    ("dsr1-fp4-b200-sglang.seq-len-configs[0].search-space[1].dp-attn", "false",
     "ep: 8, dp-attn: true,", "ep: 8, dp-attn: false,", "15: dsr1-fp4-b200-sglang.seq-len-configs[0].search-space[1].dp-attn: true -> false"),
    ("dsr1-fp8-h200-trt.image", "nvcr.io/nvidia/tensorrt-llm/release:1.2.0",
     "'nvcr.io#nvidia/tensorrt-llm/release:1.1.0rc2'", "'nvcr.io/nvidia/tensorrt-llm/release:1.2.0'",
     "22: dsr1-fp8-h200-trt.image: 'nvcr.io#nvidia/tensorrt-llm/release:1.1.0rc2' -> "
     "'nvcr.io/nvidia/tensorrt-llm/release:1.2.0'"),
    ("gptoss-fp4-h100-vllm.model", "'org/\"m\"\\x'",
     "  model: openai/gpt-oss-120b\n", '  model: org/"m"\\x\n',
     '43: gptoss-fp4-h100-vllm.model: openai/gpt-oss-120b -> org/"m"\\x'),
    ("gptoss-fp4-h100-vllm.model", "yes",
     "  model: openai/gpt-oss-120b\n", "  model: 'yes'\n", "43: gptoss-fp4-h100-vllm.model: openai/gpt-oss-120b -> 'yes'"),
    ("dsr1-fp4-b200-sglang.seq-len-configs[1].isl", "0x400",
     "  - isl: 8192\n", "  - isl: 1024\n", "16: dsr1-fp4-b200-sglang.seq-len-configs[1].isl: 8192 -> 1024"),
])
def test_values_are_typed_and_styled(run: Any, here: Path, address: str, value: str, old_line: str,
                                     new_line: str, shown: str) -> None:
    result = run("set", "--config-files", "nvidia-master.yaml", address, value)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"nvidia-master.yaml:{shown}\n"
    assert current(here) == original().replace(old_line, new_line, 1)


def test_bom_crlf_and_trailing_spaces_survive(run: Any, here: Path) -> None:
    def hazardous(text: str) -> bytes:
        return ("\ufeff" + text.replace("\n", " \r\n")).encode("utf-8")

    (here / "nvidia-master.yaml").write_bytes(hazardous(original()))
    result = run("set", "--config-files", "nvidia-master.yaml", CONC_END, "128")
    assert result.exit_code == 0, result.stderr
    expected = original().replace("      conc-end: 256\n", "      conc-end: 128\n")
    assert (here / "nvidia-master.yaml").read_bytes() == hazardous(expected)


@pytest.mark.parametrize(("address", "value", "problem"), [
    (CONC_END, "100", "nvidia-master.yaml:39:17: error: 100 is not a power of two (nearest: 64 or 128) "
                      "[power-of-two]"),
    (CONC_END, '"512"', "nvidia-master.yaml:39:17: error: 'conc-end' must be an integer, got string '512' [type]"),
    ("dsr1-fp8-h200-trt.seq-len-configs[0].search-space[1].dp-attn", "yes",
     "nvidia-master.yaml:37:16: error: 'dp-attn' must be a boolean (true or false), got string 'yes' "
     "('yes' is a string in YAML 1.2; write true or false) [type]"),
    ("dsr1-fp8-h200-trt.precision", "fp4",
     "nvidia-master.yaml:25:14: warning: precision 'fp4' does not match entry key 'dsr1-fp8-h200-trt', "
     "which gives 'fp8' (convention: the key starts with '<model-prefix>-<precision>-') [key-convention]"),
])
def test_an_edit_that_adds_a_lint_problem_is_refused(run: Any, here: Path, address: str, value: str,
                                                     problem: str) -> None:
    result = run("set", "--config-files", "nvidia-master.yaml", address, value)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (f"{problem}\nsweepgen: error: the edit would add lint problems (above) to "
                             "nvidia-master.yaml (1); nothing was written\n")
    assert current(here) == original()


def test_setting_the_current_value_is_a_no_op(run: Any, here: Path) -> None:
    result = run("set", "--config-files", "nvidia-master.yaml", CONC_END, "256")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"nvidia-master.yaml:39: {CONC_END}: already 256; nothing to change\n"
    assert current(here) == original()


def test_config_files_take_several_values_before_the_address(run: Any, here: Path) -> None:
    (here / "other.yaml").write_text(original().split("\n\n")[1] + "\n", encoding="utf-8")  # dsr1-fp4-b200-sglang
    result = run("set", "--config-files", "other.yaml", "nvidia-master.yaml", CONC_END, "512")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"nvidia-master.yaml:39: {CONC_END}: 256 -> 512\n"


@pytest.mark.parametrize(("address", "message"), [
    ("dsr1-fp8-h200-trtt.image", "no entry 'dsr1-fp8-h200-trtt' in nvidia-master.yaml; did you mean 'dsr1-fp8-h200-trt'?"),
    ("kimik2.5-fp4-b200-vllm.image", "no entry 'kimik2' in nvidia-master.yaml; a key with dots is written in "
                                     'brackets: ["kimik2.5-fp4-b200-vllm"].image'),
    ("dsr1-fp8-h200-trt.seq-len-config[0].isl",
     "no key 'seq-len-config' in dsr1-fp8-h200-trt; did you mean 'seq-len-configs'?"),
    ("dsr1-fp8-h200-trt.seq-len-configs[0].search-spaces[1].tp",
     "no key 'search-spaces' in dsr1-fp8-h200-trt.seq-len-configs[0]; did you mean 'search-space'?"),
    ("dsr1-fp8-h200-trt.seq-len-configs[0].search-space[2].tp",
     "dsr1-fp8-h200-trt.seq-len-configs[0].search-space[2] does not exist: "
     "dsr1-fp8-h200-trt.seq-len-configs[0].search-space has 2 items"),
    ("dsr1-fp8-h200-trt.seq-len-configs[0].search-space[0].ep",
     "no key 'ep' in dsr1-fp8-h200-trt.seq-len-configs[0].search-space[0]; "
     "sweepgen changes values that exist and adds none"),
    ("dsr1-fp8-h200-trt.seq-len-configs.isl",
     "dsr1-fp8-h200-trt.seq-len-configs is a list, not a mapping: write [N] instead of .isl"),
    ("dsr1-fp8-h200-trt[0].image", "dsr1-fp8-h200-trt is a mapping, not a list: write .key instead of [0]"),
    ("dsr1-fp8-h200-trt.image.tag", "dsr1-fp8-h200-trt.image is a single value; it has no tag"),
    ("dsr1-fp8-h200-trt.seq-len-configs[0].search-space[1]",
     "dsr1-fp8-h200-trt.seq-len-configs[0].search-space[1] (line 35) is a mapping; only single values can be set"),
    ("dsr1-fp8-h200-trt.seq-len-configs", "dsr1-fp8-h200-trt.seq-len-configs (line 29) is a list; "
                                          "only single values can be set"),
])
def test_address_errors_name_the_first_missing_step(run: Any, here: Path, address: str, message: str) -> None:
    result = run("set", "--config-files", "nvidia-master.yaml", address, "4")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"sweepgen: error: {message}\n")


@pytest.mark.parametrize(("address", "value", "message"), [
    ("a..b", "1", "address 'a..b' has an empty key at character 3"),
    ("[0].image", "1", "address '[0].image' must start with an entry key, not [0]"),
    ("dsr1-fp8-h200-trt", "1", "address 'dsr1-fp8-h200-trt' names a whole entry; add the field to set, "
                               "e.g. dsr1-fp8-h200-trt.image"),
    (CONC_END, "a: b", "VALUE 'a: b' is a mapping; only single values can be set"),
    (CONC_END, "[1, 2]", "VALUE '[1, 2]' is a list; only single values can be set"),
    (CONC_END, " ", "VALUE is empty: write null for no value, or '\"\"' for an empty string"),
])
def test_malformed_addresses_and_values_are_usage_errors(run: Any, here: Path, address: str, value: str,
                                                         message: str) -> None:
    result = run("set", "--config-files", "nvidia-master.yaml", address, value)
    assert (result.exit_code, result.stderr) == (2, f"sweepgen: error: {message}\n")


BROKEN = """\
dsr1-fp8-h200-trt:
  image: a/b:1
  model: org/first
    second
  model-prefix: dsr1
  precision: fp8
  framework: trt
  runner: nowhere
  seq-len-configs:
  - { isl: 1024, osl: 1024, search-space: [ { tp: 8, conc-start: 4, conc-end: 100 } ] }
"""


def test_a_broken_file_may_be_mended_and_problems_below_a_folded_value_keep_their_place(
        run: Any, here: Path) -> None:
    (here / "c.yaml").write_text(BROKEN, encoding="utf-8")
    before = run("lint", "c.yaml")
    assert [line.split(": error: ")[0] for line in before.stdout.splitlines()] == ["c.yaml:3:10", "c.yaml:8:11",
                                                                                  "c.yaml:10:79"]
    result = run("set", "--config-files", "c.yaml", "dsr1-fp8-h200-trt.model", "org/model")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "c.yaml:3: dsr1-fp8-h200-trt.model: org/first second -> org/model\n"
    mended = BROKEN.replace("org/first\n    second", "org/model")
    assert (here / "c.yaml").read_text(encoding="utf-8") == mended
    result = run("set", "--config-files", "c.yaml", "dsr1-fp8-h200-trt.seq-len-configs[0].search-space[0].conc-end",
                 "200")
    assert result.stderr.startswith("c.yaml:9:79: error: 200 is not a power of two")
    assert (here / "c.yaml").read_text(encoding="utf-8") == mended
    result = run("set", "--config-files", "c.yaml", "dsr1-fp8-h200-trt.seq-len-configs[0].search-space[0].conc-end",
                 "128")
    assert result.exit_code == 0, result.stderr
