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


@pytest.mark.parametrize("seed", range(4))
def test_damaged_configs_never_crash(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    runners = ROOT / "configs" / "runners.yaml"
    original = SOURCE.read_bytes()
    for i in range(60):
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
    target.write_bytes(SOURCE.read_bytes().replace(b"  model: openai/gpt-oss-120b\n", b"  model: [openai\n", 1))
    result = run("lint", "--format", "json", "--runner-config", str(ROOT / "configs" / "runners.yaml"), str(target))
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [p["rule"] for p in report["problems"]] == ["syntax"]
