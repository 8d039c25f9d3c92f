"""The registry of schema versions: files under schema/<version>/, resolved offline.

A version is a folder of three documents (master-config, runner-config, matrix-entry).
Adding a version means adding a folder; this module discovers it. Validators are
built once per document and cached.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .records import record

KINDS = ("master-config", "runner-config", "matrix-entry")
# the URI a schema file has inside sweepgen when it declares no $id: relative $refs between the
# files then resolve alike here and, from the files' own locations, in other tools
ID_BASE = "https://sweepgen.dev/schema/"


def schema_root() -> Path:
    """The schema folder: inside the installed package, or the repository's `schema/`."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "schema", here.parent / "schema"):
        if candidate.is_dir() and any(re.fullmatch(r"v\d+", p.name) for p in candidate.iterdir()):
            return candidate
    raise FileNotFoundError("sweepgen schema files are missing from this installation")


@record
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

    def has(self, kind: str) -> bool:
        return (self.name, kind) in _documents()


@cache
def _documents() -> dict[tuple[str, str], dict[str, Any]]:
    docs: dict[tuple[str, str], dict[str, Any]] = {}
    for folder in sorted(schema_root().iterdir()):
        if not re.fullmatch(r"v\d+", folder.name):
            continue
        for kind in KINDS:
            path = folder / f"{kind}.schema.json"
            if path.exists():
                doc = json.loads(path.read_text(encoding="utf-8"))
                # A file without $id is resolved by its own location (what editors and
                # check-jsonschema do); inside sweepgen it gets the URI it would have had.
                doc.setdefault("$id", f"{ID_BASE}{folder.name}/{kind}.schema.json")
                docs[(folder.name, kind)] = doc
    return docs


@cache
def documents_by_id() -> dict[str, dict[str, Any]]:
    """Every shipped schema document by its $id."""
    return {doc["$id"]: doc for doc in _documents().values()}


def join(base: str, ref: str) -> str:
    """A `$ref` made absolute against the URI of the schema it is in; a same-document `#...` (nearly
    every one) without urljoin, which costs more than the lookup."""
    if ref.startswith("#/"):
        return base.partition("#")[0] + ref
    from urllib.parse import urljoin

    return urljoin(base, ref)


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
        if "%" in part:
            part = unquote(part)
        if "~" in part:
            part = part.replace("~1", "/").replace("~0", "~")
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


# `# yaml-language-server: $schema=<url>` naming a sweepgen schema; the groups are the url up to
# the version, the version, and the rest (`/master-config.schema.json`, `/runner-config.schema.json`)
MODELINE = re.compile(r"#\s*yaml-language-server:\s*\$schema=(\S*?)\b(v\d+)(/(?:master|runner)-config\.schema\.json)")


def named(text: str) -> Version | None:
    """The version a file names in its editor modeline (in its first lines), if it names one."""
    found = MODELINE.search(text[:2000])
    if found is None:
        return None
    try:
        return version(found.group(2))
    except KeyError:
        return None


def detect(data: Any) -> Version:
    """The newest version whose detection rule matches; the oldest version otherwise."""
    for v in reversed(versions()):
        if v.detect and _matches(v.detect, data):
            return v
    return versions()[0]


def recognized(data: Any) -> Version | None:
    """The version of a document by its shape: the newest whose detection rule matches; as `detect`
    for anything that is no mapping of entries (its schema then says what is wrong); None for a
    mapping of entries that no version's rule matches (a file that is no master config)."""
    if not isinstance(data, dict) or not data:
        return detect(data)
    for v in reversed(versions()):
        if v.detect and _matches(v.detect, data):
            return v
    return None


def unrecognized_message() -> str:
    """What a master config that no version recognises lacks, from the versions' detection rules."""
    marks = [f"{v.detect['entry-has']} ({v.name})" for v in versions() if v.detect and "entry-has" in v.detect]
    listed = ", ".join(marks[:-1]) + (f" or {marks[-1]}" if len(marks) > 1 else "".join(marks))
    return (f"no sweepgen format version describes this file: no entry has {listed}; "
            f"if it is a master config, name its version with --schema-version or a schema modeline")


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


def definition(name: str) -> tuple[str, dict[str, Any]]:
    """(version, schema) of the newest master-config `$defs/<name>` (a grammar such as `image`),
    for what is checked outside any one document (a command-line value)."""
    for v in reversed(versions()):
        found = v.schema("master-config").get("$defs", {}).get(name)
        if isinstance(found, dict):
            return v.name, found
    raise KeyError(f"no schema version defines '{name}'")


def subschema_validator(version_name: str, kind: str, pointer: str) -> Any:
    """A validator for a $defs entry, e.g. ('v1', 'master-config', 'image')."""
    return _subschema_validator(version_name, kind, pointer)


@cache
def _subschema_validator(version_name: str, kind: str, pointer: str) -> Any:
    base = version(version_name).schema_id(kind)
    return _validator_class()({"$ref": f"{base}#/$defs/{pointer}"}, registry=_registry())


@cache
def entry_fields(version_name: str) -> tuple[str, ...]:
    """The fields an entry of the version's master config may have, in the schema's order of
    declaration (the root's `additionalProperties`, through `$ref`, `allOf`, `if`/`then`/`else`,
    `oneOf` and `anyOf`)."""
    root = version(version_name).schema("master-config")
    names: list[str] = []
    todo: list[tuple[Any, str]] = [(root.get("additionalProperties"), root["$id"])]
    seen: set[int] = set()
    while todo:
        node, base = todo.pop(0)
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        names.extend(node.get("properties", {}))
        if isinstance(node.get("$ref"), str):
            uri = join(base, node["$ref"])
            try:
                todo.append((resolve(uri), uri.partition("#")[0]))
            except (KeyError, IndexError, ValueError):
                pass
        for keyword in ("allOf", "oneOf", "anyOf"):
            todo.extend((sub, base) for sub in node.get(keyword, []))
        todo.extend((node[k], base) for k in ("then", "else") if k in node)
    return tuple(dict.fromkeys(names))


def expected_at(uri: str) -> str | None:
    """The human description (`x-sweepgen-expected`) of the value a schema location wants, found
    there or through its `$ref`s."""
    seen = 0
    while seen < 16:
        try:
            node = resolve(uri)
        except (KeyError, IndexError, ValueError):
            return None
        if not isinstance(node, dict):
            return None
        if isinstance(node.get("x-sweepgen-expected"), str):
            return str(node["x-sweepgen-expected"])
        if not isinstance(node.get("$ref"), str):
            return None
        uri = join(uri, node["$ref"])
        seen += 1
    return None
