"""benchmark-tmpl.yml on real jobs: the entry reaches the launcher whole, single-node or
multinode, of every schema version, and every job's artifact name is unique.

The jobs are the real corpus's: the v2 jobs `sweepgen full-sweep` prints for the last v2-era
configs (inferencemax-2d0d4283d: single-node and multinode), and the v3 rows of the current
generator's recorded outputs (inferencex-843c6254f/expected/*.json: pp, dcp-size, pcp-size,
routers, KV offloading, agentic rows without isl/osl). Each row is passed as its caller passes
it (`toJSON(matrix.config)`), the template's `env:` is evaluated as Actions evaluates it, and
its "Name the results" step runs in bash.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, corpus_dir
from test_gh_expressions import env_text, render, to_json
from test_workflows import WORKFLOWS, consumers, load

TEMPLATE = load(WORKFLOWS / "benchmark-tmpl.yml")
JOB = TEMPLATE["jobs"]["benchmark"]
NAME_STEP = next(s for s in JOB["steps"] if s.get("id") == "result")
ARTIFACT = re.compile(r"[A-Za-z0-9._-]{1,200}")  # upload-artifact forbids " : < > | * ? \ / CR LF


def contexts(row: dict[str, Any]) -> dict[str, Any]:
    return {"inputs": {"config": to_json(row)}, "github": {"workspace": "/runner/work/repo/repo"}}


def job_env(row: dict[str, Any], only: frozenset[str] | None = None) -> dict[str, str]:
    """The job's environment for one entry, as the launcher sees it (or just the variables named)."""
    given = contexts(row)
    return {name: env_text(value, given) for name, value in JOB["env"].items() if only is None or name in only}


# The variables the "Name the results" step reads.
NAME_VARS = frozenset(re.findall(r"\$\{?([A-Z_]+)", NAME_STEP["run"])) - {"GITHUB_OUTPUT"}


