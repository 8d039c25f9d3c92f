"""Faults made from today's real configs (843c6254f): each rule of FORMAT-v3 2.7 (R1-R14), the
generator-time rules (G1-G6), wrong types and a syntax error, written into copies of the real
files at once. Lint must report every one in its file at its line, and nothing else.

Each fault edits the real text at a place found by its content (an entry key, then a line in
that entry), so the test follows the real files rather than fixed line numbers; the line where
the problem is expected is marked while the text is edited."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import corpus_dir

HEAD = "inferencex-843c6254f"


@dataclass
class Line:
    text: str
    rules: list[str] = field(default_factory=list)  # the problems expected on this line


class Text:
    """One file's lines, edited in place; expected problems ride on their lines."""

    def __init__(self, text: str) -> None:
        self.lines = [Line(t) for t in text.split("\n")]

    def entry(self, key: str) -> tuple[int, int]:
        start = next(i for i, line in enumerate(self.lines) if line.text == f"{key}:")
        end = next((i for i in range(start + 1, len(self.lines))
                    if self.lines[i].text and not self.lines[i].text[0].isspace() and self.lines[i].text[0] != "#"),
                   len(self.lines))
        return start, end

    def find(self, key: str, pattern: str, nth: int = 0) -> int:
        start, end = self.entry(key)
        found = [i for i in range(start, end) if re.search(pattern, self.lines[i].text)]
        assert len(found) > nth, (key, pattern)
        return found[nth]

    def edit(self, i: int, old: str, new: str, rule: str | None = None) -> None:
        assert old in self.lines[i].text, (self.lines[i].text, old)
        self.lines[i].text = self.lines[i].text.replace(old, new, 1)
        if rule:
            self.lines[i].rules.append(rule)

    def insert(self, i: int, text: str, rule: str | None = None) -> int:
        """Insert a line after line i; returns its index."""
        self.lines.insert(i + 1, Line(text, [rule] if rule else []))
        return i + 1

    def delete(self, i: int) -> None:
        assert not self.lines[i].rules
        del self.lines[i]

    def mark(self, i: int, rule: str) -> None:
        self.lines[i].rules.append(rule)

    def render(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def expected(self, name: str) -> list[tuple[str, int, str]]:
        return sorted((name, n, rule) for n, line in enumerate(self.lines, 1) for rule in line.rules)


def _nvidia(t: Text) -> None:
    # R1: tp not divisible by dcp-size (single-node fixed point)
    i = t.find("dsv4-fp4-b200-vllm", r"\{ tp: 8, conc-start: 1, conc-end: 64 \}")
    t.edit(i, "tp: 8,", "tp: 8, dcp-size: 3,", "divisible")
    # R4: a range and a list; a range without its end; conc-start above conc-end
    i = t.find("dsv4-fp4-b200-vllm", r"\{ tp: 8, ep: 8, conc-start: 128, conc-end: 256 \}")
    t.edit(i, "conc-end: 256 }", "conc-end: 256, conc-list: [4] }", "conflicting-fields")
    i = t.find("dsv4-fp4-b200-vllm", r"dp-attn: true, conc-start: 64, conc-end: 1024")
    t.edit(i, "conc-start: 64", "conc-start: 2048", "conc-range")
    i = t.find("dsv4-fp4-b200-sglang", r"\{ tp: 8, ep: 1, conc-start: 1, conc-end: 32 \}")
    t.edit(i, ", conc-end: 32", "", "missing-field")
    # R2: disagg: true on a single-node entry
    i = t.find("dsv4-fp4-b200-vllm", r"^  multinode: false$")
    t.insert(i, "  disagg: true", "enum")
    # strict types: a numeric string and an integral float
    i = t.find("dsr1-fp4-b200-dynamo-trt", r"^          tp: 4$")
    t.edit(i, "tp: 4", 'tp: "4"', "type")
    i = t.find("dsr1-fp4-b200-dynamo-trt", r"conc-list: \[66\]")
    t.edit(i, "[66]", "[66.0]", "type")
    # R5: hardware on the prefill worker only (reported at the point)
    point = t.find("dsr1-fp4-b200-dynamo-trt", r"^      - spec-decoding: \"mtp\"$", 2)
    t.mark(point, "worker-hardware")
    worker = next(i for i in range(point, len(t.lines)) if t.lines[i].text.startswith("          num-worker: "))
    t.insert(worker, "          hardware: gb200")
    # R12: a router at the entry and in a point (reported at the entry's)
    t.mark(t.find("dsr1-fp4-b200-dynamo-trt", r"^  router: "), "one-scope")
    t.insert(t.find("dsr1-fp4-b200-dynamo-trt", r"^      - conc-list: \[6\]$"), '        router: { name: x, version: "1" }')
    # R14: a disaggregated entry without kv-p2p-transfer (reported at disagg)
    key = next(line.text[:-1] for line in t.lines[t.entry("dsr1-fp4-b200-dynamo-trt")[1]:]
               if line.text.endswith(":") and not line.text[0].isspace())
    t.delete(t.find(key, r"^  kv-p2p-transfer: "))
    t.mark(t.find(key, r"^  disagg: true$"), "disagg-transfer")
    # R7, R9, R10, R13 and G4 in one agentic entry
    agentic = "dsv4-fp4-b200-sglang-agentic-hicache-mtp"
    t.edit(t.find(agentic, r"kv-offloading: none, spec-decoding: mtp"), "kv-offloading: none, ", "", "missing-field")
    i = t.find(agentic, r"\{ tp: 8, kv-offloading: dram, kv-offload-backend: \{ name: hicache \}")
    t.edit(i, "kv-offload-backend: { name: hicache }, ", "", "kv-offload-backend")
    t.edit(t.find(agentic, r"- dram-utilization: 0.80"), "0.80", "null", "dram-utilization")
    other = "dsv4-fp4-b200-vllm-agentic-mtp"
    i = t.find(other, r"\{ tp: 8, kv-offloading: dram")
    t.edit(i, "kv-offloading: dram", "kv-offloading: dram, kv-p2p-transfer: nixl", "kv-p2p-single-node")
    t.insert(i, "      - { prefill: { num-worker: 1, tp: 8, ep: 8, dp-attn: true }, decode: { num-worker: 1, tp: 8, "
                "ep: 8, dp-attn: true }, conc-list: [1] }", "point-shape")
    # R11: an agentic entry on a runner that is not a cluster
    entry = "qwen3.5-fp8-b200-sglang-agentic-mtp"
    t.edit(t.find(entry, r"^  runner: "), "cluster:b200-dgxc", "b200", "cluster-runner")
    start, end = t.entry(entry)  # and b200 has no hardware for its DRAM points (G1)
    for i in range(start, end):
        if "kv-offloading: dram" in t.lines[i].text:
            t.mark(i, "dram-hardware")
    # G1: a DRAM-offloading entry on a cluster label without hardware
    entry = "dsv4-fp4-b300-sglang-agentic-hicache-mtp"
    t.edit(t.find(entry, r"^  runner: "), "cluster:b300-nv", "cluster:b300-cw")
    t.mark(t.find(entry, r"kv-offloading: dram"), "dram-hardware")
    # G2: a single-node DRAM point larger than its 8-GPU node
    i = t.find("qwen3.5-fp8-h200-sglang-agentic-mtp", r"kv-offloading: dram")
    t.edit(i, "tp: 8", "tp: 16", "gpu-fit")
    # G3: a multinode DRAM point whose prefill replica (tp 12 on 8-GPU nodes) does not fill whole nodes
    entry = "kimik3-fp4-h200-vllm-agentic"
    dram = t.find(entry, r"^        kv-offloading: dram$")
    prefill = next(i for i in range(dram, len(t.lines)) if t.lines[i].text == "        prefill:")
    tp = next(i for i in range(prefill, len(t.lines)) if t.lines[i].text.startswith("          tp: "))
    t.lines[tp].text = "          tp: 12"
    t.mark(prefill, "gpu-fit")
    # G5: a point's kv-p2p-transfer: null under the entry's, in a disaggregated entry
    i = t.find("dsr1-fp4-b300-dynamo-trt", r"^      - spec-decoding: \"mtp\"$")
    t.insert(i, "        kv-p2p-transfer: null", "null-transfer")
    # G6: an explicit null scenario list
    i = t.find("qwen3.5-fp8-h100-sglang-agentic", r"^  scenarios:$")
    t.insert(i, "    fixed-seq-len: null", "type")
    # warnings: a repeated concurrency, an empty search-space
    i = t.find(agentic, r"conc-list: \[1, 2, 3, 4, 5\]")
    t.edit(i, "[1, 2, 3, 4, 5]", "[1, 2, 3, 3, 5]", "duplicate-conc")


def _amd(t: Text) -> None:
    # R8 and R3 would need their own entries; a syntax error stops the file (and only that file)
    i = t.find(next(line.text[:-1] for line in t.lines if line.text.endswith(":") and not line.text[0].isspace()),
               r"^  model: ")
    t.edit(i, "model: ", "model: name: ", "syntax")


@pytest.fixture
def mutated(tmp_path: Path) -> tuple[Path, dict[str, Text]]:
    folder = corpus_dir(HEAD)
    texts = {name: Text((folder / name).read_text()) for name in ("nvidia-master.yaml", "amd-master.yaml")}
    _nvidia(texts["nvidia-master.yaml"])
    _amd(texts["amd-master.yaml"])
    for name, text in texts.items():
        (tmp_path / name).write_text(text.render())
    shutil.copy(folder / "runners.yaml", tmp_path / "runners.yaml")
    return tmp_path, texts


def test_every_fault_is_reported_in_its_file_at_its_line(run, mutated, monkeypatch) -> None:
    folder, texts = mutated
    monkeypatch.chdir(folder)
    result = run("lint", "--format", "json", "nvidia-master.yaml", "amd-master.yaml")
    report = json.loads(result.stdout)
    got = sorted((p["path"], p["line"], p["rule"]) for p in report["problems"] if p["rule"] != "runner-label")
    expected = sorted(e for name, text in texts.items() for e in text.expected(name))
    assert got == expected
    assert result.exit_code == 1
    # the real runner warnings of the untouched entries are still there
    assert sum(p["rule"] == "runner-label" for p in report["problems"]) == 6


def test_the_faults_are_one_line_each_in_the_text_report(run, mutated, monkeypatch) -> None:
    folder, texts = mutated
    monkeypatch.chdir(folder)
    lines = run("lint", "nvidia-master.yaml", "amd-master.yaml").stdout.splitlines()
    assert len(lines) == sum(len(t.expected(n)) for n, t in texts.items()) + 6
    assert all(re.fullmatch(r"(nvidia|amd)-master\.yaml:\d+:\d+: (error|warning): .+ \[[a-z0-9-]+\]", line)
               for line in lines)


R8_AND_R3 = """\
mutant-fp4-gb300-agentic:
  image: lmsysorg/sglang:v0.5.16
  model: deepseek-ai/DeepSeek-V4-Pro
  model-prefix: mutant
  runner: cluster:gb300-nv
  precision: fp4
  framework: dynamo-sglang
  multinode: true
  scenarios:
    agentic-coding:
    - search-space:
      - conc-list: [1]
        pcp-size: 1
        prefill: { num-worker: 1, tp: 4, ep: 4, dp-attn: false }
        decode: { num-worker: 1, tp: 4, ep: 4, dp-attn: false }
mutant-fp4-gb300-empty:
  image: lmsysorg/sglang:v0.5.16
  model: deepseek-ai/DeepSeek-V4-Pro
  model-prefix: mutant
  runner: cluster:gb300-nv
  precision: fp4
  framework: dynamo-sglang
  multinode: true
  scenarios:
    fixed-seq-len: []
    agentic-coding: []
"""


def test_entries_added_to_a_real_file(run, tmp_path: Path, monkeypatch) -> None:
    folder = corpus_dir(HEAD)
    monkeypatch.chdir(tmp_path)
    shutil.copy(folder / "runners.yaml", tmp_path / "runners.yaml")
    original = (folder / "amd-master.yaml").read_text()
    (tmp_path / "amd-master.yaml").write_text(original + "\n" + R8_AND_R3)
    report = json.loads(run("lint", "--format", "json", "amd-master.yaml").stdout)
    base = original.count("\n") + 1
    got = [(p["line"] - base, p["rule"]) for p in report["problems"] if p["rule"] != "runner-label"]
    assert got == [(13, "unknown-key"), (24, "missing-field")]
