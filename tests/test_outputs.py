"""Outputs that cannot be written: a full disk, a closed pipe, a $GITHUB_OUTPUT or
$GITHUB_STEP_SUMMARY that is a folder or in a missing folder. One line, exit 1 (a closed pipe:
quietly), never a traceback, for every command. Run as real processes: the failure is the
process's own stdout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

CONFIGS = ROOT / "configs"
FULL_DISK = Path("/dev/full")
COMMANDS = [
    ["lint", "--format", "json"], ["lint", "--list-rules"], ["full-sweep"], ["plan"], ["export"],
    ["--help"], ["full-sweep", "--help"], ["diff", "--base", "HEAD"],
]


def sweepgen(*args: str, stdout: object = subprocess.PIPE, env: dict[str, str] | None = None,
             cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sweepgen", *args], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, cwd=cwd, env={**os.environ, **(env or {})}, timeout=120)


@pytest.mark.skipif(not FULL_DISK.exists(), reason="/dev/full is not available")
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_full_disk_is_one_line_and_exit_1(args: list[str]) -> None:
    with FULL_DISK.open("w") as full:
        done = sweepgen(*args, stdout=full)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == "sweepgen: error: cannot write the output: No space left on device"
    assert "Traceback" not in done.stderr


def test_a_closed_pipe_ends_quietly() -> None:
    # a reader that stops after one byte: the rest of a large output meets a closed pipe
    writer = subprocess.Popen([sys.executable, "-m", "sweepgen", "full-sweep", "--step-size", "2"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert writer.stdout is not None and writer.stderr is not None
    writer.stdout.read(1)
    writer.stdout.close()
    stderr = writer.stderr.read().decode()
    assert writer.wait(timeout=120) in (0, 1)
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert "error" not in stderr


@pytest.mark.parametrize("variable, args", [
    ("GITHUB_STEP_SUMMARY", ["plan", "--summary"]),
    ("GITHUB_STEP_SUMMARY", ["lint", "--format", "github"]),
    ("GITHUB_OUTPUT", ["plan", "--github-output"]),
])
@pytest.mark.parametrize("where", ["folder", "missing"])
def test_unwritable_github_files_are_one_line_and_exit_1(tmp_path: Path, variable: str, args: list[str],
                                                         where: str) -> None:
    target = tmp_path if where == "folder" else tmp_path / "no-such-folder" / "file"
    done = sweepgen(*args, env={variable: str(target)})
    assert done.returncode == 1
    reason = "Is a directory" if where == "folder" else "No such file or directory"
    assert done.stderr.splitlines()[-1] == f"sweepgen: error: cannot write ${variable} ({target}): {reason}"
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("args", "code"), [(["lint", "--list-rules"], 0), (["lint", "no-such.yaml"], 2),
                                            (["full-sweep", "--config-files", "no-such.yaml"], 1),
                                            (["full-sweep", "--step-size", "1"], 2)])
def test_the_process_ends_with_its_exit_code_and_every_byte_written(args: list[str], code: int) -> None:
    """The command line's process ends without tearing its objects down (os._exit), after its
    output is flushed: the same status and bytes as a normal exit."""
    done = sweepgen(*args)
    assert done.returncode == code
    if code == 0:
        assert done.stdout.splitlines()[-1].startswith("yaml11-number") and done.stdout.endswith("\n")
    else:
        assert done.stderr.strip() and "Traceback" not in done.stderr


def test_main_called_in_process_raises_system_exit(capsys: pytest.CaptureFixture[str]) -> None:
    """sweepgen.ghaction runs commands in its own process: main(argv) must return control to it."""
    from sweepgen.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["lint", "--list-rules"])
    assert exit_.value.code == 0 and "unknown-format" in capsys.readouterr().out
