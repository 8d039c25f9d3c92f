"""The pre-commit hook other repositories use: `.pre-commit-hooks.yaml`.

The hook lints the whole config set (`sweepgen lint` without file names: the repository's
configs/ or .github/configs/) whenever one of its files is staged, so a change to one file that
breaks another fails the commit. Checked with the real pre-commit, installed as a user installs
this hook (a `repo:` and `rev:` in `.pre-commit-config.yaml`), on real partial commits.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from test_workflows import fetched_tools, tool

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())


def test_the_sweepgen_lint_hook() -> None:
    (hook,) = HOOKS
    assert {k: hook[k] for k in ("id", "entry", "language", "pass_filenames", "require_serial")} == {
        "id": "sweepgen-lint", "entry": "sweepgen lint", "language": "python", "pass_filenames": False,
        "require_serial": True}


@pytest.mark.parametrize("path, matched", [
    ("configs/nvidia-master.yaml", True),
    ("configs/runners.yaml", True),
    ("configs/runners.yml", True),
    ("configs/qwen.yaml", True),  # every YAML file of the folder is part of the set lint reads
    (".github/configs/master.yaml", True),
    (".github/workflows/master.yml", False),
    (".github/workflows/sweep-1k1k.yml", False),
    (".github/master.yml", False),
    ("configs/runners.yaml.bak", False),
    ("configs/old/nvidia-master.yaml", False),  # lint does not read subfolders
    ("amd-master.yml", False),
    ("myconfigs/runners.yaml", False),
    (".pre-commit-hooks.yaml", False),
    ("README.md", False),
])
def test_the_hook_runs_for_the_files_of_the_config_set(path: str, matched: bool) -> None:
    # pre-commit matches `files` with re.search on the repository-relative path.
    assert bool(re.search(HOOKS[0]["files"], path)) is matched


def test_the_pattern_matches_what_lint_reads(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """In a repository with configs in both places and workflows beside them, the files the
    pattern matches in the folder lint picks are exactly the files lint reads."""
    (tmp_path / ".git").mkdir()
    files = {"configs/nvidia-master.yaml": MASTER_NVIDIA, "configs/amd-master.yaml": MASTER_AMD,
             "configs/runners.yaml": RUNNERS, ".github/workflows/master.yml": WORKFLOW,
             "configs/notes/master.yaml": "x: 1\n"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    program, *args = HOOKS[0]["entry"].split()
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    read = {f["path"] for f in json.loads(result.stdout)["summary"]["files"]}
    assert read == {name for name in files if re.search(HOOKS[0]["files"], name)}


# --------------------------------------------------------------------------- the real pre-commit

MASTER_NVIDIA = textwrap.dedent("""\
    dsr1-fp8-b200-sglang:
      image: lmsysorg/sglang:v0.5.4-cu129-b200
      model: deepseek-ai/DeepSeek-R1-0528
      model-prefix: dsr1
      runner: b200
      precision: fp8
      framework: sglang
      seq-len-configs:
      - isl: 1024
        osl: 1024
        search-space:
        - { tp: 8, conc-start: 4, conc-end: 64 }
    """)
MASTER_AMD = textwrap.dedent("""\
    dsr1-fp8-mi300x-sglang:
      image: rocm/sgl-dev:v0.5.4-rocm700-mi30x-20251020
      model: deepseek-ai/DeepSeek-R1-0528
      model-prefix: dsr1
      runner: mi300x
      precision: fp8
      framework: sglang
      seq-len-configs:
      - isl: 1024
        osl: 1024
        search-space:
        - { tp: 8, conc-start: 4, conc-end: 64 }
    """)
RUNNERS = "b200:\n- b200-dc_0\nmi300x:\n- mi300x-dc_0\n"
# A workflow whose name says `master`: not a config, so not linted as one.
WORKFLOW = "name: master\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"
HOOK_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "sweepgen", "schema")
FIXED_DATE = "2000-01-01T00:00:00+00:00"


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=check)


def hook_repository(cache: Path) -> tuple[Path, str]:
    """This project as a hook repository at a fixed commit: the same sources give the same
    commit (fixed dates), so pre-commit's environment for it is made once and then reused."""
    sources = sorted(p for name in HOOK_FILES for p in ([ROOT / name] if (ROOT / name).is_file()
                                                          else (ROOT / name).rglob("*"))
                     if p.is_file() and "__pycache__" not in p.parts)
    digest = hashlib.sha256(b"".join(str(p.relative_to(ROOT)).encode() + b"\0" + p.read_bytes()
                                     for p in sources)).hexdigest()[:12]
    repo = cache / f"hook-{digest}"
    for old in cache.glob("hook-*"):
        if old != repo:
            shutil.rmtree(old, ignore_errors=True)
    if not (repo / ".git").is_dir():
        shutil.rmtree(repo, ignore_errors=True)
        for p in sources:
            target = repo / p.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, target)
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "sweepgen")
    return repo, git(repo, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture
def consumer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Another repository with configs/ and the hook installed as its README says, all committed."""
    pre_commit = tool("pre-commit")
    bin_dir = fetched_tools()
    cache = (bin_dir.parent.parent if isinstance(bin_dir, Path) else tmp_path)
    for name, value in {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t",
                        "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_AUTHOR_DATE": FIXED_DATE,
                        "GIT_COMMITTER_DATE": FIXED_DATE, "PRE_COMMIT_HOME": str(cache / "pre-commit"),
                        "PRE_COMMIT_COLOR": "never"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)  # lint's auto format: plain text
    # the hook's environment is made by pre-commit with pip, from this interpreter's index settings
    repo, rev = hook_repository(cache)

    work = tmp_path / "consumer"
    (work / "configs").mkdir(parents=True)
    (work / "configs" / "nvidia-master.yaml").write_text(MASTER_NVIDIA)
    (work / "configs" / "amd-master.yaml").write_text(MASTER_AMD)
    (work / "configs" / "runners.yaml").write_text(RUNNERS)
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: sweepgen-lint\n")
    git(work, "init", "-q", "-b", "main")
    done = subprocess.run([pre_commit, "install", "--install-hooks"], cwd=work, capture_output=True, text=True,
                          timeout=900)
    if done.returncode != 0:
        pytest.skip(f"pre-commit cannot make the hook's environment: {(done.stdout + done.stderr).strip()[-300:]}")
    os.environ["PATH"] = f"{Path(pre_commit).parent}{os.pathsep}{os.environ['PATH']}"
    git(work, "add", "-A")
    first = git(work, "commit", "-q", "-m", "configs", check=False)
    assert first.returncode == 0, first.stdout + first.stderr
    return work


def commit(work: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    """Stage only these paths, then `git commit` (which runs the installed pre-commit hook);
    the hook's report, which git passes on to stderr, is in `stdout` too."""
    git(work, "add", "--", *paths)
    done = git(work, "commit", "-m", "change", check=False)
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout + done.stderr, "")


