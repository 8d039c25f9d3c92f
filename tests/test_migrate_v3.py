"""`sweepgen migrate --to v3`: each entry's seq-len-configs under `scenarios` as `fixed-seq-len`,
re-indented as a person would, a flat runners.yaml under `labels:`; what v3 cannot hold refused at
its own lines; the real last v2-era configs migrated byte-exactly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import corpus_dir

V2 = """\
# yaml-language-server: $schema=../schema/v2/master-config.schema.json
dsr1-fp8-b200-sglang:
    image: lmsysorg/sglang:v0.5.3
    model: deepseek-ai/DeepSeek-R1-0528
    model-prefix: dsr1
    runner: b200
    precision: fp8
    framework: sglang
    multinode: false
    seq-len-configs:   # the sweep
    - isl: 1024
      osl: 1024
      search-space:
      # the widest point first

      - { tp: 8, conc-start: 4, conc-end: 64 }
      - tp: 4
        conc-list: [1, 2]
    # a comment of the next field, at its indentation
    disagg: false

dsr1-fp4-gb200-dynamo-trt:
    image: nvcr.io#nvidia/ai-dynamo/tensorrtllm-runtime:0.5.1
    model: deepseek-r1-fp4
    model-prefix: dsr1
    runner: gb200
    precision: fp4
    framework: dynamo-trt
    multinode: true
    seq-len-configs: [{isl: 8192, osl: 1024,
        search-space: [{conc-list: [4], prefill: {num-worker: 1, tp: 4, ep: 4, dp-attn: false},
                        decode: {num-worker: 1, tp: 8, ep: 8, dp-attn: false}}]}]
"""

V3 = """\
# yaml-language-server: $schema=../schema/v3/master-config.schema.json
dsr1-fp8-b200-sglang:
    image: lmsysorg/sglang:v0.5.3
    model: deepseek-ai/DeepSeek-R1-0528
    model-prefix: dsr1
    runner: b200
    precision: fp8
    framework: sglang
    multinode: false
    scenarios:
        fixed-seq-len:   # the sweep
        - isl: 1024
          osl: 1024
          search-space:
          # the widest point first

          - { tp: 8, conc-start: 4, conc-end: 64 }
          - tp: 4
            conc-list: [1, 2]
    # a comment of the next field, at its indentation
    disagg: false

dsr1-fp4-gb200-dynamo-trt:
    image: nvcr.io#nvidia/ai-dynamo/tensorrtllm-runtime:0.5.1
    model: deepseek-r1-fp4
    model-prefix: dsr1
    runner: gb200
    precision: fp4
    framework: dynamo-trt
    multinode: true
    scenarios:
        fixed-seq-len: [{isl: 8192, osl: 1024,
            search-space: [{conc-list: [4], prefill: {num-worker: 1, tp: 4, ep: 4, dp-attn: false},
                            decode: {num-worker: 1, tp: 8, ep: 8, dp-attn: false}}]}]
