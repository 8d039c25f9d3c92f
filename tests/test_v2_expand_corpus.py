"""v2 expansion on the real configs: the public generator's recorded outputs, byte for byte, and the
last v2-era configs (about 9,700 lines) expanded whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import corpus_dir
from test_expand_cli import ok
from test_expand_corpus import check_reproduced, recorded_cases

FIRST = "inferencemax-93e1b3ca1"
LAST = "inferencemax-2d0d4283d"
SINGLE_KEYS = ["image", "model", "model-prefix", "precision", "framework", "runner", "isl", "osl", "tp", "conc",
               "max-model-len", "ep", "dp-attn", "spec-decoding", "exp-name", "disagg"]
MULTI_KEYS = ["image", "model", "model-prefix", "precision", "framework", "runner", "isl", "osl", "spec-decoding",
              "prefill", "decode", "conc", "max-model-len", "exp-name", "disagg"]


@pytest.mark.parametrize("case", recorded_cases(FIRST), ids=lambda c: str(c["name"]))
def test_public_generator_output_reproduced(run, monkeypatch: pytest.MonkeyPatch, case: dict[str, object]) -> None:
    check_reproduced(run, monkeypatch, FIRST, case)


def test_manifest_lists_four_outputs() -> None:
    folder = corpus_dir(FIRST)
    assert len(json.loads((folder / "expected" / "manifest.json").read_text(encoding="utf-8"))) == 4


def test_both_kinds_are_the_single_node_then_the_multinode_output(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(corpus_dir(FIRST))
    files = ("--config-files", "nvidia-master.yaml", "amd-master.yaml", "--runner-config", "runners.yaml")
    both = ok(run("full-sweep", *files))
    single = (Path("expected") / "full-sweep-single-node.json").read_text(encoding="utf-8")
    multi = (Path("expected") / "full-sweep-multi-node.json").read_text(encoding="utf-8")
    assert both == single[:-2] + ", " + multi[1:]


@pytest.fixture
def last_era(tmp_path: Path) -> tuple[str, ...]:
    """The last v2 configs, with a runner config that also declares the two labels its own lacks."""
    folder = corpus_dir(LAST)
    runners = tmp_path / "runners.yaml"
    runners.write_text((folder / "runners.yaml").read_text(encoding="utf-8")
                       + "b200-dsv4:\n- b200-dsv4_0\ngb300-nv:\n- gb300-nv_0\n", encoding="utf-8")
    return ("--config-files", str(folder / "nvidia-master.yaml"), str(folder / "amd-master.yaml"),
            "--runner-config", str(runners))


def _points(folder: Path) -> tuple[int, int]:
    """(single-node jobs at step 2, multinode search points), counted from the raw YAML."""
    single = multi = 0
    for name in ("nvidia-master.yaml", "amd-master.yaml"):
        for entry in yaml.safe_load((folder / name).read_text(encoding="utf-8")).values():
            for block in entry["seq-len-configs"]:
                for point in block["search-space"]:
                    if entry["multinode"]:
                        multi += 1
                    elif "conc-list" in point:
                        single += len(point["conc-list"])
                    else:
                        conc, end = point["conc-start"], point["conc-end"]
                        while conc < end:
                            single, conc = single + 1, conc * 2
                        single += 1
    return single, multi


def test_the_last_v2_configs_expand_whole(run, last_era: tuple[str, ...]) -> None:
    from sweepgen import schemas

    entries: list[dict[str, Any]] = json.loads(ok(run("full-sweep", *last_era)))
    single, multi = _points(corpus_dir(LAST))
    assert (sum("prefill" not in e for e in entries), sum("prefill" in e for e in entries)) == (single, multi)
    kinds = ["prefill" in e for e in entries]
    assert kinds == sorted(kinds)  # single-node jobs first
    assert all(list(e) == (MULTI_KEYS if "prefill" in e else SINGLE_KEYS) for e in entries)
    # the fast per-property check agrees with the full validator on every entry
    validator = schemas.validator("v2", "matrix-entry")
    assert [i for i, e in enumerate(entries) if not validator.is_valid(e)] == []
    assert ok(run("full-sweep", *last_era, "--single-node")) + ok(run("full-sweep", *last_era, "--multi-node")) \
        == json.dumps(entries[:single]) + "\n" + json.dumps(entries[single:]) + "\n"
