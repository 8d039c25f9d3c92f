"""The compiled fast check never accepts what jsonschema rejects (and agrees on valid files)."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest

from conftest import CORPUS, ROOT
from sweepgen import fastcheck, schemas
from sweepgen.keywords import REFERENCE_SETS
from sweepgen import formats
from sweepgen.yamlsource import load_path

# values a mutation may put anywhere: wrong types, edge numbers, near-miss strings
ODD_VALUES: list[Any] = [True, False, None, 0, -1, 3, 8.0, 2.5, "4", "", "yes", [], {}, [1], {"x": 1},
                         1024, 8192, 1 << 20, "bad image", "lmsysorg/sglang:v1", "nvcr.io#n/x:1", "b200",
                         "dram", "none", "cluster:x", "image:x", "nixl", "a\n", {"name": "x"}, {"name": "x", "version": "1"},
                         [4, 4], {"num-worker": 1, "tp": 6, "ep": 1, "dp-attn": False, "hardware": "gb"}]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, prefix + (k,)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_paths(v, prefix + (i,)))
    return out


def _mutate(data: Any, rng: random.Random) -> Any:
    doc = copy.deepcopy(data)
    paths = [p for p in _paths(doc) if p]
    path = rng.choice(paths)
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    action = rng.random()
    if action < 0.6:
        parent[last] = rng.choice(ODD_VALUES)
    elif action < 0.75 and isinstance(parent, dict):
        del parent[last]
    elif action < 0.9 and isinstance(parent, dict):
        parent[rng.choice(["extra", "conc-list", "multinode", "ep", "dp-attn", "spec-decoding", "conc-start", "tp",
                           "dcp-size", "router", "kv-p2p-transfer", "kv-offloading", "kv-offload-backend", "disagg",
                           "prefill", "hardware", "dram-utilization", "fixed-seq-len", "agentic-coding"])] = \
            rng.choice(ODD_VALUES)
    elif isinstance(parent, list):
        parent.append(copy.deepcopy(parent[0]) if parent else 1)
    else:
        parent[last] = copy.deepcopy(parent[last])
    return doc


def _sources() -> list[tuple[Path, Path | None]]:
    found = [(p, ROOT / "configs" / "runners.yaml") for p in sorted((ROOT / "configs").glob("*-master.yaml"))]
    for folder in sorted([*CORPUS.glob("inferencemax-*"), *CORPUS.glob("inferencex-*")]) if CORPUS.is_dir() else []:
        for p in sorted(folder.glob("*-master.yaml")):
            found.append((p, folder / "runners.yaml"))
    return found


@pytest.mark.parametrize("path,runners", _sources(), ids=lambda p: str(p)[-40:] if p else "")
def test_same_verdict_as_jsonschema(path: Path, runners: Path) -> None:
    doc = load_path(path)
    version = schemas.detect(doc.data)
    if fastcheck.checker(version.name, "master-config") is None:
        pytest.skip(f"{version.name} master schema is not compilable")
    sets = formats.get(version.name).reference_sets(load_path(runners).data, str(runners))
    validator = schemas.validator(version.name, "master-config")
    rng = random.Random(str(path))
    token = REFERENCE_SETS.set(sets)
    try:
        assert fastcheck.accepts(version.name, "master-config", doc.data) == validator.is_valid(doc.data)
        entries = list(doc.data.items())
        for _ in range(150):
            # mutate one entry at a time: cheap, and every mutation lands somewhere
            key, entry = rng.choice(entries)
            sample = {key: _mutate(entry, rng)} if isinstance(entry, dict) and entry else {key: entry}
            assert fastcheck.accepts(version.name, "master-config", sample) == validator.is_valid(sample), sample
    finally:
        REFERENCE_SETS.reset(token)


def test_every_shipped_schema_compiles() -> None:
    for v in schemas.versions():
        for kind in schemas.KINDS:
            try:
                v.schema(kind)
            except KeyError:
                continue
            assert fastcheck.checker(v.name, kind) is not None, (v.name, kind)


def test_unknown_keyword_makes_schema_uncompilable() -> None:
    compiler = fastcheck._Compiler(schemas.documents_by_id(), {})
    with pytest.raises(fastcheck.Unsupported):
        compiler.compile({"type": "object", "patternProperties": {"^a": {}}, "additionalProperties": False}, "")
    with pytest.raises(fastcheck.Unsupported):
        compiler.compile({"x-sweepgen-unknown": 1}, "")
