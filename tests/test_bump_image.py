"""`sweepgen bump-image`: real bumps replayed byte for byte, and every style and hazard."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import CORPUS, corpus_dir

CASES = Path(__file__).parent / "edit_cases"
ALL_KEYS = ("--key", "dsr1-fp4-b200-sglang", "--key", "dsr1-fp8-h200-trt",
            "--key", "gptoss-fp4-h100-vllm", "--key", "kimik2.5-fp4-b200-vllm")


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding the test config and its runners.yaml, made the working directory."""
    for name in ("nvidia-master.yaml", "runners.yaml"):
        shutil.copy(CASES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def config_text() -> str:
    return (CASES / "nvidia-master.yaml").read_text(encoding="utf-8")


def entry(key: str, image: str, runner: str = "h200") -> str:
    """A small valid v1 entry whose image source text is `image`."""
    model_prefix, precision = key.split("-")[:2]
    return (f"{key}:\n  image: {image}\n  model: org/model\n  model-prefix: {model_prefix}\n"
            f"  precision: {precision}\n  framework: sglang\n  runner: {runner}\n  seq-len-configs:\n"
            f"  - {{ isl: 1024, osl: 1024, search-space: [ {{ tp: 8, conc-start: 4, conc-end: 64 }} ] }}\n")


def bump_cases() -> list[str]:
    folder = CORPUS / "bumps"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else ["absent"]


@pytest.mark.parametrize("case", bump_cases())
def test_real_bumps_give_the_maintainers_file_byte_for_byte(run: Any, case: str, tmp_path: Path) -> None:
    folder = corpus_dir(f"bumps/{case}")
    target = tmp_path / "master.yaml"
    shutil.copy(folder / "before.yaml", target)
    for edit in json.loads((folder / "edits.json").read_text())["edits"]:
        result = run("bump-image", "--config-files", str(target), "--key", edit["key"], "--to", edit["new"])
        assert result.exit_code == 0, result.stderr
        lines = (folder / "after.yaml").read_text(encoding="utf-8").split("\n")
        line = lines.index(f"{edit['key']}:") + 2  # the image is the entry's first field
        assert lines[line - 1] == f"  image: {edit['new']}"
        assert result.stdout == f"{target}:{line}: {edit['key']}: {edit['old']} -> {edit['new']}\n"
    assert target.read_bytes() == (folder / "after.yaml").read_bytes()


def test_latest_real_configs_in_a_format_no_schema_describes(run: Any, tmp_path: Path) -> None:
    folder = corpus_dir("inferencex-843c6254f")
    for name in ("nvidia-master.yaml", "runners.yaml"):
        shutil.copy(folder / name, tmp_path / name)
    target = tmp_path / "nvidia-master.yaml"
    before = target.read_text(encoding="utf-8")
    lines = before.split("\n")
    key = lines[0].rstrip(":")
    assert lines[1].startswith("  image: ")
    result = run("bump-image", "--config-files", str(target), "--key", key, "--to", "lmsysorg/sglang:v9.9.9")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{target}:2: {key}: {lines[1][len('  image: '):]} -> lmsysorg/sglang:v9.9.9\n"
    assert target.read_text(encoding="utf-8") == "\n".join([lines[0], "  image: lmsysorg/sglang:v9.9.9", *lines[2:]])


ALL_STYLES_DIFF = """\
--- a/nvidia-master.yaml
+++ b/nvidia-master.yaml
@@ -1,7 +1,7 @@
 # Hand-written test config: one entry per scalar style and layout sweepgen must keep.
 
 dsr1-fp4-b200-sglang:
-  image: lmsysorg/sglang:v0.5.5-cu129   # plain, with a comment after it
+  image: nvcr.io#nvidia/x:1   # plain, with a comment after it
   model: nvidia/DeepSeek-R1-0528-FP4
   model-prefix: dsr1
   precision: fp4
@@ -19,7 +19,7 @@
     - { tp: 8, conc-start: 4, conc-end: 32 }
 
 dsr1-fp8-h200-trt:
-  image: 'nvcr.io#nvidia/tensorrt-llm/release:1.1.0rc2'
+  image: 'nvcr.io#nvidia/x:1'
   model: deepseek-ai/DeepSeek-R1-0528
   model-prefix: dsr1
   precision: 'fp8'
@@ -39,7 +39,7 @@
       conc-end: 256
 
 gptoss-fp4-h100-vllm:
-  image: "vllm/vllm-openai:v0.10.2"
+  image: "nvcr.io#nvidia/x:1"
   model: openai/gpt-oss-120b
   model-prefix: gptoss
   precision: fp4
@@ -48,4 +48,4 @@
   seq-len-configs:
   - { isl: 1024, osl: 8192, search-space: [ { tp: 2, conc-start: 4, conc-end: 64 } ] }
 
-kimik2.5-fp4-b200-vllm: { image: vllm/vllm-openai, model: moonshotai/Kimi-K2.5, model-prefix: kimik2.5, \
precision: fp4, framework: vllm, runner: b200, seq-len-configs: [ { isl: 1024, osl: 1024, search-space: \
[ { tp: 8, conc-start: 4, conc-end: 64 } ] } ] }
+kimik2.5-fp4-b200-vllm: { image: 'nvcr.io#nvidia/x:1', model: moonshotai/Kimi-K2.5, model-prefix: kimik2.5, \
precision: fp4, framework: vllm, runner: b200, seq-len-configs: [ { isl: 1024, osl: 1024, search-space: \
[ { tp: 8, conc-start: 4, conc-end: 64 } ] } ] }
"""


def expected_after(diff: str) -> str:
    """The text after the edit, built from the test config and the + lines of a diff."""
    text = config_text()
    removed = [line[1:] for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    for old, new in zip(removed, added):
        text = text.replace(old + "\n", new + "\n", 1)
    return text


def test_dry_run_prints_the_exact_diff_for_every_style_and_writes_nothing(run: Any, here: Path) -> None:
    result = run("bump-image", "--config-files", "nvidia-master.yaml", *ALL_KEYS, "--to", "nvcr.io#nvidia/x:1",
                 "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ALL_STYLES_DIFF
    assert result.stderr == ""
    assert (here / "nvidia-master.yaml").read_text(encoding="utf-8") == config_text()


def test_a_run_writes_exactly_the_diff_and_prints_one_line_per_entry(run: Any, here: Path) -> None:
    result = run("bump-image", "--config-files", "nvidia-master.yaml", *ALL_KEYS, "--to", "nvcr.io#nvidia/x:1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "nvidia-master.yaml:4: dsr1-fp4-b200-sglang: lmsysorg/sglang:v0.5.5-cu129 -> nvcr.io#nvidia/x:1\n"
        "nvidia-master.yaml:22: dsr1-fp8-h200-trt: nvcr.io#nvidia/tensorrt-llm/release:1.1.0rc2 -> nvcr.io#nvidia/x:1\n"
        "nvidia-master.yaml:42: gptoss-fp4-h100-vllm: vllm/vllm-openai:v0.10.2 -> nvcr.io#nvidia/x:1\n"
        "nvidia-master.yaml:51: kimik2.5-fp4-b200-vllm: vllm/vllm-openai -> nvcr.io#nvidia/x:1\n")
    assert (here / "nvidia-master.yaml").read_text(encoding="utf-8") == expected_after(ALL_STYLES_DIFF)


def hazardous(text: str) -> bytes:
    """The same YAML with a BOM, CRLF line ends and trailing spaces on every line."""
    return ("\ufeff" + text.replace("\n", "  \r\n")).encode("utf-8")


def test_bom_crlf_and_trailing_spaces_survive(run: Any, here: Path) -> None:
    target = here / "nvidia-master.yaml"
    target.write_bytes(hazardous(config_text()))
    result = run("bump-image", "--config-files", "nvidia-master.yaml", *ALL_KEYS, "--to", "nvcr.io#nvidia/x:1")
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes() == hazardous(expected_after(ALL_STYLES_DIFF))


def test_a_value_that_would_read_differently_is_quoted_with_the_files_usual_quote(run: Any, here: Path) -> None:
    result = run("bump-image", "--config-files", "nvidia-master.yaml", "--key", "dsr1-fp4-b200-sglang",
                 "--key", "gptoss-fp4-h100-vllm", "--to", "123", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith(("+ ", "- "))] == [
        "-  image: lmsysorg/sglang:v0.5.5-cu129   # plain, with a comment after it",
        "+  image: '123'   # plain, with a comment after it",
        '-  image: "vllm/vllm-openai:v0.10.2"',
        '+  image: "123"',
    ]


def test_a_colon_inside_a_flow_mapping_is_quoted(run: Any, here: Path) -> None:
    result = run("bump-image", "--config-files", "nvidia-master.yaml", "--key", "kimik2.5-fp4-b200-vllm",
                 "--to", "vllm/vllm-openai:v0.11.0")
    assert result.exit_code == 0, result.stderr
    last = (here / "nvidia-master.yaml").read_text(encoding="utf-8").splitlines()[-1]
    assert last.startswith("kimik2.5-fp4-b200-vllm: { image: 'vllm/vllm-openai:v0.11.0', model: ")


def test_setting_the_current_image_is_a_no_op(run: Any, here: Path) -> None:
    target = here / "nvidia-master.yaml"
    stamp = target.stat().st_mtime_ns
    result = run("bump-image", "--config-files", "nvidia-master.yaml", "--key", "gptoss-fp4-h100-vllm",
                 "--to", "vllm/vllm-openai:v0.10.2")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("nvidia-master.yaml:42: gptoss-fp4-h100-vllm: already vllm/vllm-openai:v0.10.2; "
                             "nothing to change\n")
    assert target.stat().st_mtime_ns == stamp


def test_check_exits_1_until_the_bump_is_applied(run: Any, here: Path) -> None:
    args = ("bump-image", "--config-files", "nvidia-master.yaml", "--key", "dsr1-fp4-b200-sglang",
            "--key", "gptoss-fp4-h100-vllm", "--to", "vllm/vllm-openai:v0.10.2")
    result = run(*args, "--check")
    assert result.exit_code == 1
    assert result.stdout == ("nvidia-master.yaml:4: dsr1-fp4-b200-sglang: lmsysorg/sglang:v0.5.5-cu129 "
                             "(not yet vllm/vllm-openai:v0.10.2)\n")
    assert result.stderr == "1 of 2 entries do not have vllm/vllm-openai:v0.10.2 yet\n"
    assert (here / "nvidia-master.yaml").read_text(encoding="utf-8") == config_text()
    assert run(*args).exit_code == 0
    result = run(*args, "--check")
    assert (result.exit_code, result.stdout) == (0, "all 2 entries already have vllm/vllm-openai:v0.10.2\n")


def test_from_matches_both_spellings_across_files(run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(CASES / "runners.yaml", tmp_path / "runners.yaml")
    (tmp_path / "a.yaml").write_text(entry("dsr1-fp8-h200-trt", "nvcr.io#nvidia/x:1") + "\n"
                                     + entry("dsr1-fp4-h200-trt", "nvcr.io/nvidia/y:1"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(entry("gptoss-fp4-h200-trt", '"nvcr.io/nvidia/x:1"'), encoding="utf-8")
    result = run("bump-image", "--config-files", "a.yaml", "b.yaml", "--from", "nvcr.io/nvidia/x:1",
                 "--to", "nvcr.io#nvidia/x:2")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("a.yaml:2: dsr1-fp8-h200-trt: nvcr.io#nvidia/x:1 -> nvcr.io#nvidia/x:2\n"
                             "b.yaml:2: gptoss-fp4-h200-trt: nvcr.io/nvidia/x:1 -> nvcr.io#nvidia/x:2\n")
    assert (tmp_path / "a.yaml").read_text(encoding="utf-8") == (
        entry("dsr1-fp8-h200-trt", "nvcr.io#nvidia/x:2") + "\n" + entry("dsr1-fp4-h200-trt", "nvcr.io/nvidia/y:1"))
    assert (tmp_path / "b.yaml").read_text(encoding="utf-8") == entry("gptoss-fp4-h200-trt", '"nvcr.io#nvidia/x:2"')


def test_without_config_files_the_repositorys_master_configs_are_edited(
        run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    configs = tmp_path / "configs"
    configs.mkdir()
    shutil.copy(CASES / "runners.yaml", configs / "runners.yaml")
    (configs / "amd-master.yaml").write_text(entry("dsr1-fp8-h200-trt", "rocm/x:1"), encoding="utf-8")
    (configs / "nvidia-master.yaml").write_text(entry("dsr1-fp4-h200-trt", "rocm/x:1"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("bump-image", "--from", "rocm/x:1", "--to", "rocm/x:2")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("configs/amd-master.yaml:2: dsr1-fp8-h200-trt: rocm/x:1 -> rocm/x:2\n"
                             "configs/nvidia-master.yaml:2: dsr1-fp4-h200-trt: rocm/x:1 -> rocm/x:2\n")
    assert (configs / "runners.yaml").read_bytes() == (CASES / "runners.yaml").read_bytes()


def test_a_file_with_lint_errors_may_be_edited_when_the_edit_adds_none(run: Any, here: Path) -> None:
    target = here / "c.yaml"
    target.write_text(entry("dsr1-fp8-h200-trt", "a/b:1", runner="nowhere"), encoding="utf-8")
    assert run("lint", "c.yaml").exit_code == 1
    result = run("bump-image", "--config-files", "c.yaml", "--key", "dsr1-fp8-h200-trt", "--to", "a/b:2")
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8") == entry("dsr1-fp8-h200-trt", "a/b:2", runner="nowhere")


@pytest.mark.parametrize(("args", "message"), [
    (("--key", "dsr1-fp4-b200-sglng"),
     "no entry 'dsr1-fp4-b200-sglng' in nvidia-master.yaml; did you mean 'dsr1-fp4-b200-sglang'?"),
    (("--key", "llama3-fp8-mi300x-vllm"), "no entry 'llama3-fp8-mi300x-vllm' in nvidia-master.yaml"),
    (("--from", "lmsysorg/sglang:v0.4"), "no entry in nvidia-master.yaml has the image lmsysorg/sglang:v0.4"),
])
def test_targets_that_match_nothing_are_errors(run: Any, here: Path, args: tuple[str, ...], message: str) -> None:
    result = run("bump-image", "--config-files", "nvidia-master.yaml", *args, "--to", "x/y:1")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"sweepgen: error: {message}\n")


ANCHORS = """\
base: &base
  image: lmsysorg/sglang:v1
aliased:
  image: *img
merged:
  <<: *base
  model: n
anchored:
  image: &img lmsysorg/sglang:v1
block:
  image: >-
    lmsysorg/sglang:v1
dup:
  image: x
dup:
  image: y
"""


@pytest.mark.parametrize(("key", "message"), [
    ("base", "base (line 1) carries the anchor &base: aliases of it would change too; "
             "sweepgen edits only values written out in full"),
    ("aliased", "aliased.image (line 4) is an alias (*img) of a value defined elsewhere; "
                "sweepgen edits only values written out in full"),
    ("merged", "merged has no 'image' of its own: it would come from a merge key (<<); "
               "sweepgen edits only values written out in full"),
    ("anchored", "anchored.image (line 9) carries the anchor &img: aliases of it would change too; "
                 "sweepgen edits only values written out in full"),
    ("block", "block.image (line 11) is a block scalar (>); edit it by hand"),
    ("dup", "key 'dup' appears 2 times in c.yaml (lines 13, 15); remove the duplicate first"),
])
def test_shared_or_unusual_images_are_refused(run: Any, here: Path, key: str, message: str) -> None:
    (here / "c.yaml").write_text(ANCHORS, encoding="utf-8")
    result = run("bump-image", "--config-files", "c.yaml", "--key", key, "--to", "x/y:1")
    assert (result.exit_code, result.stderr) == (1, f"sweepgen: error: {message}\n")
    assert (here / "c.yaml").read_text(encoding="utf-8") == ANCHORS


@pytest.mark.parametrize(("args", "message"), [
    (("--to", "x/y:1"), "give either --key KEY (repeatable) or --from OLD_IMAGE"),
    (("--key", "k", "--from", "a/b:1", "--to", "x/y:1"), "give either --key KEY (repeatable) or --from OLD_IMAGE"),
    (("--key", "k", "--to", "x/y:1", "--dry-run", "--check"), "--dry-run and --check exclude each other"),
    (("--key", "k", "--to", "Bad Image"),
     "Invalid value for --to: 'Bad Image' is not a valid image: expected a container image reference "
     "(registry/path:tag[@digest], or the enroot form registry#path:tag) without whitespace or ${{"),
])
def test_usage_errors_exit_2(run: Any, here: Path, args: tuple[str, ...], message: str) -> None:
    result = run("bump-image", "--config-files", "nvidia-master.yaml", *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: {message}"


def test_a_failed_write_is_a_clean_error_and_leaves_the_file(run: Any, here: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("sweepgen.atomic.os.replace", boom)
    result = run("bump-image", "--config-files", "nvidia-master.yaml", "--key", "dsr1-fp4-b200-sglang",
                 "--to", "x/y:1")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "sweepgen: error: cannot write nvidia-master.yaml: No space left on device; it is unchanged\n"
    assert (here / "nvidia-master.yaml").read_text(encoding="utf-8") == config_text()
    assert sorted(p.name for p in here.iterdir()) == ["nvidia-master.yaml", "runners.yaml"]


def test_a_file_saved_by_someone_else_meanwhile_is_not_overwritten(run: Any, here: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from sweepgen import edit

    real = edit.new_problems
    target = here / "nvidia-master.yaml"

    def lint_while_someone_saves(file_edit: edit.FileEdit) -> list[Any]:
        target.write_text(config_text() + "# saved meanwhile\n", encoding="utf-8")
        return real(file_edit)

    monkeypatch.setattr(edit, "new_problems", lint_while_someone_saves)
    result = run("bump-image", "--config-files", "nvidia-master.yaml", "--key", "dsr1-fp4-b200-sglang",
                 "--to", "x/y:1")
    assert (result.exit_code, result.stderr) == (
        1, "sweepgen: error: nvidia-master.yaml changed while it was being edited; it was not written\n")
    assert target.read_text(encoding="utf-8") == config_text() + "# saved meanwhile\n"
