"""The format registry and its seams: generic code never names a version or a version's fields;
every rule is registered once; every row shape of every format takes the fast row check."""

from __future__ import annotations

import io
import json
import re
import tokenize
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT

PACKAGE = ROOT / "sweepgen"
# what only a format may know: version names and the fields of one version
FORBIDDEN = re.compile(r"seq_len_configs|seq-len-configs|prefill|scenarios|fixed-seq-len|agentic|\"v[0-9]+\"|'v[0-9]+'")


def _code_without_comments(path: Path) -> list[tuple[int, str]]:
    """(line, text) of the code tokens, docstrings and comments left out."""
    out = []
    previous = tokenize.INDENT
    for token in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        if token.type == tokenize.COMMENT:
            continue
        if token.type == tokenize.STRING and previous in (tokenize.INDENT, tokenize.NEWLINE, tokenize.DEDENT,
                                                          tokenize.NL):
            previous = token.type
            continue  # a docstring (a string statement)
        if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            out.append((token.start[0], token.string))
        previous = token.type
    return out


def test_generic_code_names_no_version_and_no_version_field() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "formats" in path.relative_to(PACKAGE).parts:
            continue
        for line, text in _code_without_comments(path):
            if FORBIDDEN.search(text):
                found.append(f"{path.relative_to(ROOT)}:{line}: {text}")
    assert found == []


def test_versions_are_found_through_the_registry() -> None:
    from sweepgen import formats, schemas

    assert formats.names() == tuple(v.name for v in schemas.versions())[:len(formats.names())]
    for name in formats.names():
        fmt = formats.get(name)
        assert fmt.name == name and fmt.options and "full-sweep" in fmt.commands()
    with pytest.raises(KeyError):
        formats.get("v0")


# ---------------------------------------------------------------- rules

def test_list_rules_as_text_and_json(run) -> None:
    from sweepgen.lint import registry

    text = run("lint", "--list-rules")
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [r.id for r in registry.rules()]
    assert lines[0].split()[:2] == ["alias", "error"]
    listed = json.loads(run("lint", "--list-rules", "--format", "json").stdout)
    assert all(set(item) == {"id", "level", "description", "formats"} for item in listed)
    ids = [item["id"] for item in listed]
    assert ids == sorted(set(ids))
    readme_23 = {"type", "missing-field", "unknown-key", "empty-list", "minimum", "image", "seq-len", "power-of-two",
                 "conc-range", "unknown-runner", "key-convention", "yaml11-boolean", "duplicate-key", "syntax",
                 "encoding", "empty", "anchor", "alias", "multiple-documents", "too-deep", "file-too-large", "tag",
                 "key-type"}
    assert readme_23 <= set(ids)
    levels = {item["id"]: item["level"] for item in listed}
    assert levels["key-convention"] == levels["yaml11-boolean"] == "warning" and levels["syntax"] == "error"
    assert all(item["formats"] for item in listed)
    assert run("lint", "--list-rules", "configs").exit_code == 2


def test_every_rule_the_engine_and_schemas_can_report_is_registered() -> None:
    from sweepgen import keywords, validation
    from sweepgen.lint import registry

    known = {r.id for r in registry.rules()}
    assert set(validation._RULES.values()) <= known
    custom = {name.removeprefix("x-sweepgen-") for name in keywords.KEYWORDS} - {
        name.removeprefix("x-sweepgen-") for name in registry._ANNOTATIONS}
    mentioned = registry._schema_mentions()
    assert set(mentioned) <= known, set(mentioned) - known
    # a keyword's own name is its rule id unless every use of it names another
    assert {c for c in custom if c in mentioned} <= known
    source = (PACKAGE / "yamlsource.py").read_text()
    loader = set(re.findall(r'(?:add|Problem)\([^)]*?"([a-z][a-z0-9-]+)",\s*(?:f?")', source))
    assert loader and loader <= known, loader - known


def test_every_rule_reported_on_the_test_and_corpus_files_is_registered(run) -> None:
    from sweepgen.lint import registry

    known = {r.id for r in registry.rules()}
    folders = [ROOT / "tests" / "lint_cases", ROOT / "tests" / "v2_cases", ROOT / "configs"]
    folders += [p for p in CORPUS.glob("*") if p.is_dir() and (p / "runners.yaml").is_file()] if CORPUS.is_dir() else []
    reported = set()
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            report = json.loads(run("lint", "--format", "json", str(path)).stdout)
            reported.update(p["rule"] for p in report["problems"])
    assert reported and reported <= known, reported - known


def test_the_readme_rule_table_is_the_registry() -> None:
    from sweepgen.lint import registry

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert registry.markdown() in readme


# ---------------------------------------------------------------- the fast row check covers every row shape

SEED_COMMANDS = {
    "inferencemax-17d5e204f": [
        ["full-sweep"], ["full-sweep", "--test-mode"],
        ["test-config", "--key", "dsr1-fp8-mi300x-sglang"], ["test-config", "--key", "dsr1-fp8-mi300x-sglang", "--test-mode"],
        ["runner-model-sweep", "--runner-type", "mi300x"],
        ["runner-sweep", "--runner-type", "mi300x", "--model-prefix", "dsr1"],
        ["custom", "--runner-label", "mi300x", "--image", "rocm/x:1", "--model", "m/x", "--framework", "sglang",
         "--precision", "fp8", "--exp-name", "x"]],
    "inferencemax-93e1b3ca1": [["full-sweep"], ["full-sweep", "--test-mode"]],
}


@pytest.mark.parametrize("folder", sorted(SEED_COMMANDS))
def test_every_row_shape_takes_the_fast_check(run, monkeypatch: pytest.MonkeyPatch, folder: str) -> None:
    from conftest import corpus_dir
    from sweepgen.rowcheck import checker

    monkeypatch.chdir(corpus_dir(folder))
    masters = sorted(p.name for p in Path(".").glob("*master*.yaml"))
    shapes: dict[str, set[tuple[str, ...]]] = {}
    for args in SEED_COMMANDS[folder]:
        result = run(*args[:1], "--config-files", *masters, "--runner-config", "runners.yaml", *args[1:])
        assert result.exit_code == 0, result.stderr
        rows = json.loads(result.stdout)
        assert rows
        version = json.loads(run("lint", "--format", "json", *masters).stdout)["summary"]["files"][0]["version"]
        shapes.setdefault(version, set()).update(tuple(r) for r in rows)
    for version, keys in shapes.items():
        uncovered = [k for k in keys if not checker(version).covers(k)]
        assert uncovered == []