@cache
def v2_jobs() -> tuple[dict[str, Any], ...]:
    """full-sweep of the last v2-era configs, with a runner config that also declares the two
    labels their own lacks (real drift, which lint rightly reports)."""
    import sys
    import tempfile

    folder = corpus_dir("inferencemax-2d0d4283d")
    with tempfile.TemporaryDirectory() as scratch:
        runners = Path(scratch) / "runners.yaml"
        runners.write_text((folder / "runners.yaml").read_text(encoding="utf-8")
                           + "b200-dsv4:\n- b200-dsv4_0\ngb300-nv:\n- gb300-nv_0\n", encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "sweepgen", "full-sweep", "--config-files",
                               str(folder / "nvidia-master.yaml"), str(folder / "amd-master.yaml"),
                               "--runner-config", str(runners)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return tuple(json.loads(done.stdout))


@cache
def v3_outputs() -> dict[str, tuple[dict[str, Any], ...]]:
    folder = corpus_dir("inferencex-843c6254f") / "expected"
    return {p.name: tuple(json.loads(p.read_text())) for p in sorted(folder.glob("*.json")) if p.name != "manifest.json"}


def all_outputs() -> dict[str, tuple[dict[str, Any], ...]]:
    return {"v2 full-sweep": v2_jobs(), **v3_outputs()}


# --------------------------------------------------------------------------- the interface

def test_the_template_takes_the_entry_whole() -> None:
    assert TEMPLATE["on"]["workflow_call"]["inputs"] == {"config": {
        "description": "One matrix entry as JSON (toJSON(matrix.config)), single-node or multinode.",
        "required": True, "type": "string"}}
    assert JOB["runs-on"] == "${{ fromJSON(inputs.config).runner }}"
    for name, job_id, job, _, _ in consumers():
        assert job["uses"] == "./.github/workflows/benchmark-tmpl.yml", f"{name} {job_id}"
        assert job["with"] == {"config": "${{ toJSON(matrix.config) }}"}, f"{name} {job_id}"


def schema_fields() -> set[str]:
    """The top-level fields of every version's matrix entries, single-node and multinode."""
    fields: set[str] = set()
    for path in (ROOT / "schema").glob("v*/matrix-entry.schema.json"):
        doc = json.loads(path.read_text())
        for part in [doc, *doc.get("$defs", {}).values()]:
            fields |= set(part.get("properties", {}))
    return fields


def test_every_field_of_every_entry_reaches_the_launcher() -> None:
    """Each field of the schemas' entries and of the real v2 and v3 rows is read by a variable of
    its own; the worker blocks also arrive whole as PREFILL_CONFIG / DECODE_CONFIG."""
    read = " ".join(str(v) for v in JOB["env"].values())
    fields = schema_fields() | {key for rows in all_outputs().values() for row in rows for key in row}
    missing = sorted(f for f in fields
                     if f"fromJSON(inputs.config).{f} " not in read + " " and f"fromJSON(inputs.config).{f} }}" not in read
                     and f"fromJSON(inputs.config).{f} &&" not in read and f"fromJSON(inputs.config).{f} ||" not in read)
    assert missing == []
    workers = {key for rows in all_outputs().values() for row in rows for part in ("prefill", "decode")
               for key in row.get(part, {})}
    named = {m for m in re.findall(r"fromJSON\(inputs\.config\)\.prefill\.([\w-]+)", read)}
    assert named == {"num-worker", "tp", "pp", "dcp-size", "pcp-size", "ep", "dp-attn"}
    assert workers - named == {"additional-settings"}  # and the rest: in PREFILL_CONFIG / DECODE_CONFIG


def test_a_v1_single_node_job(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    row = {"image": "lmsysorg/sglang:v0.5.4", "model": "deepseek-ai/DeepSeek-R1-0528", "precision": "fp8",
           "framework": "sglang", "runner": "b200", "isl": 1024, "osl": 1024, "tp": 8, "conc": 4,
           "max-model-len": 2248, "ep": 1, "dp-attn": False, "exp-name": "dsr1_1k1k"}
    env = job_env(row)
    assert {k: env[k] for k in ("IMAGE", "RUNNER_TYPE", "TP", "EP_SIZE", "DP_ATTENTION", "CONC", "ISL", "MAX_MODEL_LEN",
                                "SPEC_DECODING", "DISAGG", "IS_MULTINODE", "SCENARIO_TYPE", "PREFILL_TP", "ROUTER",
                                "MODEL_PREFIX", "RESULT_DIR")} == {
        "IMAGE": "lmsysorg/sglang:v0.5.4", "RUNNER_TYPE": "b200", "TP": "8", "EP_SIZE": "1", "DP_ATTENTION": "false",
        "CONC": "4", "ISL": "1024", "MAX_MODEL_LEN": "2248", "SPEC_DECODING": "none", "DISAGG": "false",
        "IS_MULTINODE": "false", "SCENARIO_TYPE": "fixed-seq-len", "PREFILL_TP": "", "ROUTER": "", "MODEL_PREFIX": "",
        "RESULT_DIR": "/runner/work/repo/repo/results"}
    assert json.loads(env["SWEEPGEN_CONFIG"]) == row
    assert render(JOB["runs-on"], contexts(row)) == "b200"
    assert render(JOB["timeout-minutes"], contexts(row)) == 180
    assert " ".join(render(JOB["name"], contexts(row)).split()) == "dsr1_1k1k b200 sglang fp8 tp=8 ep=1 dpa=false conc=4"


def first(rows: tuple[dict[str, Any], ...], **where: Any) -> dict[str, Any]:
    return next(r for r in rows if all((k in r) == v if isinstance(v, bool) else r.get(k) == v for k, v in where.items()))


def test_a_v2_multinode_job() -> None:
    row = first(v2_jobs(), prefill=True)
    env = job_env(row)
    assert env["IS_MULTINODE"] == "true" and env["TP"] == "" and env["DP_ATTENTION"] == ""
    assert env["CONC"] == " ".join(str(c) for c in row["conc"])
    assert env["PREFILL_NUM_WORKERS"] == str(row["prefill"]["num-worker"])
    assert env["DECODE_TP"] == str(row["decode"]["tp"])
    assert json.loads(env["PREFILL_CONFIG"]) == row["prefill"] and json.loads(env["DECODE_CONFIG"]) == row["decode"]
    assert env["DISAGG"] == str(row["disagg"]).lower() and env["SPEC_DECODING"] == row["spec-decoding"]
    assert render(JOB["timeout-minutes"], contexts(row)) == 480
    name = " ".join(render(JOB["name"], contexts(row)).split())
    assert name.endswith(f"P{row['prefill']['num-worker']}x{row['prefill']['tp']} D{row['decode']['num-worker']}x"
                         f"{row['decode']['tp']} conc={','.join(str(c) for c in row['conc'])}")


def test_v3_rows_agentic_and_fixed() -> None:
    rows = v3_outputs()["full-sweep.json"]
    agentic = first(rows, **{"scenario-type": "agentic-coding", "kv-offload-backend": True})
    env = job_env(agentic)
    assert (env["SCENARIO_TYPE"], env["ISL"], env["MAX_MODEL_LEN"]) == ("agentic-coding", "", "")
    assert (env["DURATION"], env["KV_OFFLOADING"]) == (str(agentic["duration"]), agentic["kv-offloading"])
    assert json.loads(env["KV_OFFLOAD_BACKEND"]) == agentic["kv-offload-backend"]
    assert env["TOTAL_CPU_DRAM_GB"] == str(agentic["total-cpu-dram-gb"])
    routed = first(rows, router=True, prefill=True, **{"kv-p2p-transfer": True})
    env = job_env(routed)
    assert json.loads(env["ROUTER"]) == routed["router"] and env["KV_P2P_TRANSFER"] == routed["kv-p2p-transfer"]
    assert env["PREFILL_PP_SIZE"] == str(routed["prefill"]["pp"])
    single = next(r for r in rows if "pp" in r and r["run-eval"] is True)
    env = job_env(single)
    assert (env["PP_SIZE"], env["DCP_SIZE"], env["PCP_SIZE"], env["RUN_EVAL"]) == (
        str(single["pp"]), str(single["dcp-size"]), str(single["pcp-size"]), "true")
    evals = first(v3_outputs()["full-sweep-all-evals-qwen.json"], **{"eval-only": True, "eval-conc": True})
    env = job_env(evals)
    assert (env["EVAL_ONLY"], env["EVAL_CONC"]) == ("true", str(evals["eval-conc"]))


# --------------------------------------------------------------------------- artifact names

def model_name(env: dict[str, str], config: str) -> str:
    """What the "Name the results" step prints, in Python (checked against bash below)."""
    import hashlib

    digest = hashlib.sha256(config.encode()).hexdigest()[:12]
    if env["IS_MULTINODE"] == "true":
        shape = (f"p{env['PREFILL_NUM_WORKERS']}x{env['PREFILL_TP']}ep{env['PREFILL_EP']}"
                 f"_d{env['DECODE_NUM_WORKERS']}x{env['DECODE_TP']}ep{env['DECODE_EP']}")
    else:
        shape = f"tp{env['TP']}ep{env['EP_SIZE']}" + ("dpa" if env["DP_ATTENTION"] == "true" else "")
    if env["SPEC_DECODING"] != "none":
        shape += f"_{env['SPEC_DECODING']}"
    name = f"{env['EXP_NAME']}_{env['PRECISION']}_{env['FRAMEWORK']}_{env['RUNNER_TYPE']}_{shape}_conc{env['CONC'].replace(' ', 'x')}"
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:160] + "_" + digest


def bash_names(rows: list[dict[str, Any]], tmp_path: Path) -> list[str]:
    """The step's own script, run by bash once per row with the job's environment."""
    script = ["set -euo pipefail"]
    for i, row in enumerate(rows):
        env = {**job_env(row), "GITHUB_OUTPUT": str(tmp_path / f"out{i}")}
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        script.append(f"( export {exports}\n{NAME_STEP['run']}\n)")
    (tmp_path / "driver.sh").write_text("\n".join(script) + "\n")
    done = subprocess.run(["bash", str(tmp_path / "driver.sh")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    names = []
    for i in range(len(rows)):
        (line,) = (tmp_path / f"out{i}").read_text().splitlines()
        names.append(line.removeprefix("name="))
    return names


def sample(rows: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    """Every shape of row the outputs hold, and some more: the first row of each key set and of
    each (runner, framework) pair, and every 40th row."""
    seen: set[Any] = set()
    out = []
    for i, row in enumerate(rows):
        marks = [("keys", tuple(row)), ("where", row["runner"], row["framework"])]
        if any(m not in seen for m in marks) or i % 40 == 0:
            seen.update(marks)
            out.append(row)
    return out


@pytest.mark.parametrize("output", ["v2 full-sweep", "full-sweep.json", "full-sweep-node-filter.json",
                                    "full-sweep-all-evals-qwen.json", "test-config-evals.json"])
def test_bash_names_the_results_as_modelled(output: str, tmp_path: Path) -> None:
    rows = sample(all_outputs()[output])
    assert len(rows) >= 10
    assert bash_names(rows, tmp_path) == [model_name(job_env(r), to_json(r)) for r in rows]


def test_every_artifact_name_is_legal_and_unique_in_its_run() -> None:
    """Within one output (one run's jobs) two different jobs never share a name; over all the
    outputs together neither, so the name tells apart every field that tells two jobs apart
    (the v2 config's spec-decoding variants, v3's pp/dcp/pcp, routers, offloading, evals)."""
    everything: dict[str, str] = {}
    for output, rows in all_outputs().items():
        names: dict[str, str] = {}
        for row in rows:
            config = to_json(row)
            name = model_name(job_env(row, NAME_VARS), config)
            assert ARTIFACT.fullmatch(name), name
            assert names.setdefault(name, config) == config, f"{output}: two jobs named {name}"
            assert everything.setdefault(name, config) == config, f"two jobs named {name}"
    assert len(everything) == len({json.dumps(r, sort_keys=True) for rows in all_outputs().values() for r in rows})


def test_the_readable_part_already_tells_most_jobs_apart() -> None:
    """The digest settles what the readable part leaves: here the v2 config's spec-decoding
    variants, which the old name (no spec-decoding) gave 676 of 1,818 single-node jobs in common."""
    rows = [r for r in v2_jobs() if "prefill" not in r]
    old = Counter(f"{r['exp-name']}_{r['precision']}_{r['framework']}_tp{r['tp']}_ep{r['ep']}_dpa_{r['dp-attn']}"
                  f"_conc{r['conc']}_{r['runner']}" for r in rows)
    assert (len(rows), sum(n for n in old.values() if n > 1)) == (1818, 676)
    new = Counter(model_name(job_env(r, NAME_VARS), to_json(r)).rsplit("_", 1)[0] for r in rows)
    assert sum(n for n in new.values() if n > 1) < 676


def test_identical_rows_are_one_job_twice() -> None:
    """The real v3 output repeats a few rows exactly (agentic points listed twice); such a pair
    is the same job twice and gets the same name, so its second upload fails loudly instead of
    a result being silently overwritten."""
    rows = v3_outputs()["full-sweep.json"]
    repeated = [r for r, n in Counter(json.dumps(r, sort_keys=True) for r in rows).items() if n > 1]
    assert len(repeated) == 5
    assert all(json.loads(r)["scenario-type"] == "agentic-coding" for r in repeated)
