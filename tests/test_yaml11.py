"""YAML 1.1 numbers: in master configs a warning that says how each reader takes the value; in a
format's document kind read with YAML 1.1 numbers on purpose, nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, make_project

ENTRY = """\
a-fp8-b200-x:
  image: a/b:1
  model: m
  model-prefix: a
  precision: fp8
  framework: 1:20
  runner: b200
  seq-len-configs:
  - isl: 1024
    osl: 1024
    search-space:
    - { tp: 8, conc-start: 010, conc-end: 1_024 }
    - { tp: 4, conc-start: 0o20, conc-end: 64 }
"""


def test_each_reading_is_named(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(tmp_path, monkeypatch, ENTRY, (ROOT / "configs" / "runners.yaml").read_text())
    problems = json.loads(run("lint", "--format", "json").stdout)["problems"]
    warnings = [(p["line"], p["column"], p["message"]) for p in problems if p["rule"] == "yaml11-number"]
    assert warnings == [
        (6, 14, "'1:20' is the string '1:20' to YAML 1.2 readers (sweepgen, editors) but the number 80 to YAML "
                "1.1 readers (PyYAML, the generators); write 80, or quote it if it is meant as text"),
        (12, 28, "'010' is the number 10 to YAML 1.2 readers (sweepgen, editors) but the number 8 to YAML 1.1 "
                 "readers (PyYAML, the generators); write 10 or 8, without the leading zero or base prefix"),
        (12, 43, "'1_024' is the string '1_024' to YAML 1.2 readers (sweepgen, editors) but the number 1024 to "
                 "YAML 1.1 readers (PyYAML, the generators); write 1024, or quote it if it is meant as text"),
        (13, 28, "'0o20' is the number 16 to YAML 1.2 readers (sweepgen, editors) but the string '0o20' to YAML 1.1 "
                 "readers (PyYAML, the generators); write 16, or quote it if it is meant as text"),
    ]
    assert all(p["level"] == "warning" for p in problems if p["rule"] == "yaml11-number")


def test_plain_numbers_have_no_warning(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(tmp_path, monkeypatch, (ROOT / "configs" / "nvidia-master.yaml").read_text(),
                 (ROOT / "configs" / "runners.yaml").read_text())
    problems = json.loads(run("lint", "--format", "json").stdout)["problems"]
    assert [p for p in problems if p["rule"] == "yaml11-number"] == []
