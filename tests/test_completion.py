"""Shell completion (click's): entry keys for --key, --config-keys and --model-prefix, from the
configs the command line names or the repository's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def complete(words: str, cwd: Path = ROOT) -> list[str]:
    env = {**os.environ, "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
           "_SWEEPGEN_COMPLETE": "bash_complete"}
    done = subprocess.run([sys.executable, "-m", "sweepgen"], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return [line.split(",", 1)[1] for line in done.stdout.splitlines() if line]


def keys(path: Path) -> list[str]:
    from sweepgen.yamlsource import load_path

    return [str(k) for k in load_path(path).data]


def test_entry_keys_complete_model_prefix_and_key() -> None:
    every = keys(ROOT / "configs" / "nvidia-master.yaml") + keys(ROOT / "configs" / "amd-master.yaml")
    first = every[0]
    got = complete(f"sweepgen full-sweep --model-prefix {first[:3]}")
    assert got and set(got) == {k for k in every if k.startswith(first[:3])}
    amd = keys(ROOT / "configs" / "amd-master.yaml")
    got = complete("sweepgen plan --config-files configs/amd-master.yaml --model-prefix ")
    assert sorted(got) == sorted(amd)


def test_completion_of_broken_configs_completes_nothing(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("a: [\n")
    assert complete("sweepgen full-sweep --config-files bad.yaml --model-prefix ", cwd=tmp_path) == []
