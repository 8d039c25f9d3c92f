"""Broken input never crashes lint: random byte-level damage to a real config always gives
positioned problems (or none), never an exception, and positions stay inside the file."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from conftest import ROOT
from sweepgen.lint import lint_files

SOURCE = ROOT / "configs" / "nvidia-master.yaml"
V1 = ROOT / "tests" / "data" / "v1-configs"
DAMAGE = [b"\t", b":", b"- ", b"{", b"}", b"[", b"]", b"&a ", b"*a", b"!!int ", b"%", b'"', b"'", b"\x00",
          b"\xff", b"\xe2\x80", b"\r", b"\n", b"    ", b"#", b"yes", b"8.0", b"---\n", b"? ", b"|\n", b"\xef\xbb\xbf"]


def _damage(data: bytes, rng: random.Random) -> bytes:
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(data))
        roll = rng.random()
        if roll < 0.4:
            data = data[:at] + rng.choice(DAMAGE) + data[at:]
        elif roll < 0.7:
            data = data[:at] + data[at + rng.randint(1, 20):]
        else:
            end = min(len(data), at + rng.randint(1, 40))
            data = data[:at] + data[end:] + data[at:end]
    return data


V3_CASES = ROOT / "tests" / "v3_cases"
# (config, its runner config): the project's own, and v3 configs whose damage reaches the v3 rules
SOURCES = [(SOURCE, ROOT / "configs" / "runners.yaml"), (V1 / "nvidia-master.yaml", V1 / "runners.yaml"),
           (V3_CASES / "valid.yaml", V3_CASES / "runners" / "runners.yaml"),
           (V3_CASES / "cross.yaml", V3_CASES / "runners" / "runners.yaml")]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("source,runners", SOURCES, ids=[f"{s.parent.name}-{s.stem}" for s, _ in SOURCES])
def test_damaged_configs_never_crash(tmp_path: Path, seed: int, source: Path, runners: Path) -> None:
    rng = random.Random(seed)
    original = source.read_bytes()
    for i in range(60 if source == SOURCE else 30):
        damaged = _damage(original, rng)
        target = tmp_path / f"case{i}.yaml"
        target.write_bytes(damaged)
        result = lint_files([target], str(runners))
        lines = damaged.count(b"\n") + 1
        for p in result.problems:
            assert 1 <= p.line <= lines + 1, (p, damaged)
            assert p.column >= 1, (p, damaged)
            assert p.message and "Traceback" not in p.message


def test_damaged_config_through_the_cli(run, tmp_path: Path) -> None:
    target = tmp_path / "broken.yaml"
    source = SOURCE.read_bytes()
    assert b"  model: deepseek-r1-fp4\n" in source
    target.write_bytes(source.replace(b"  model: deepseek-r1-fp4\n", b"  model: [deepseek\n", 1))
    result = run("lint", "--format", "json", "--runner-config", str(ROOT / "configs" / "runners.yaml"), str(target))
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [p["rule"] for p in report["problems"]] == ["syntax"]


def _odd_mutation(value: object, rng: random.Random) -> object:
    """The value with one node replaced by an odd one (of another type, empty, null)."""
    import copy

    odd = [None, True, 0, -1, 8.0, "", "x", [], {}, [None], {"x": None}, "dram", {"name": None}]
    doc = copy.deepcopy(value)
    paths: list[tuple[object, ...]] = []

    def walk(node: object, path: tuple[object, ...]) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*path, i))
    walk(doc, ())
    path = rng.choice(paths[1:])
    parent: object = doc
    for step in path[:-1]:
        parent = parent[step]  # type: ignore[index]
    parent[path[-1]] = rng.choice(odd)  # type: ignore[index]
    return doc


def test_v3_rules_never_crash_on_odd_values() -> None:
    """The v3 Python rules run on documents the schema may have rejected: any node of any type."""
    from sweepgen import formats
    from sweepgen.yamlsource import load_path

    fmt = formats.get("v3")
    rng = random.Random(3)
    runner = load_path(V3_CASES / "runners" / "runners.yaml")
    runner.read_yaml11_numbers()
    for name in ("valid.yaml", "cross.yaml", "agentic.yaml"):
        data = load_path(V3_CASES / name).data
        for _ in range(300):
            mutated = _odd_mutation(data, rng)
            odd_runner = _odd_mutation(runner.data, rng) if rng.random() < 0.3 else runner.data
            context = formats.RuleContext(name, mutated, {name: mutated}, odd_runner, "runners.yaml")
            for rule in fmt.rules:
                for finding in rule.check(context):
                    assert finding.message and finding.path
