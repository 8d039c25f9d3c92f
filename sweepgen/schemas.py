"""The registry of schema versions: files under schema/<version>/, resolved offline.

A version is a folder of three documents (master-config, runner-config, matrix-entry).
Adding a version means adding a folder; this module discovers it. Validators are
built once per document and cached.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

KINDS = ("master-config", "runner-config", "matrix-entry")


def schema_root() -> Path:
    """The schema folder: inside the installed package, or the repository's `schema/`."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "schema", here.parent / "schema"):
        if (candidate / "v1").is_dir():
            return candidate
    raise FileNotFoundError("sweepgen schema files are missing from this installation")


@dataclass(frozen=True)
class Version:
    name: str
    folder: Path
    detect: dict[str, Any] | None

    @property
    def number(self) -> int:
        return int(self.name[1:])

    def schema(self, kind: str) -> dict[str, Any]:
        return _documents()[(self.name, kind)]

    def schema_id(self, kind: str) -> str:
        return str(self.schema(kind)["$id"])


@cache
def _documents() -> dict[tuple[str, str], dict[str, Any]]:
    docs: dict[tuple[str, str], dict[str, Any]] = {}
    for folder in sorted(schema_root().iterdir()):
        if not re.fullmatch(r"v\d+", folder.name):
            continue
        for kind in KINDS:
            path = folder / f"{kind}.schema.json"
            if path.exists():
                docs[(folder.name, kind)] = json.loads(path.read_text(encoding="utf-8"))
    return docs


@cache
def documents_by_id() -> dict[str, dict[str, Any]]:
    """Every shipped schema document by its $id."""
    return {doc["$id"]: doc for doc in _documents().values()}


def resolve(uri: str, documents: dict[str, dict[str, Any]] | None = None) -> Any:
    """The schema node at an absolute `$id#/json/pointer` (KeyError when there is none).

    Resolved against the shipped documents (or those given) without the referencing library,
    whose import alone costs more than checking a large config.
    """
    base, _, fragment = uri.partition("#")
    node: Any = (documents if documents is not None else documents_by_id())[base]
    if fragment and not fragment.startswith("/"):
        raise KeyError(f"{uri}: only JSON-pointer references are supported")
    for part in filter(None, fragment.split("/")):
        part = unquote(part).replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


@cache
def versions() -> tuple[Version, ...]:
    """All versions, oldest first."""
    found = []
    for (name, kind), doc in _documents().items():
        if kind == "master-config":
            marker = doc.get("x-sweepgen-version", {})
            found.append(Version(name, schema_root() / name, marker.get("detect")))
    return tuple(sorted(found, key=lambda v: v.number))


def version(name: str) -> Version:
    for v in versions():
        if v.name == name:
            return v
    known = ", ".join(v.name for v in versions())
    raise KeyError(f"unknown schema version '{name}' (known: {known})")


def latest() -> Version:
    return versions()[-1]


_MODELINE = re.compile(r"#\s*yaml-language-server:\s*\$schema=\S*?/(v\d+)/master-config\.schema\.json")


def named(text: str) -> Version | None:
    """The version a file names in its editor modeline (in its first lines), if it names one."""
    found = _MODELINE.search(text[:2000])
    if found is None:
        return None
    try:
        return version(found.group(1))
    except KeyError:
        return None


def detect(data: Any) -> Version:
    """The newest version whose detection rule matches; the oldest version otherwise."""
    for v in reversed(versions()):
        if v.detect and _matches(v.detect, data):
            return v
    return versions()[0]


def _matches(rule: dict[str, Any], data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    field = rule.get("entry-has")
    if field is not None:
        return any(isinstance(e, dict) and field in e for e in data.values())
    return False


@cache
def _registry() -> Any:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = [
        (doc["$id"], Resource.from_contents(doc, default_specification=DRAFT202012))
        for doc in _documents().values()
    ]
    return Registry().with_resources(resources)


@cache
def _validator_class() -> Any:
    from jsonschema import Draft202012Validator, validators

    from .keywords import KEYWORDS

    # Real types: 8.0 is not an integer and true is not a number (JSON Schema would accept 8.0).
    checker = Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _, value: isinstance(value, int) and not isinstance(value, bool))
    return validators.extend(Draft202012Validator, KEYWORDS, type_checker=checker)


@cache
def validator(version_name: str, kind: str) -> Any:
    """A validator for one schema document, resolving $refs through the local registry."""
    schema = version(version_name).schema(kind)
    return _validator_class()(schema, registry=_registry())


def subschema_validator(version_name: str, kind: str, pointer: str) -> Any:
    """A validator for a $defs entry, e.g. ('v1', 'master-config', 'image')."""
    return _subschema_validator(version_name, kind, pointer)


@cache
def _subschema_validator(version_name: str, kind: str, pointer: str) -> Any:
    base = version(version_name).schema_id(kind)
    return _validator_class()({"$ref": f"{base}#/$defs/{pointer}"}, registry=_registry())