"""

FLAT_RUNNERS = "# runner types\nb200:\n- b200-nv_0\ngb200:\n  - gb200-nv_0\n"
NESTED_RUNNERS = "# runner types\nlabels:\n  b200:\n  - b200-nv_0\n  gb200:\n    - gb200-nv_0\n"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "runners.yaml").write_text(FLAT_RUNNERS)
    return tmp_path


def test_v2_to_v3_exact_bytes_then_clean_then_nothing_to_do(run, here: Path) -> None:
    (here / "m.yaml").write_text(V2)
    dry = run("migrate", "--to", "v3", "--config-files", "m.yaml", "runners.yaml", "--dry-run")
    assert dry.exit_code == 0
    assert (here / "m.yaml").read_text() == V2 and (here / "runners.yaml").read_text() == FLAT_RUNNERS
    assert "+    scenarios:\n+        fixed-seq-len:   # the sweep\n" in dry.stdout
    result = run("migrate", "--to", "v3", "--config-files", "m.yaml", "runners.yaml")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("m.yaml: v2 -> v3: moved `seq-len-configs` under `scenarios` as `fixed-seq-len` "
                             "in 2 entries\n"
                             "runners.yaml: v2 -> v3: put the document under `labels`\n")
    assert (here / "m.yaml").read_text() == V3
    assert (here / "runners.yaml").read_text() == NESTED_RUNNERS
    report = json.loads(run("lint", "--format", "json", "m.yaml", "runners.yaml").stdout)
    assert [p for p in report["problems"] if p["level"] == "error"] == []
    assert {f["version"] for f in report["summary"]["files"]} == {"v3"}
    again = run("migrate", "--to", "v3", "--config-files", "m.yaml", "runners.yaml")
    assert again.stdout == "m.yaml: already v3; nothing to do\nrunners.yaml: already v3; nothing to do\n"


def test_from_v1_in_one_run(run, here: Path) -> None:
    v1 = re.sub(r"    multinode: false\n", "", V2.split("\ndsr1-fp4-gb200")[0] + "\n").replace("schema/v2/", "schema/v1/")
    v1 = v1.replace("      - tp: 4\n        conc-list: [1, 2]\n", "").replace("    disagg: false\n", "")
    (here / "m.yaml").write_text(v1)
    result = run("migrate", "--to", "v3", "--config-files", "m.yaml")
    assert result.stdout == ("m.yaml: v1 -> v3: added `multinode: false` to 1 entry, moved `seq-len-configs` under "
                             "`scenarios` as `fixed-seq-len` in 1 entry\n")
    text = (here / "m.yaml").read_text()
    assert "    framework: sglang\n    multinode: false\n    scenarios:\n        fixed-seq-len:   # the sweep\n" in text
    assert text.startswith("# yaml-language-server: $schema=../schema/v3/master-config.schema.json\n")


def test_what_v3_cannot_hold_is_refused_at_its_line(run, here: Path) -> None:
    # a single-node disagg: true is a warning in v2, an error in v3; a disaggregated multinode entry
    # needs kv-p2p-transfer in v3
    broken = V2.replace("    disagg: false\n", "    disagg: true\n").replace(
        "    multinode: true\n", "    multinode: true\n    disagg: true\n")
    (here / "m.yaml").write_text(broken)
    result = run("migrate", "--to", "v3", "--config-files", "m.yaml")
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[-1] == ("sweepgen: error: m.yaml would not lint clean as v3 after the migration (2 errors above, "
                         "at the lines of the file as it is now); fix them and run again; nothing was written")
    where = [tuple(line.split(":")[1:3]) for line in lines[:-1]]
    assert where == [("20", "13"), ("30", "13")]  # both disagg values, in the file as it is
    assert (here / "m.yaml").read_text() == broken


def test_real_last_v2_configs_migrate_byte_exactly(run, here: Path) -> None:
    from sweepgen.yamlsource import load_path

    folder = corpus_dir("inferencemax-2d0d4283d")
    names = ["nvidia-master.yaml", "amd-master.yaml"]
    for name in names + ["runners.yaml"]:
        text = (folder / name).read_text()
        # v3 needs a KV transfer for disaggregated entries: a maintainer adds it first
        (here / name).write_text(text.replace("\n  disagg: true\n", "\n  disagg: true\n  kv-p2p-transfer: nixl\n"))
    before = {name: (here / name).read_text() for name in names}
    result = run("migrate", "--to", "v3", "--config-files", *names, "runners.yaml")
    assert result.exit_code == 0, result.stderr[-2000:]
    for name in names:
        old, new = before[name].split("\n"), (here / name).read_text().split("\n")
        assert len(new) == len(old) + sum(1 for line in old if line == "  seq-len-configs:")
        # every line is the old one, or the old one indented by two spaces, or the new key line
        old_iter = iter(old)
        for line in new:
            if line == "    fixed-seq-len:":
                continue
            original = next(old_iter)
            assert line in (original, "  " + original, "  scenarios:") and (
                line != "  scenarios:" or original == "  seq-len-configs:")
        data_old, data_new = load_path(folder / name).data, load_path(here / name).data
        assert list(data_new) == list(data_old)
        for key, entry in data_new.items():
            assert entry["scenarios"]["fixed-seq-len"] == data_old[key]["seq-len-configs"]
    report = json.loads(run("lint", "--format", "json", *names, "runners.yaml").stdout)
    assert [p for p in report["problems"] if p["level"] == "error"] == []
