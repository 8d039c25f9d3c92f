"""Atomic writes: a failed or killed write leaves the original bytes in place."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sweepgen import atomic
from sweepgen.atomic import write_atomic

ORIGINAL = b"a-fp8-h200-sglang:\r\n  image: old:1   # keep\r\n"
NEW = b"a-fp8-h200-sglang:\r\n  image: new:2   # keep\r\n"


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "c.yaml"
    path.write_bytes(ORIGINAL)
    path.chmod(0o640)
    return path


def test_write_replaces_bytes_and_keeps_permissions(target: Path) -> None:
    write_atomic(target, NEW)
    assert target.read_bytes() == NEW
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["c.yaml"]


def test_write_through_a_symlink_edits_the_file_it_names(target: Path) -> None:
    link = target.parent / "link.yaml"
    link.symlink_to(target.name)
    write_atomic(link, NEW)
    assert link.is_symlink()
    assert target.read_bytes() == NEW


class _HalfWriter(io.BufferedWriter):
    """Writes half of what it is given, then fails like a full disk."""

    def write(self, data: Any) -> int:
        super().write(bytes(data)[: len(data) // 2])
        super().flush()
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize("failure", ["write", "fsync", "replace"])
def test_a_failure_leaves_the_original_and_no_temporary_file(
        target: Path, monkeypatch: pytest.MonkeyPatch, failure: str) -> None:
    def boom(*_: Any, **__: Any) -> None:
        raise OSError(5, "Input/output error")

    if failure == "write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(atomic.os, "fdopen",
                            lambda fd, mode: _HalfWriter(real_fdopen(fd, mode, buffering=0)))  # type: ignore[arg-type]
    else:
        monkeypatch.setattr(atomic.os, failure, boom)
    with pytest.raises(OSError):
        write_atomic(target, NEW)
    assert target.read_bytes() == ORIGINAL
    assert sorted(p.name for p in target.parent.iterdir()) == ["c.yaml"]


CHILD = """
import os, sys, time
sys.path.insert(0, sys.argv[2])
from sweepgen import atomic

def stall(fd):
    print("writing", flush=True)
    time.sleep(60)

atomic.os.fsync = stall
atomic.write_atomic(sys.argv[1], b"x" * 1_000_000)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_process_killed_mid_write_leaves_the_original(target: Path) -> None:
    root = str(Path(__file__).resolve().parent.parent)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(target), root],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "writing\n"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    assert target.read_bytes() == ORIGINAL
    # A killed process cannot clean up: what it leaves is one hidden temporary file that
    # no *.yaml glob picks up, never a half-written config.
    left = sorted(p.name for p in target.parent.iterdir() if p.name != "c.yaml")
    assert len(left) <= 1 and all(n.startswith(".c.yaml.") and n.endswith(".tmp") for n in left)
