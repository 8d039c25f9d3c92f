"""Lint's reports as the tools around it read them: SARIF 2.1.0 validated against the SARIF schema,
annotations and SARIF paths relative to the repository root wherever lint runs, a step summary
that renders as the text it holds (checked with a real markdown renderer), standard input,
colour on terminals only."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT

MASTER = (ROOT / "configs" / "nvidia-master.yaml").read_text()
RUNNERS = (ROOT / "configs" / "runners.yaml").read_text()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose configs have two errors and a key-convention warning; cwd is configs/."""
    (tmp_path / ".git").mkdir()
    configs = tmp_path / "configs"
    configs.mkdir()
    first_key = re.search(r"^([^\s#][^:]*):", MASTER, re.MULTILINE)
    assert first_key is not None
    # the key's model-prefix part disagrees with the entry's: the message names the convention
    precision = re.search(r"^\s+precision: (\S+)", MASTER, re.MULTILINE)
    assert precision is not None
    broken = MASTER.replace("tp: 8", "tp: 0", 1).replace(first_key.group(0), f"<b>bold</b>-{precision.group(1)}-x:", 1)
    (configs / "nvidia-master.yaml").write_text(broken)
    (configs / "runners.yaml").write_text(RUNNERS)
    monkeypatch.chdir(configs)
    for name in ("GITHUB_WORKSPACE", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA", "NO_COLOR",
                 "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    from sweepgen import reporters

    reporters.repository_root.cache_clear()
    yield tmp_path
    reporters.repository_root.cache_clear()


def _sarif_schema() -> dict[str, Any]:
    """The SARIF 2.1.0 schema, from the npm package Microsoft's SARIF matchers ship it in (cached)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sweepgen-tests" / "sarif-schema"
    target = cache / "sarif-2.1.0-rtm.5.json"
    if not target.exists():
        if shutil.which("npm") is None:
            pytest.skip("npm is not installed: the SARIF schema cannot be fetched")
        cache.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["npm", "pack", "--silent", "@microsoft/jest-sarif@1.0.0-beta.0"], cwd=cache,
                              capture_output=True, text=True, timeout=300)
        packed = cache / "microsoft-jest-sarif-1.0.0-beta.0.tgz"
        if done.returncode != 0 or not packed.exists():
            pytest.skip(f"npm could not fetch the SARIF schema: {(done.stderr.strip() or 'no message')[-200:]}")
        with tarfile.open(packed) as archive:
            member = archive.extractfile("package/lib/schemas/sarif-2.1.0-rtm.5.json")
            assert member is not None
            target.write_bytes(member.read())
    schema: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
    return schema


def test_sarif_is_valid_sarif_with_one_result_per_problem(run, repo: Path) -> None:
    import jsonschema

    from sweepgen.lint import registry

    report = json.loads(run("lint", "--format", "json").stdout)["problems"]
    result = run("lint", "--format", "sarif")
    assert result.exit_code == 1 and result.stderr == ""
    log = json.loads(result.stdout)
    schema = _sarif_schema()
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    assert log["version"] == "2.1.0"
    (one_run,) = log["runs"]
    rules = one_run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in registry.rules()]
    assert all(r["shortDescription"]["text"] and r["defaultConfiguration"]["level"] in ("error", "warning", "note")
               for r in rules)
    results = one_run["results"]
    assert len(results) == len(report) > 1
    for got, problem in zip(results, report):
        assert got["ruleId"] == problem["rule"] and rules[got["ruleIndex"]]["id"] == problem["rule"]
        assert got["level"] == problem["level"] and got["message"]["text"] == problem["message"]
        location = got["locations"][0]["physicalLocation"]
        # lint ran in configs/: the path is still the repository's
        assert location["artifactLocation"] == {"uri": "configs/nvidia-master.yaml", "uriBaseId": "%SRCROOT%"}
        assert location["region"] == {"startLine": problem["line"], "startColumn": problem["column"]}
    assert one_run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.as_uri() + "/"


def test_annotations_name_files_from_the_repository_root(run, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = run("lint", "--format", "text").stdout
    assert text.startswith("nvidia-master.yaml:")  # for a person: relative to where lint ran
    annotations = run("lint", "--format", "github").stdout.splitlines()
    assert annotations and all(",file=" not in a and "file=configs/nvidia-master.yaml," in a for a in annotations)
    # $GITHUB_WORKSPACE is the root when set, wherever the checkout's .git is
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo / "configs"))
    from sweepgen import reporters

    reporters.repository_root.cache_clear()
    assert all("file=nvidia-master.yaml," in a for a in run("lint", "--format", "github").stdout.splitlines())


def test_the_step_summary_renders_the_text_it_holds(run, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py is a test extra")
    summary = repo / "summary.md"
    (repo / "configs" / "runners.yaml").unlink()  # for a note: no runner config found
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "org/suite")
    monkeypatch.setenv("GITHUB_SHA", "0123abc")
    run("lint", "--format", "github")
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(summary.read_text())
    assert "<b>bold</b>" not in rendered and "&lt;b&gt;bold&lt;/b&gt;-fp" in rendered
    assert "&lt;model-prefix&gt;-&lt;precision&gt;-" in rendered  # the key-convention message, whole
    assert rendered.count("<tr>") == 1 + len(json.loads(run("lint", "--format", "json").stdout)["problems"])
    assert '<a href="https://github.com/org/suite/blob/0123abc/configs/nvidia-master.yaml#L' in rendered
    notes = rendered.split("<blockquote>")[1:]
    assert len(notes) >= 1 and all(n.count("<p>") == 1 for n in notes)  # each note its own paragraph


def test_a_master_config_from_standard_input(run, repo: Path) -> None:
    clean = MASTER
    result = run("lint", "-", input=clean)
    assert result.exit_code == 0, result.stdout
    assert "<stdin> (master-config" in result.stderr and "configs/runners.yaml" not in result.stderr
    broken = clean.replace("tp: 8", "tp: 0", 1)
    result = run("lint", "-", "--stdin-filename", "nvidia-master.yaml", "--format", "json", input=broken)
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert {p["path"] for p in report["problems"]} == {"nvidia-master.yaml"}
    assert report["summary"]["runner_config"] == "runners.yaml"  # found beside the name given
    assert run("lint", "--stdin-filename", "x.yaml").exit_code == 2
    assert run("lint", "-", "-", input=clean).exit_code == 2


def test_colour_on_terminals_only(run, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = run("lint").stdout
    assert "\x1b[" not in plain  # piped (click's runner is no terminal)
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = run("lint").stdout
    assert "\x1b[31m" in coloured or "\x1b[1m\x1b[31m" in coloured or "\x1b[" in coloured
    assert coloured.count("\n") == plain.count("\n")
    monkeypatch.setenv("NO_COLOR", "1")
    assert run("lint").stdout == plain
