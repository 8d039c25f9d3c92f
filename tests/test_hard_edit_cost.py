"""What an edit costs: how often it parses the file, and a diff that stays fast on large files.

No timings here (benchmarks/bench_edit.py measures them against lint); these tests pin the
work itself: a clean file is parsed once as it is (with its node tree) and once as edited
(by the lint of the guard), and the diff of a large file has difflib's hunks (as difflib finds
them without its autojunk heuristic) without difflib's cost.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import corpus_dir

CASES = Path(__file__).parent / "edit_cases"
KEY = "dsr1-fp8-h200-trt"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("nvidia-master.yaml", "runners.yaml"):
        shutil.copy(CASES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def parses(here: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Every parse of (a part of) a master config: ("original" / "edited" / "entry", with node tree);
    "entry" is the lines of one entry of the original, parsed alone."""
    from sweepgen import yamlsource

    seen: list[tuple[str, bool]] = []
    real = yamlsource._build
    target = here / "nvidia-master.yaml"

    def counting(doc: Any, parser: Any, base: int, nodes: bool) -> None:
        if "seq-len-configs" in doc.text:
            original = target.read_text(encoding="utf-8")
            what = "original" if doc.text == original else "entry" if doc.text in original else "edited"
            seen.append((what, nodes))
        real(doc, parser, base, nodes)

    monkeypatch.setattr(yamlsource, "_build", counting)
    return seen


@pytest.mark.parametrize("command", [
    ("bump-image", "--key", KEY, "--to", "x/y:9"),
    ("bump-image", "--key", KEY, "--to", "x/y:9", "--dry-run"),
    ("bump-image", "--from", "nvcr.io/nvidia/tensorrt-llm/release:1.1.0rc2", "--to", "x/y:9"),
    ("set", f"{KEY}.image", "x/y:9"),
    ("set", f'["kimik2.5-fp4-b200-vllm"].seq-len-configs[0].search-space[0].tp', "4"),  # a flow entry
])
def test_a_clean_file_is_parsed_once_as_it_is_and_once_as_edited(
        run: Any, here: Path, parses: list[tuple[str, bool]], command: tuple[str, ...]) -> None:
    result = run(*command[:1], "--config-files", "nvidia-master.yaml", *command[1:])
    assert result.exit_code == 0, result.stderr
    # the original: its values, and the node tree of the edited entry's own lines; the edited
    # text: the guard's lint, which finds nothing, so the original is not linted at all
    assert parses == [("original", False), ("entry", True), ("edited", False)]


def test_a_file_with_problems_is_linted_before_too(run: Any, here: Path, parses: list[tuple[str, bool]]) -> None:
    target = here / "nvidia-master.yaml"
    target.write_text(target.read_text().replace("runner: h100", "runner: h999"))
    result = run("bump-image", "--config-files", "nvidia-master.yaml", "--key", KEY, "--to", "x/y:9")
    assert result.exit_code == 0, result.stderr
    # the edited text has a problem (the unknown runner), so the original is linted to compare;
    # each lint that reports a problem builds the node tree for its position
    assert parses == [("original", False), ("entry", True), ("edited", False), ("edited", True),
                      ("original", False), ("original", True)]


@pytest.mark.parametrize("layout", ["anchor", "flow-root", "duplicate", "explicit-key"])
def test_a_file_the_entry_lines_do_not_explain_gets_the_whole_tree(
        run: Any, here: Path, parses: list[tuple[str, bool]], layout: str) -> None:
    """Anything unusual (a load problem, a flow mapping at the top, lines that do not map to the
    entries) is edited through the whole document's tree, with its exact refusals."""
    target = here / "nvidia-master.yaml"
    text = target.read_text(encoding="utf-8")
    if layout == "anchor":
        text = text.replace("model: openai/gpt-oss-120b", "model: &m openai/gpt-oss-120b")
    elif layout == "flow-root":
        flow_entry = text.split("\nkimik2.5-fp4-b200-vllm: ")[1].strip()
        text = "{ kimik2.5-fp4-b200-vllm: " + flow_entry + " }\n"  # the whole file one flow mapping
    elif layout == "duplicate":
        text = text.replace("  framework: vllm\n", "  framework: vllm\n  framework: vllm\n")
    else:  # `? key` / `: value`: two lines at column 0 for one entry
        text = text.replace("dsr1-fp8-h200-trt:\n", "? dsr1-fp8-h200-trt\n:\n")
    target.write_text(text, encoding="utf-8")
    key = "kimik2.5-fp4-b200-vllm" if layout == "flow-root" else KEY
    result = run("set", "--config-files", "nvidia-master.yaml", f'["{key}"].seq-len-configs[0].search-space[0].tp', "4")
    assert ("original", True) in parses and ("entry", True) not in parses
    assert result.exit_code in (0, 1)
    if result.exit_code == 0:
        assert target.read_text(encoding="utf-8") != text


