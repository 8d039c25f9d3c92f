"""Text that must never reach a matrix, through the v1 and v2 schemas, as a user meets them.

- Every grammar ends in `$(?![\\s\\S])`: Python's `$` (jsonschema, the fast check) also matches
  before a final newline, ECMA-262's (editors) does not; the lookahead makes both mean "end".
- Names refuse control, zero-width and bidirectional formatting characters.
- Printed matrix entries have the grammar of the fields they come from.
- Entry keys have a grammar (an error) and should be plain ASCII (a warning); worker
  additional-settings may not hold `${{`; a conc-list may not repeat a concurrency (a warning).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import corpus_dir

HERE = Path(__file__).parent
V1 = (HERE / "edit_cases" / "nvidia-master.yaml").read_text(encoding="utf-8")
V2 = (HERE / "v2_cases" / "valid.yaml").read_text(encoding="utf-8")
SCHEMA = HERE.parent / "schema"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(HERE / "edit_cases" / "runners.yaml", tmp_path / "runners.yaml")
    (tmp_path / "v2").mkdir()
    shutil.copy(HERE / "v2_cases" / "runners" / "runners.yaml", tmp_path / "v2" / "runners.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems(run: Any, path: Path, *args: str) -> list[tuple[int, int, str, str, str]]:
    result = run("lint", "--format", "json", *args, str(path))
    return [(p["line"], p["column"], p["rule"], p["level"], p["message"])
            for p in json.loads(result.stdout)["problems"]]


def at(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first occurrence of needle."""
    offset = text.index(needle)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


# ---- item 3: one grammar, anchored the same in every engine -------------------------------------

@pytest.mark.parametrize(("old", "new", "rule", "message"), [
    ("image: lmsysorg/sglang:v0.5.5-cu129 ", 'image: "lmsysorg/sglang:v0.5.5-cu129\\n"', "image",
     "'image' must be a container image reference (registry/path:tag[@digest], or the enroot form "
     "registry#path:tag) without whitespace or ${{, got string 'lmsysorg/sglang:v0.5.5-cu129\n'"),
    ("framework: sglang", 'framework: "sglang\\n"', "pattern",
     "'framework' must be a name of letters, digits, '.', '_' and '-', got string 'sglang\n'"),
    ("precision: fp4", "precision: |\n    fp4", "pattern",
     "'precision' must be a name of letters, digits, '.', '_' and '-', got string 'fp4\n'"),
    ("model: nvidia/DeepSeek-R1-0528-FP4", "model: |\n    nvidia/DeepSeek-R1-0528-FP4", "pattern",
     "'model' must be a non-empty name without whitespace, '$', '{', '}', control or invisible characters, "
     "got string 'nvidia/DeepSeek-R1-0528-FP4\n'"),
    ("model: nvidia/DeepSeek-R1-0528-FP4", 'model: "nvidia/DeepSeek-R1-0528-FP4\\u202e"', "pattern",
     "'model' must be a non-empty name without whitespace, '$', '{', '}', control or invisible characters, "
     "got string 'nvidia/DeepSeek-R1-0528-FP4\u202e'"),
    ("model: nvidia/DeepSeek-R1-0528-FP4", 'model: "nvidia/Deep\\u200bSeek"', "pattern", None),
    ("model: nvidia/DeepSeek-R1-0528-FP4", 'model: "nvidia/DeepSeek\\ufeff"', "pattern", None),
    ("model: nvidia/DeepSeek-R1-0528-FP4", 'model: "nvidia/DeepSeek\\u2066x\\u2069"', "pattern", None),
    ("model: nvidia/DeepSeek-R1-0528-FP4", 'model: "nvidia/DeepSeek\\x85"', "pattern", None),
    ("model-prefix: dsr1", 'model-prefix: "dsr1\\n"', "pattern", None),
])
def test_a_trailing_newline_or_an_invisible_character_is_an_error(
        run: Any, here: Path, old: str, new: str, rule: str, message: str | None) -> None:
    text = V1.replace(old, new, 1)
    (here / "nvidia-master.yaml").write_text(text, encoding="utf-8")
    found = problems(run, here / "nvidia-master.yaml")
    line, column = at(text, new.split(": ", 1)[1])
    assert (line, column, rule, "error") in [p[:4] for p in found]
    if message is not None:
        assert message in [p[4] for p in found]


