"""The v3 schema files as other tools see them: relative refs only, completion snippets that are
valid values, row shapes on the fast row check, and check-jsonschema agreeing with sweepgen offline."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import ROOT, corpus_dir

SCHEMA = ROOT / "schema" / "v3"
KINDS = ("master-config", "runner-config", "matrix-entry")
CASES = ROOT / "tests" / "v3_cases"
HEAD = "inferencex-843c6254f"


def _load(kind: str) -> dict[str, Any]:
    return json.loads((SCHEMA / f"{kind}.schema.json").read_text())


def _walk(node: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    yield pointer, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{pointer}/{i}")


def test_no_id_and_only_relative_refs() -> None:
    for kind in KINDS:
        doc = _load(kind)
        assert "$id" not in doc, kind
        for _, node in _walk(doc):
            if isinstance(node, dict) and isinstance(node.get("$ref"), str):
                assert not re.match(r"^[a-z]+:", node["$ref"]), (kind, node["$ref"])


def test_every_pattern_has_a_readable_message_and_no_trailing_newline_gets_through() -> None:
    for kind in KINDS:
        for where, node in _walk(_load(kind)):
            if isinstance(node, dict) and "pattern" in node and not where.endswith("/not"):
                compiled = re.compile(node["pattern"])
                assert "patternErrorMessage" in node, (kind, where)
                if node["pattern"].startswith("^[^") or node["pattern"].startswith("^[A-Za-z"):
                    assert compiled.search("a\n") is None and compiled.search("A1\n") is None, (kind, where)


def _placeholders(value: Any) -> Any:
    """A snippet body as the editor inserts it once its tab stops ($1, $2, ...) are typed in."""
    if isinstance(value, str):
        return re.sub(r"\$\{?\d+(:[^}]*)?\}?", "x1", value)
    if isinstance(value, list):
        return [_placeholders(v) for v in value]
    if isinstance(value, dict):
        return {k: _placeholders(v) for k, v in value.items()}
    return value


def test_completion_snippets_and_examples_are_valid_values() -> None:
    from sweepgen import schemas

    checked = 0
    for kind in KINDS:
        base = schemas.version("v3").schema_id(kind)
        validator = schemas.validator("v3", kind)
        for where, node in _walk(_load(kind)):
            if not isinstance(node, dict):
                continue
            bodies = [_placeholders(s["body"]) for s in node.get("defaultSnippets", [])] + list(node.get("examples", []))
            for body in bodies:
                sub = validator.evolve(schema={"$ref": f"{base}#{where}"})
                errors = [e.message for e in sub.iter_errors(body)]
                assert errors == [], (kind, where, body, errors)
                checked += 1
    assert checked >= 15


# ---------------------------------------------------------------- rows

def _recorded_rows() -> list[dict[str, Any]]:
    folder = corpus_dir(HEAD) / "expected"
    rows: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.json")):
        if path.name != "manifest.json":
            rows.extend(json.loads(path.read_text()))
    return rows


def test_every_recorded_row_takes_the_fast_row_check_and_validates() -> None:
    from sweepgen import schemas
    from sweepgen.rowcheck import checker

    rows = _recorded_rows()
    shapes = {tuple(row) for row in rows}
    assert len(shapes) > 40
    assert [keys for keys in shapes if not checker("v3").covers(keys)] == []
    # every row on the fast path (per property value), and by jsonschema one row of each shape and a sample
    from sweepgen.formats.base import Group, Row

    group = Group("x", "y")
    assert checker("v3").first_problem([Row("", group, tuple(r), tuple(r.values())) for r in rows]) is None
    validator = schemas.validator("v3", "matrix-entry")
    sample = [*{tuple(r): r for r in rows}.values(), *rows[::25]]
    assert [row for row in sample if not validator.is_valid(row)] == []


def test_rows_with_a_broken_field_are_refused() -> None:
    from sweepgen.formats.base import Group, Row
    from sweepgen.rowcheck import EntryChecker

    row = next(r for r in _recorded_rows() if "scenario-type" in r and "prefill" in r)
    for name, bad in (("conc", []), ("exp-name", "x\n"), ("runner", "gb300\u202e"), ("scenario-type", "chat"),
                      ("total-cpu-dram-gb", -1)):
        broken = {**row, name: bad}
        assert EntryChecker("v3").first_problem([Row("", Group("x", "y"), tuple(broken), tuple(broken.values()))])


# ---------------------------------------------------------------- check-jsonschema, offline

def _tool() -> str:
    exe = shutil.which("check-jsonschema") or str(Path(__file__).resolve().parent.parent / ".venv" / "bin" /
                                                  "check-jsonschema")
    if not Path(exe).exists():
        pytest.skip("check-jsonschema (a test extra) is not installed")
    return exe


def _check(schema: Path, *files: Path) -> dict[str, Any]:
    result = subprocess.run([_tool(), "--schemafile", str(schema), "-o", "json", *map(str, files)],
                            capture_output=True, text=True, timeout=300)
    return json.loads(result.stdout)


def test_check_jsonschema_validates_the_real_files_offline() -> None:
    folder = corpus_dir(HEAD)
    assert _check(SCHEMA / "master-config.schema.json", folder / "nvidia-master.yaml",
                  folder / "amd-master.yaml")["status"] == "ok"
    assert _check(SCHEMA / "runner-config.schema.json", folder / "runners.yaml")["status"] == "ok"


def test_check_jsonschema_validates_recorded_rows_offline(tmp_path: Path) -> None:
    files = []
    for i, row in enumerate({tuple(r): r for r in _recorded_rows()}.values()):
        files.append(tmp_path / f"row{i}.json")
        files[-1].write_text(json.dumps(row))
    assert _check(SCHEMA / "matrix-entry.schema.json", *files)["status"] == "ok"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**json.loads(files[0].read_text()), "conc": "4"}))
    assert _check(SCHEMA / "matrix-entry.schema.json", bad)["status"] == "fail"


# what sweepgen adds to standard JSON Schema: its own keywords, Python rules and strict numbers
SWEEPGEN_ONLY = {"divisible", "conc-range", "key-convention", "runner-label", "dram-hardware", "gpu-fit", "point-shape",
                 "null-transfer", "null-override", "empty-search-space", "duplicate-conc", "yaml11-boolean",
                 "duplicate-key", "unknown-format"}


def _entry_of_line(text: str) -> list[str]:
    keys, current = [], ""
    for line in text.splitlines():
        if line and not line[0].isspace() and line[0] != "#" and line.endswith(":"):
            current = line[:-1]
        keys.append(current)
    return keys


@pytest.mark.parametrize("name", ["entry.yaml", "conc.yaml", "points.yaml", "agentic.yaml", "scenarios.yaml",
                                  "valid.yaml"])
def test_check_jsonschema_agrees_with_sweepgen_on_the_standard_part(run, name: str) -> None:
    path = CASES / name
    owner = _entry_of_line(path.read_text())
    report = json.loads(run("lint", "--format", "json", "--runner-config", str(CASES / "runners" / "runners.yaml"),
                            str(path)).stdout)
    ours = {owner[p["line"] - 1] for p in report["problems"]
            if p["level"] == "error" and p["rule"] not in SWEEPGEN_ONLY and "got float" not in p["message"]}
    theirs = {re.match(r"\$\['([^']+)'\]", e["path"]).group(1)  # type: ignore[union-attr]
              for e in _check(SCHEMA / "master-config.schema.json", path)["errors"]}
    assert theirs == ours


@pytest.mark.parametrize("version,folder", [("v1", "inferencemax-17d5e204f"), ("v2", "inferencemax-93e1b3ca1")])
@pytest.mark.parametrize("kind", ["master-config", "runner-config"])
def test_check_jsonschema_validates_older_versions_offline(version: str, folder: str, kind: str) -> None:
    target = corpus_dir(folder) / ("runners.yaml" if kind == "runner-config" else "nvidia-master.yaml")
    schema = ROOT / "schema" / version / f"{kind}.schema.json"
    result = subprocess.run([_tool(), "--schemafile", str(schema), str(target)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
