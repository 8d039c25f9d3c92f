"""Data-driven lint cases: every file in lint_cases/ with its expected (line, column, rule)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CASES = HERE / "lint_cases"
RUNNERS = HERE / "lint_runners" / "runners.yaml"
EXPECTED = json.loads((CASES / "expected.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_case(run, name: str) -> None:
    result = run("lint", "--format", "json", "--runner-config", str(RUNNERS), str(CASES / name))
    report = json.loads(result.stdout)
    got = [[p["line"], p["column"], p["rule"]] for p in report["problems"]]
    assert got == EXPECTED[name]
    assert all(p["path"].endswith(name) for p in report["problems"])
    assert result.exit_code == (1 if any(p["level"] == "error" for p in report["problems"]) else 0)


def test_every_case_file_has_expectations() -> None:
    assert sorted(p.name for p in CASES.glob("*.yaml")) == sorted(EXPECTED)


def test_billion_laughs_is_not_expanded(run) -> None:
    # Aliases are refused, never expanded: the document value holds no copies.
    from sweepgen.yamlsource import load_path

    doc = load_path(CASES / "billion_laughs.yaml")
    assert doc.data["b"] == [None] * 9
    assert doc.data["i"] == [None] * 9


def test_huge_file_is_refused_by_size(tmp_path, run, monkeypatch) -> None:
    from sweepgen import yamlsource

    monkeypatch.setattr(yamlsource, "MAX_BYTES", 100)
    monkeypatch.chdir(tmp_path)
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 200 + "\n")
    result = run("lint", "--format", "json", str(big))
    report = json.loads(result.stdout)
    assert [(p["line"], p["column"], p["rule"]) for p in report["problems"]] == [(1, 1, "file-too-large")]
    assert result.exit_code == 1


def test_messages_say_what_was_expected(run) -> None:
    result = run("lint", "--format", "text", "--runner-config", str(RUNNERS), str(CASES / "types.yaml"))
    assert "tests/lint_cases/types.yaml:14:25: error: 'dp-attn' must be a boolean (true or false), got string 'yes' " \
        "('yes' is a string in YAML 1.2; write true or false) [type]" in result.stdout
    assert "tests/lint_cases/types.yaml:12:13: error: 'tp' must be an integer, got float 8.0 (write 8) [type]" in result.stdout


def test_a_fifo_is_refused_not_read(run, tmp_path) -> None:
    import os

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result = run("lint", "--format", "json", str(fifo))
    report = json.loads(result.stdout)
    assert [(p["line"], p["column"], p["rule"], p["message"]) for p in report["problems"]
            if p["path"].endswith("pipe.yaml")] == [(1, 1, "unreadable", "not a regular file")]
    assert result.exit_code == 1
