"""The seed generator's recorded outputs, reproduced byte for byte by the compatible subcommands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CORPUS, corpus_dir

SEED = "inferencemax-17d5e204f"


def recorded_cases(folder: str) -> list[dict[str, object]]:
    """The command lines of a corpus folder's expected/manifest.json (a placeholder, skipped, when absent)."""
    manifest = CORPUS / folder / "expected" / "manifest.json"
    if not manifest.is_file():
        return [{"name": "absent", "args": [], "entries": 0}]
    cases: list[dict[str, object]] = json.loads(manifest.read_text(encoding="utf-8"))
    return cases


def check_reproduced(run, monkeypatch: pytest.MonkeyPatch, folder: str,  # type: ignore[no-untyped-def]
                     case: dict[str, object]) -> None:
    """The case's command line, run inside the folder, prints its recorded output byte for byte."""
    monkeypatch.chdir(corpus_dir(folder))
    expected = (Path("expected") / f"{case['name']}.json").read_text(encoding="utf-8")
    result = run(*case["args"])  # type: ignore[misc]
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)) == case["entries"]
    assert result.stdout == expected
    assert result.stderr == ""


@pytest.mark.parametrize("case", recorded_cases(SEED), ids=lambda c: str(c["name"]))
def test_seed_output_reproduced(run, monkeypatch: pytest.MonkeyPatch, case: dict[str, object]) -> None:
    check_reproduced(run, monkeypatch, SEED, case)


def test_manifest_lists_nine_outputs() -> None:
    folder = corpus_dir(SEED)
    assert len(json.loads((folder / "expected" / "manifest.json").read_text(encoding="utf-8"))) == 9