def test_removing_a_runner_type_fails_the_commit_for_the_file_that_uses_it(consumer: Path) -> None:
    runners = consumer / "configs" / "runners.yaml"
    runners.write_text(runners.read_text().replace("b200:\n- b200-dc_0\n", ""))
    done = commit(consumer, "configs/runners.yaml")
    assert done.returncode == 1
    assert ("configs/nvidia-master.yaml:5:11: error: 'b200' is not a runner type or runner node in "
            "configs/runners.yaml [unknown-runner]") in done.stdout
    assert git(consumer, "rev-list", "--count", "HEAD").stdout.strip() == "1"


def test_repeating_an_entry_key_of_another_file_fails_the_commit(consumer: Path) -> None:
    amd = consumer / "configs" / "amd-master.yaml"
    amd.write_text(amd.read_text() + "\n" + MASTER_NVIDIA)
    done = commit(consumer, "configs/amd-master.yaml")
    assert done.returncode == 1
    assert "entry 'dsr1-fp8-b200-sglang' is already defined in configs/amd-master.yaml at line 14 [duplicate-key]" \
        in done.stdout


def test_a_partial_commit_is_linted_as_it_will_be_committed(consumer: Path) -> None:
    """An unstaged error in another file is not part of the commit: pre-commit stashes it, the
    set is linted as staged, and the unstaged change is back afterwards."""
    nvidia = consumer / "configs" / "nvidia-master.yaml"
    broken = nvidia.read_text().replace("conc-end: 64", "conc-end: 48")
    nvidia.write_text(broken)
    amd = consumer / "configs" / "amd-master.yaml"
    amd.write_text(amd.read_text().replace("conc-end: 64", "conc-end: 128"))
    done = commit(consumer, "configs/amd-master.yaml")
    assert done.returncode == 0, done.stdout
    assert re.search(r"^sweepgen lint\.+Passed$", done.stdout, re.M), done.stdout
    assert nvidia.read_text() == broken
    assert git(consumer, "status", "--porcelain").stdout == " M configs/nvidia-master.yaml\n"
    # and once staged, the same change fails
    done = commit(consumer, "configs/nvidia-master.yaml")
    assert done.returncode == 1 and "[power-of-two]" in done.stdout


def test_a_workflow_named_master_is_not_linted(consumer: Path) -> None:
    workflow = consumer / ".github" / "workflows" / "master.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(WORKFLOW)
    done = commit(consumer, ".github/workflows/master.yml")
    assert done.returncode == 0, done.stdout
    assert re.search(r"^sweepgen lint\.+\(no files to check\)Skipped$", done.stdout, re.M), done.stdout