def test_such_a_config_never_reaches_a_matrix(run: Any, here: Path) -> None:
    (here / "nvidia-master.yaml").write_text(V1.replace("framework: sglang", 'framework: "sglang\\n"'),
                                             encoding="utf-8")
    result = run("full-sweep", "--config-files", "nvidia-master.yaml", "--seq-lens", "1k1k")
    assert (result.exit_code, result.stdout) == (1, "")
    assert "nvidia-master.yaml:8:14: error: 'framework' must be a name of letters" in result.stderr


def test_a_runner_config_name_with_a_trailing_newline_is_an_error(run: Any, here: Path) -> None:
    (here / "runners.yaml").write_text('b200:\n- "b200-nv_0\\n"\nh100:\n- h100-cr_0\nh200:\n- h200-nb_0\n')
    assert [p[:4] for p in problems(run, here / "runners.yaml")] == [(2, 3, "pattern", "error")]


@pytest.mark.parametrize("image", ["foo/bar:1\n", "foo/bar:1\r\n", "foo/bar:1\u202e", "foo/bar:1\u200b", "\nfoo/bar:1"])
def test_bump_image_refuses_what_lint_refuses(run: Any, here: Path, image: str) -> None:
    (here / "nvidia-master.yaml").write_text(V1, encoding="utf-8")
    result = run("bump-image", "--config-files", "nvidia-master.yaml", "--key", "dsr1-fp8-h200-trt", "--to", image)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for --to: {image!r} is not a valid image: expected a container image reference "
        "(registry/path:tag[@digest], or the enroot form registry#path:tag) without whitespace or ${{")
    assert (here / "nvidia-master.yaml").read_text(encoding="utf-8") == V1


@pytest.mark.parametrize("value", ['"fp8\\n"', '"nvidia/x\\u202e"'])
def test_set_refuses_a_value_lint_would_refuse(run: Any, here: Path, value: str) -> None:
    (here / "nvidia-master.yaml").write_text(V1, encoding="utf-8")
    field = "precision" if "fp8" in value else "model"
    result = run("set", "--config-files", "nvidia-master.yaml", f"dsr1-fp8-h200-trt.{field}", value)
    assert result.exit_code == 1
    assert "[pattern]" in result.stderr and result.stderr.endswith("nothing was written\n")
    assert (here / "nvidia-master.yaml").read_text(encoding="utf-8") == V1


def _patterns() -> list[tuple[str, str]]:
    """(where, pattern) of every pattern in the v1 and v2 schema documents."""
    out: list[tuple[str, str]] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern" and isinstance(value, str):
                    out.append((where, value))
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    for path in sorted([*SCHEMA.glob("v1/*.json"), *SCHEMA.glob("v2/*.json")]):
        walk(json.loads(path.read_text()), f"{path.parent.name}/{path.name}#")
    return out


SAMPLES = ["dsr1", "dsr1\n", "\ndsr1", "dsr1\r", "fp8\u202e", "a\u200bb", "x\ufeff", "a b", "lmsysorg/sglang:v0.5.5",
           "lmsysorg/sglang:v0.5.5\n", "NAME=value", "NAME=value\n", "NAME=${{ secrets.X }}", "kimik2.5-fp4-b200",
           "dsr1-fр8", "deepseek-ai/DeepSeek-R1-0528", "a\x85b", "a\u2028b", "a\x1cb", "x;y", "it's", ""]


def test_every_pattern_is_anchored_at_the_very_end() -> None:
    """`^core$(?![\\s\\S])` matches exactly the strings that core matches whole: no newline slack."""
    end = "$(?![\\s\\S])"
    for where, pattern in _patterns():
        if not pattern.startswith("^"):
            continue  # a search for a forbidden piece (`${{`)
        assert pattern.endswith(end), where
        core = re.compile(pattern[1:-len(end)])
        for sample in SAMPLES + [s + "\n" for s in SAMPLES]:
            assert (re.search(pattern, sample) is not None) == (core.fullmatch(sample) is not None), (where, sample)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node for ECMA-262 regular expressions")
