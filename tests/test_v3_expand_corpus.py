"""The current generator's ten recorded outputs on today's real v3 configs, reproduced byte for byte
through the CLI; every row shape they hold takes the fast row check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CORPUS, corpus_dir

FOLDER = "inferencex-843c6254f"


def recorded() -> list[dict[str, object]]:
    manifest = CORPUS / FOLDER / "expected" / "manifest.json"
    if not manifest.is_file():
        return [{"file": "absent", "args": [], "entries": 0}]
    cases: list[dict[str, object]] = json.loads(manifest.read_text(encoding="utf-8"))["cases"]
    return cases


@pytest.mark.parametrize("case", recorded(), ids=lambda c: str(c["file"]).removesuffix(".json"))
def test_generator_output_reproduced(run, monkeypatch: pytest.MonkeyPatch, case: dict[str, object]) -> None:
    monkeypatch.chdir(corpus_dir(FOLDER))
    expected = (Path("expected") / str(case["file"])).read_text(encoding="utf-8")
    result = run(*case["args"])  # type: ignore[misc]
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)) == case["entries"]
    assert result.stdout == expected
    # today's configs name runners that are not labels (FORMAT-v3 3.3): lint warns, never fails
    assert all(": warning: " in line for line in result.stderr.splitlines()), result.stderr


def test_the_manifest_lists_ten_outputs() -> None:
    assert len(json.loads((corpus_dir(FOLDER) / "expected" / "manifest.json").read_text())["cases"]) == 10


def test_every_recorded_row_shape_takes_the_fast_check() -> None:
    from sweepgen.rowcheck import checker

    folder = corpus_dir(FOLDER) / "expected"
    shapes = {tuple(row) for path in sorted(folder.glob("*.json")) if path.name != "manifest.json"
              for row in json.loads(path.read_text())}
    assert len(shapes) > 20
    assert [keys for keys in shapes if not checker("v3").covers(keys)] == []
