"""The wheel carries every schema version, and the README's commands stay true."""

from __future__ import annotations

import re
import tomllib

from conftest import ROOT


def test_every_schema_version_is_packaged() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = set(config["tool"]["setuptools"]["packages"])
    data = config["tool"]["setuptools"]["package-data"]
    for folder in sorted((ROOT / "schema").iterdir()):
        if re.fullmatch(r"v\d+", folder.name):
            assert f"sweepgen.schema.{folder.name}" in packages, folder.name
            assert data[f"sweepgen.schema.{folder.name}"] == ["*.json"], folder.name


def test_every_python_package_is_packaged() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "sweepgen").rglob("__init__.py")}
    assert found <= packages, sorted(found - packages)


def test_readme_opens_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ['pip install . && sweepgen lint', 'pip install ".[test]" && python -m pytest']
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'pip install --quiet ".[test]" && python -m pytest' in ci