def _replicated(text: str, times: int) -> str:
    """A large config: the test config's block entries again under new keys."""
    body = text.split("\nkimik2.5")[0]
    out = [body]
    for i in range(1, times):
        out.append(body.replace("dsr1-fp4-b200-sglang:", f"dsr1-fp4-b200-sglang-r{i}:")
                   .replace("dsr1-fp8-h200-trt:", f"dsr1-fp8-h200-trt-r{i}:")
                   .replace("gptoss-fp4-h100-vllm:", f"gptoss-fp4-h100-vllm-r{i}:"))
    return "\n".join(out) + "\n"


def _difflib(a: list[str], b: list[str], name: str) -> str:
    """difflib's unified diff of the whole files, matched without its popularity heuristic."""
    from sweepgen.edit import _Matched

    codes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    def hunk_range(start: int, stop: int) -> str:  # difflib's _format_range_unified
        return str(start + 1) if stop - start == 1 else f"{start + 1 if stop > start else start},{stop - start}"

    out = []
    for group in _Matched(codes).get_grouped_opcodes(3):
        first, last = group[0], group[-1]
        out.append(f"@@ -{hunk_range(first[1], last[2])} +{hunk_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            out += [" " + x for x in a[i1:i2]] if tag == "equal" else \
                ["-" + x for x in a[i1:i2]] + ["+" + x for x in b[j1:j2]]
    return f"--- a/{name}\n+++ b/{name}\n" + "".join(out)


def test_the_diff_of_a_large_file(run: Any, here: Path) -> None:
    target = here / "nvidia-master.yaml"
    before = _replicated((CASES / "nvidia-master.yaml").read_text(), 300)  # 15,000 lines
    target.write_text(before)
    result = run("bump-image", "--config-files", "nvidia-master.yaml", "--from", "vllm/vllm-openai:v0.10.2",
                 "--to", "x/y:9", "--dry-run")
    assert result.exit_code == 0, result.stderr
    after = before.replace('image: "vllm/vllm-openai:v0.10.2"', 'image: "x/y:9"')
    assert result.stdout == _difflib(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                     "nvidia-master.yaml")
    assert result.stdout.count("\n-  image: ") == result.stdout.count("\n+  image: \"x/y:9\"") == 300
    changed = result.stdout.splitlines()[2:]
    assert sum(line.startswith("-") for line in changed) == sum(line.startswith("+") for line in changed) == 300


@pytest.mark.parametrize("name", ["inferencemax-17d5e204f/nvidia-master.yaml",
                                  "inferencemax-2d0d4283d/nvidia-master.yaml",
                                  "inferencex-843c6254f/nvidia-master.yaml"])
def test_the_fast_diff_has_difflibs_hunks_on_real_configs(name: str) -> None:
    """Scalars replaced, lines added and a line removed all over a real config."""
    from sweepgen.edit import _lines, unified_diff

    folder, file = name.split("/")
    a = _lines((corpus_dir(folder) / file).read_text(encoding="utf-8"))
    replaced = [line.replace("conc-end: 64", "conc-end: 128") for line in a]
    added: list[str] = []
    for line in a:
        added.append(line)
        if line.startswith("  framework:"):
            added.append("  disagg: false\n")
    for b in (replaced, added, replaced[:40] + replaced[41:]):
        assert "".join(unified_diff(a, b, "a/x", "b/x")) == _difflib(a, b, "x")
