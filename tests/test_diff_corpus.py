"""`sweepgen diff` on real configs committed as consecutive revisions: its result must be the
difference of the two full expansions, computed independently, and an image bump must show
exactly the bumped entries."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conftest import corpus_dir
from test_diff import commit, git
from test_diff import repo as repo  # noqa: F401 (a fixture)
from test_expand_cli import ok

SEED = "inferencemax-17d5e204f"
MASTERS = ("nvidia-master.yaml", "amd-master.yaml")


def canonical(entry: dict[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True)


def bump_edits(case: str) -> list[dict[str, str]]:
    edits: list[dict[str, str]] = json.loads((corpus_dir("bumps") / case / "edits.json").read_text())["edits"]
    return edits


def replace_configs(root: Path, files: dict[str, Path]) -> None:
    """configs/ holds exactly these files (name -> source)."""
    shutil.rmtree(root / "configs")
    (root / "configs").mkdir()
    for name, source in files.items():
        shutil.copyfile(source, root / "configs" / name)


def full_sweep(run, monkeypatch: pytest.MonkeyPatch, folder: Path, *filters: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """full-sweep run on a plain copy of a revision's configs, outside any repository."""
    names = [p.name for p in sorted(folder.iterdir()) if p.name != "runners.yaml"]
    runner = ["--runner-config", "runners.yaml"] if (folder / "runners.yaml").exists() else []
    with monkeypatch.context() as here:
        here.chdir(folder)
        result = run("full-sweep", "--config-files", *names, *runner, *filters)
    if result.exit_code != 0 and "does not support schema version" in result.stderr:
        pytest.skip(result.stderr.strip())
    entries: list[dict[str, Any]] = json.loads(ok(result))
    return entries


def snapshot(root: Path, rev: str, into: Path) -> Path:
    """The configs/ files of a revision, written to a plain folder."""
    into.mkdir()
    for name in git(root, "ls-tree", "--name-only", rev, "configs/").split():
        (into / Path(name).name).write_text(git(root, "show", f"{rev}:{name}"))
    return into


def check_difference(run, monkeypatch: pytest.MonkeyPatch, root: Path, tmp_path: Path) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """diff HEAD~1 -> HEAD equals the multiset difference of the two revisions' full sweeps."""
    before = Counter(map(canonical, full_sweep(run, monkeypatch, snapshot(root, "HEAD~1", tmp_path / "before"))))
    after = Counter(map(canonical, full_sweep(run, monkeypatch, snapshot(root, "HEAD", tmp_path / "after"))))
    out: dict[str, Any] = json.loads(ok(run("diff", "--base", "HEAD~1", "--head", "HEAD")))
    assert Counter(map(canonical, out["added"])) == after - before
    assert Counter(map(canonical, out["removed"])) == before - after
    assert out["unchanged"] == sum((before & after).values())
    return out


def check_bump(run, monkeypatch: pytest.MonkeyPatch, root: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
               edits: list[dict[str, str]]) -> None:
    out = check_difference(run, monkeypatch, root, tmp_path)
    keys = sorted({e["key"] for e in edits})
    assert out["changed_keys"] == keys
    # exactly the bumped entries' jobs: all of them, each once, with only the image changed
    after = full_sweep(run, monkeypatch, tmp_path / "after", "--model-prefix", *keys)
    before = full_sweep(run, monkeypatch, tmp_path / "before", "--model-prefix", *keys)
    assert Counter(map(canonical, out["added"])) == Counter(map(canonical, after))
    assert Counter(map(canonical, out["removed"])) == Counter(map(canonical, before))
    new = {e["new"] for e in edits}
    assert {job["image"] for job in out["added"]} == new
    assert [{**job, "image": ""} for job in out["added"]] == [{**job, "image": ""} for job in out["removed"]]


@pytest.mark.parametrize("case", ["7103d6608c-nvidia", "0fe9dccffb-amd"])
def test_a_real_bump_applied_to_the_seed_configs(run, repo, tmp_path, monkeypatch, case) -> None:
    seed = corpus_dir(SEED)
    replace_configs(repo, {name: seed / name for name in (*MASTERS, "runners.yaml")})
    commit(repo, "seed configs")
    edits = bump_edits(case)
    for edit in edits:
        ok(run("bump-image", "--key", edit["key"], "--to", edit["new"]))
    commit(repo, f"bump from {case}")
    check_bump(run, monkeypatch, repo, tmp_path, edits)


@pytest.mark.parametrize("case", ["7103d6608c-nvidia", "0fe9dccffb-amd", "332fec529f-amd"])
def test_a_real_bump_commit(run, repo, tmp_path, monkeypatch, case) -> None:
    folder = corpus_dir("bumps") / case
    name = Path(json.loads((folder / "edits.json").read_text())["path"]).name
    runners = corpus_dir(SEED) / "runners.yaml"
    replace_configs(repo, {name: folder / "before.yaml", "runners.yaml": runners})
    commit(repo, "before")
    replace_configs(repo, {name: folder / "after.yaml", "runners.yaml": runners})
    commit(repo, "after")
    check_bump(run, monkeypatch, repo, tmp_path, bump_edits(case))


def test_consecutive_revisions_of_the_v2_configs(run, repo, tmp_path, monkeypatch) -> None:
    """The first and the last day of the v2 format (without runners.yaml: the later one names
    runner labels its own runners.yaml lacks, real drift that lint reports)."""
    first, last = corpus_dir("inferencemax-93e1b3ca1"), corpus_dir("inferencemax-2d0d4283d")
    replace_configs(repo, {name: first / name for name in MASTERS})
    commit(repo, "2025-12-05")
    replace_configs(repo, {name: last / name for name in MASTERS})
    commit(repo, "2026-05-01")
    out = check_difference(run, monkeypatch, repo, tmp_path)
    assert out["added"] and out["removed"] and out["unchanged"]


def test_the_seed_configs_against_themselves(run, repo, tmp_path, monkeypatch) -> None:
    seed = corpus_dir(SEED)
    replace_configs(repo, {name: seed / name for name in (*MASTERS, "runners.yaml")})
    commit(repo, "seed configs")
    out = json.loads(ok(run("diff", "--base", "HEAD")))
    assert out == {"added": [], "removed": [], "changed_keys": [], "unchanged": 554}