def test_every_pattern_means_the_same_in_ecma_262() -> None:
    """Editors (and ajv, with the u flag) read the patterns as ECMA-262 regular expressions."""
    patterns = [p for _, p in _patterns()]
    script = ("const [patterns, samples] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "console.log(JSON.stringify(patterns.map(p => [new RegExp(p, 'u'), new RegExp(p)].map("
              "r => samples.map(s => r.test(s))))));")
    done = subprocess.run(["node", "-e", script], input=json.dumps([patterns, SAMPLES]), capture_output=True,
                          text=True, timeout=60, check=True)
    for pattern, (unicode_mode, plain_mode) in zip(patterns, json.loads(done.stdout)):
        python = [re.compile(pattern).search(s) is not None for s in SAMPLES]
        assert unicode_mode == plain_mode == python, pattern


# ---- item 4: printed entries have their input fields' grammar -----------------------------------

@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize(("field", "value"), [
    ("model", "$(id)"), ("model", "org/model\n"), ("precision", "${{x}}"), ("precision", "fp8\n"),
    ("framework", "vllm\n"), ("framework", "v llm"), ("runner", "h200\n"), ("exp-name", "a\nb"),
    ("exp-name", "${{ github.token }}"), ("model-prefix", "dsr1\n"), ("image", "x/y:1\n"),
])
def test_matrix_entries_refuse_what_their_input_fields_refuse(version: str, field: str, value: str) -> None:
    from sweepgen import schemas

    entry: dict[str, Any] = {
        "image": "vllm/vllm-openai:v0.10.2", "model": "openai/gpt-oss-120b", "model-prefix": "gptoss",
        "precision": "fp4", "framework": "vllm", "runner": "h200", "isl": 1024, "osl": 1024, "tp": 8,
        "conc": 4, "max-model-len": 2248, "ep": 1, "dp-attn": False, "spec-decoding": "none",
        "exp-name": "gptoss_1k1k", "disagg": False}
    if version == "v1":
        del entry["model-prefix"], entry["spec-decoding"], entry["disagg"]
        if field == "model-prefix":
            return  # v1 jobs have no model-prefix
    validator = schemas.validator(version, "matrix-entry")
    assert validator.is_valid(entry)
    assert not validator.is_valid({**entry, field: value})


def test_custom_cannot_print_what_a_config_could_not_hold(run: Any, here: Path) -> None:
    (here / "nvidia-master.yaml").write_text(V1, encoding="utf-8")
    result = run("custom", "--config-files", "nvidia-master.yaml", "--runner-label", "h200-nb_0",
                 "--image", "vllm/vllm-openai:v0.10.2", "--model", "$(id)", "--framework", "vllm",
                 "--precision", "fp8", "--exp-name", "a\nb")
    assert result.exit_code != 0 and result.stdout == ""


# ---- item 5: entry keys, and `${{` in what flows into workflows ----------------------------------

def _key_problems(run: Any, here: Path, key: str) -> tuple[str, list[tuple[int, int, str, str, str]]]:
    text = V1.replace("gptoss-fp4-h100-vllm:", f"{json.dumps(key)}:")
    (here / "nvidia-master.yaml").write_text(text, encoding="utf-8")
    return text, [p for p in problems(run, here / "nvidia-master.yaml") if p[2] == "key-name"]


@pytest.mark.parametrize("key", ["gptoss-fp4 h100", "gptoss-fp4;h100", "gptoss-fp4-'h100", 'gptoss-fp4-"h100',
                                 "gptoss-fp4-`id`", "gptoss-fp4-${{ github.token }}", "gptoss-fp4-h100\n",
                                 "gptoss-fp4-h100\u202e", "gptoss-fp4-\u200bh100", "gptoss-fp4\\h100", "gptoss-fp4-\x7f"])
def test_an_entry_key_outside_the_grammar_is_an_error(run: Any, here: Path, key: str) -> None:
    _, found = _key_problems(run, here, key)
    assert [(rule, level) for _, _, rule, level, _ in found] == [("key-name", "error")]


@pytest.mark.parametrize("key", ["gptoss-fр4-h100-vllm", "gptoss-fp4-h100-vllm-ﬁx", "ｇptoss-fp4-h100-vllm"])
def test_an_entry_key_with_non_ascii_letters_is_a_warning(run: Any, here: Path, key: str) -> None:
    _, found = _key_problems(run, here, key)
    assert [(rule, level) for _, _, rule, level, _ in found] == [("key-name", "warning")]
    result = run("lint", "nvidia-master.yaml")
    assert result.exit_code == 0
    assert run("lint", "--strict", "nvidia-master.yaml").exit_code == 1


def test_a_key_problem_points_at_the_key(run: Any, here: Path) -> None:
    text, found = _key_problems(run, here, "gptoss fp4")
    line, column = at(text, '"gptoss fp4":')
    assert found == [(line, column, "key-name", "error",
                      "key 'gptoss fp4' is not a valid entry key: no whitespace, ';', quotes, '\\', '$', "
                      "control or invisible characters")]
    text, found = _key_problems(run, here, "gptoss-fр4-h100-vllm")
    line, column = at(text, json.dumps("gptoss-fр4-h100-vllm") + ":")  # written as "gptoss-f\u04404..."
    assert found == [(line, column, "key-name", "warning",
                      "key 'gptoss-fр4-h100-vllm' is not plain ASCII (a letter of another script can pass for an "
                      "ASCII one: Cyrillic 'а' looks like 'a')")]


def test_additional_settings_may_not_hold_an_expression(run: Any, here: Path) -> None:
    text = V2.replace('"PREFILL_MAX_BATCH_SIZE=4"', '"PREFILL_MAX_BATCH_SIZE=${{ secrets.TOKEN }}"')
    (here / "v2" / "m.yaml").write_text(text, encoding="utf-8")
    line, column = at(text, '"PREFILL_MAX_BATCH_SIZE=${{')
    assert problems(run, here / "v2" / "m.yaml") == [(
        line, column, "pattern", "error",
        "'additional-settings[1]' must be free of '${{' (GitHub Actions would evaluate it where the setting is "
        "used), got string 'PREFILL_MAX_BATCH_SIZE=${{ secrets.TOKEN }}'")]


@pytest.mark.parametrize("setting", ["PREFILL_MAX_BATCH_SIZE=4\\n", "PREFILL_MAX_BATCH_SIZE=4\\u202e",
                                     "PREFILL_MAX_BATCH_SIZE=\\u0007"])
def test_additional_settings_stay_on_one_visible_line(run: Any, here: Path, setting: str) -> None:
    text = V2.replace('"PREFILL_MAX_BATCH_SIZE=4"', f'"{setting}"')
    (here / "v2" / "m.yaml").write_text(text, encoding="utf-8")
    assert [p[2:4] for p in problems(run, here / "v2" / "m.yaml")] == [("pattern", "error")]


@pytest.mark.parametrize(("folder", "expected"), [
    ("inferencemax-17d5e204f", []),
    ("inferencemax-93e1b3ca1", []),
    ("inferencemax-2d0d4283d", [("nvidia-master.yaml", 1676, "unknown-runner"), ("nvidia-master.yaml", 1713, "unknown-runner"),
                                ("nvidia-master.yaml", 1736, "unknown-runner"), ("nvidia-master.yaml", 7837, "unknown-runner")]),
])
def test_real_configs_lint_exactly_as_before(run: Any, folder: str, expected: list[tuple[str, int, str]],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    source = corpus_dir(folder)
    monkeypatch.chdir(source)
    result = run("lint", "--format", "json", "--strict", "nvidia-master.yaml", "amd-master.yaml", "runners.yaml")
    found = [(p["path"], p["line"], p["rule"]) for p in json.loads(result.stdout)["problems"]]
    assert found == expected
    assert result.exit_code == (1 if expected else 0)


# ---- item 7: a conc-list that repeats a concurrency ----------------------------------------------

def test_a_repeated_concurrency_is_a_warning(run: Any, here: Path) -> None:
    text = V2.replace("conc-list: [3, 100, 1]", "conc-list: [3, 100, 3]")
    (here / "v2" / "m.yaml").write_text(text, encoding="utf-8")
    line, column = at(text, "[3, 100, 3]")
    assert problems(run, here / "v2" / "m.yaml") == [
        (line, column, "duplicate-item", "warning", "'conc-list' lists the same item twice")]
    assert run("lint", "v2/m.yaml").exit_code == 0
    assert run("lint", "--strict", "v2/m.yaml").exit_code == 1
