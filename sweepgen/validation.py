"""Schema validation of a loaded document, turned into positioned problems.

Generic over keywords: where a problem points (the key for an unknown key, the
value for a bad value, the enclosing key for a missing field), its rule id and its
message are derived from the failing keyword and the schema's own annotations
(`x-sweepgen-rule`, `x-sweepgen-expected`), never from field names.
"""

from __future__ import annotations

import difflib
from functools import cache
from typing import Any, Iterable
from urllib.parse import urljoin

from . import schemas
from .problems import Problem
from .yamlsource import ALIAS, MAP, SEQ, YAML11_BOOLS, Document, Node

_RULES = {
    "type": "type",
    "required": "missing-field",
    "additionalProperties": "unknown-key",
    "unevaluatedProperties": "unknown-key",
    "propertyNames": "key-name",
    "minItems": "empty-list",
    "minProperties": "empty-mapping",
    "minimum": "minimum",
    "exclusiveMinimum": "minimum",
    "maximum": "maximum",
    "exclusiveMaximum": "maximum",
    "pattern": "pattern",
    "format": "format",
    "enum": "enum",
    "const": "enum",
    "uniqueItems": "duplicate-item",
    "minLength": "empty-string",
    "oneOf": "one-of",
    "anyOf": "any-of",
    "not": "not",
    "dependentRequired": "missing-field",
}

_TYPE_NAMES = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "boolean": "a boolean (true or false)",
    "object": "a mapping",
    "array": "a list",
    "null": "null",
}


def describe(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return f"boolean {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"float {value!r}"
    if isinstance(value, str):
        return f"string '{value}'" if len(value) <= 60 else f"string '{value[:57]}...'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def validate(doc: Document, version_name: str, kind: str) -> list[Problem]:
    validator = schemas.validator(version_name, kind)
    out: list[Problem] = []
    seen: set[tuple[int, int, str, str]] = set()
    for error in validator.iter_errors(doc.data):
        for problem in _problems(doc, error, validator):
            key = (problem.line, problem.column, problem.rule, problem.message)
            if key not in seen:
                seen.add(key)
                out.append(problem)
    return out


def _presence_fields(schema: Any) -> list[str] | None:
    """The field names a schema tests for presence, or None when it tests anything else.

    A `oneOf` (or `anyOf`) of such branches is a choice between sets of fields (a range or
    a list), which deserves a message about the choice rather than about one branch. A
    branch may also say what its fields must hold to count as given (`properties`: a
    non-empty list, not null).
    """
    if not isinstance(schema, dict):
        return None
    names: list[str] = []
    for keyword, value in schema.items():
        if keyword == "required" and isinstance(value, list):
            names.extend(value)
        elif keyword in ("anyOf", "allOf", "oneOf") and isinstance(value, list):
            for branch in value:
                inner = _presence_fields(branch)
                if inner is None:
                    return None
                names.extend(inner)
        elif keyword == "properties" and isinstance(value, dict):
            continue
        elif keyword not in ("description", "title", "$comment") and not keyword.startswith("x-sweepgen-"):
            return None
    return list(dict.fromkeys(names))


def _given(value: Any) -> str:
    if value == [] and isinstance(value, list):
        return "an empty list"
    if value == {} and isinstance(value, dict):
        return "an empty mapping"
    return describe(value)


def _choice(doc: Document, error: Any, validator: Any, rule: str | None, level: str) -> list[Problem] | None:
    """Problems for a failed oneOf whose branches only test which fields are present."""
    branches = [_presence_fields(b) for b in error.validator_value]
    instance = error.instance
    if not isinstance(instance, dict) or any(b is None for b in branches):
        return None
    path = list(error.absolute_path)
    where = _where(path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    expected = schema.get("x-sweepgen-expected") or " or ".join(
        " and ".join(f"'{n}'" for n in names or []) for names in branches)
    matched = [names for names, branch in zip(branches, error.validator_value)
               if validator.evolve(schema=branch).is_valid(instance)]
    if not matched:
        key_node, value_node = doc.node_at(path)
        anchor = key_node if key_node is not None else value_node
        # the alternative the document went furthest with says what is missing (or not given enough)
        tried = max(((sum(n in instance for n in names or []), i) for i, names in enumerate(branches)),
                    default=(0, 0))
        names = branches[tried[1]] or []
        if tried[0] == 0:
            what = "missing required field"
        elif tried[0] < len(names):
            what = "missing required field " + " and ".join(f"'{n}'" for n in names if n not in instance)
        else:
            what = " and ".join(f"'{n}' is {_given(instance[n])}" for n in names)
        return [_at(doc, anchor, path, rule or "missing-field", level, f"{what}{where}: expected {expected}")]
    if error.validator == "anyOf":
        return None
    # Several alternatives given: point at the one written last, name the one written first.
    given = sorted(min((_start(doc, path + [n]), n) for n in names or [] if n in instance)
                   for names in matched if any(n in instance for n in names or []))
    if len(given) < 2:
        return None
    (_, earlier), (_, later) = given[0], given[-1]
    key_node, _ = doc.node_at(path + [later])
    return [_at(doc, key_node, path + [later], rule or "conflicting-fields", level,
                f"'{later}' conflicts with '{earlier}'{where}: expected {expected}")]


def _start(doc: Document, path: list[Any]) -> int:
    key_node, value_node = doc.node_at(path)
    node = key_node if key_node is not None else value_node
    return node.start if node is not None else 0


def _declared_properties(schema: dict[str, Any]) -> list[str]:
    """Property names a closed schema declares, itself and through `$ref` / `allOf`.

    Conditional keywords (if, anyOf, oneOf) are left out: what they declare is allowed
    only when they match, and then jsonschema has not reported the key.
    """
    names: list[str] = []
    todo = [schema]
    seen: set[int] = set()
    while todo:
        current = todo.pop()
        if not isinstance(current, dict) or id(current) in seen:
            continue
        seen.add(id(current))
        names.extend(current.get("properties", {}))
        if isinstance(current.get("$ref"), str):
            target = _resolve_ref(current["$ref"], _base_of(current))
            if target is not None:
                todo.append(target)
        todo.extend(current.get("allOf", []))
    return list(dict.fromkeys(names))


def _leaf(error: Any) -> Any:
    """For oneOf/anyOf, the most relevant error inside; the error itself otherwise."""
    from jsonschema.exceptions import best_match

    while error.context:
        inner = best_match(error.context)
        if inner is None:
            break
        error = inner
    return error


def _problems(doc: Document, error: Any, validator: Any) -> Iterable[Problem]:
    own = error.schema if isinstance(error.schema, dict) else {}
    if "x-sweepgen-message" in own:
        # the schema says in its own words what this subschema's failure means
        path = list(error.absolute_path)
        if _through_alias(doc, path):
            return
        key_node, value_node = doc.node_at(path)
        rule = own.get("x-sweepgen-rule") or _RULES.get(error.validator) or str(error.validator)
        yield _at(doc, value_node or key_node, path, rule, own.get("x-sweepgen-level", "error"),
                  str(own["x-sweepgen-message"]).replace("{where}", _where(_owner(path))))
        return
    if error.validator in ("oneOf", "anyOf"):
        choice = _choice(doc, error, validator, own.get("x-sweepgen-rule"), own.get("x-sweepgen-level", "error"))
        if choice is not None:
            yield from choice
            return
    if error.validator in ("oneOf", "anyOf") and error.context:
        error = _leaf(error)
    path = list(error.absolute_path)
    if _through_alias(doc, path):
        return
    keyword = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    spec = error.validator_value
    rule = schema.get("x-sweepgen-rule") or (spec.get("rule") if isinstance(spec, dict) else None) \
        or _RULES.get(keyword) or keyword.removeprefix("x-sweepgen-")
    level = schema.get("x-sweepgen-level") or (spec.get("level", "error") if isinstance(spec, dict) else "error")
    where = _where(path)

    if keyword in ("additionalProperties", "unevaluatedProperties") and spec is False:
        declared = schema.get("properties", {}) if keyword == "additionalProperties" else _declared_properties(schema)
        allowed = sorted(declared)
        described = schema.get("x-sweepgen-expected")
        instance = error.instance if isinstance(error.instance, dict) else {}
        for extra in instance:
            if extra in declared:
                continue
            key_node, _ = doc.node_at(path + [extra])
            hint = difflib.get_close_matches(str(extra), allowed, n=1)
            if hint:
                suggestion = f"; did you mean '{hint[0]}'?"
            elif described:
                suggestion = f"; expected {described}"
            else:
                suggestion = f"; expected one of: {', '.join(allowed)}" if allowed else ""
            msg = f"unknown key '{extra}'{where}{suggestion}"
            yield _at(doc, key_node, path + [extra], rule, level, msg)
        return

    if keyword == "required" or keyword == "dependentRequired":
        instance = error.instance if isinstance(error.instance, dict) else {}
        names = spec if isinstance(spec, list) else [n for v in spec.values() for n in v]
        for name in names:
            if name not in instance:
                key_node, value_node = doc.node_at(path)
                anchor = key_node if key_node is not None else value_node
                yield _at(doc, anchor, path, rule, level, f"missing required field '{name}'{where}")
        return

    if keyword == "propertyNames":
        key_node, _ = doc.node_at(path + [error.instance])
        expected = _expected(error)
        yield _at(doc, key_node, path + [error.instance], rule, level,
                  f"key '{error.instance}'{where} is not {expected}")
        return
    if "propertyNames" in error.absolute_schema_path and isinstance(error.instance, str):
        # a keyword inside propertyNames (a pattern under its allOf): the instance is a mapping key,
        # whose path is its mapping's
        key_node, _ = doc.node_at(path + [error.instance])
        expected = schema.get("x-sweepgen-expected") or _expected(error)
        yield _at(doc, key_node, path + [error.instance], rule, level,
                  f"key '{error.instance}'{where} is not {expected}")
        return

    key_node, value_node = doc.node_at(path)
    position = getattr(error, "sweepgen_position", None) or (spec.get("position") if isinstance(spec, dict) else None)
    node = key_node if position == "key" and key_node else value_node
    yield _at(doc, node, path, rule, level, _message(error, keyword, spec, path, value_node))


def _owner(path: list[Any]) -> list[Any]:
    """The path of what a message is about: the mapping that holds a field, or a list's item itself."""
    return path[:-1] if path and isinstance(path[-1], str) else path


def _through_alias(doc: Document, path: list[Any]) -> bool:
    node = doc.root
    for step in path:
        if node is None or node.kind == ALIAS:
            return node is not None
        if node.kind == MAP:
            found = node.item(step) if isinstance(step, str) else None
            node = found[1] if found is not None else None
        elif node.kind == SEQ and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            return False
    return node is not None and node.kind == ALIAS


def _where(path: list[Any]) -> str:
    if not path:
        return ""
    return f" in {format_path(path)}"


def format_path(path: list[Any]) -> str:
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        elif out:
            out += f".{step}"
        else:
            out = str(step)
    return out


def _expected(error: Any) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    for candidate in (schema, schema.get("propertyNames", {})):
        if isinstance(candidate, dict) and "x-sweepgen-expected" in candidate:
            return str(candidate["x-sweepgen-expected"])
        ref = candidate.get("$ref") if isinstance(candidate, dict) else None
        if ref:
            target = _resolve_ref(ref, _base_of(candidate))
            if target and "x-sweepgen-expected" in target:
                return str(target["x-sweepgen-expected"])
    return "valid"


@cache
def _bases() -> dict[int, str]:
    """id() of every object inside a shipped schema document -> that document's $id.

    A `$ref` such as `#/$defs/worker` is relative to the document it is written in, and a
    jsonschema error carries the subschema but not its document; the documents are loaded
    once and never change, so identity finds it.
    """
    out: dict[int, str] = {}
    for doc in schemas._documents().values():
        base = str(doc.get("$id", ""))
        todo: list[Any] = [doc]
        while todo:
            node = todo.pop()
            if isinstance(node, dict):
                out[id(node)] = base
                todo.extend(node.values())
            elif isinstance(node, list):
                todo.extend(node)
    return out


def _base_of(schema: dict[str, Any]) -> str:
    return _bases().get(id(schema), "")


def _resolve_ref(ref: str, base: str = "") -> dict[str, Any] | None:
    """The subschema a `$ref` names, relative to the document with $id `base`."""
    uri, _, pointer = urljoin(base, ref).partition("#")
    for doc in schemas._documents().values():
        if doc.get("$id") == uri:
            node: Any = doc
            for part in pointer.strip("/").split("/") if pointer else []:
                node = node.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(node, dict) else {}
            return node if isinstance(node, dict) else None
    return None


def _message(error: Any, keyword: str, spec: Any, path: list[Any], node: Node | None) -> str:
    field = path[-1] if path and isinstance(path[-1], str) else None
    subject = f"'{field}'" if field else ("this value" if path else "the document")
    if len(path) >= 2 and isinstance(path[-1], int) and isinstance(path[-2], str):
        subject = f"'{path[-2]}[{path[-1]}]'"  # an item of a named list
    instance = error.instance
    if keyword == "type":
        types = spec if isinstance(spec, list) else [spec]
        expected = " or ".join(_TYPE_NAMES.get(t, str(t)) for t in types)
        msg = f"{subject} must be {expected}, got {describe(instance)}"
        if "boolean" in types and isinstance(instance, str) and instance in YAML11_BOOLS:
            msg += f" ('{instance}' is a string in YAML 1.2; write true or false)"
        elif "integer" in types and isinstance(instance, float) and instance.is_integer():
            msg += f" (write {int(instance)})"
        if not path:
            msg = f"the file must be a mapping of entries, got {describe(instance)}"
        return msg
    if keyword in ("minimum", "exclusiveMinimum"):
        bound = spec if keyword == "minimum" else f"greater than {spec}"
        return f"{subject} must be at least {bound}, got {instance}" if keyword == "minimum" \
            else f"{subject} must be {bound}, got {instance}"
    if keyword in ("maximum", "exclusiveMaximum"):
        bound = f"at most {spec}" if keyword == "maximum" else f"less than {spec}"
        return f"{subject} must be {bound}, got {instance}"
    if keyword == "minItems":
        return f"{subject} must be a non-empty list" if spec == 1 else f"{subject} needs at least {spec} items"
    if keyword == "minProperties":
        return f"{subject} must not be empty" if path else "the file has no entries"
    if keyword == "minLength":
        return f"{subject} must not be empty"
    if keyword in ("pattern", "format"):
        return f"{subject} must be {_expected(error)}, got {describe(instance)}"
    if keyword in ("enum", "const", "not") and isinstance(error.schema, dict) \
            and "x-sweepgen-expected" in error.schema:
        return f"{subject} must be {error.schema['x-sweepgen-expected']}, got {describe(instance)}"
    if keyword in ("enum", "const"):
        options = spec if keyword == "enum" else [spec]
        shown = ", ".join(repr(o) if isinstance(o, str) else str(o).lower() for o in options)
        return f"{subject} must be one of {shown}, got {describe(instance)}"
    if keyword == "uniqueItems":
        return f"{subject} lists the same item twice"
    if keyword == "not":
        return f"{subject}: {error.message}"
    if keyword.startswith("x-sweepgen-"):
        return error.message
    return f"{subject}: {error.message}"


def _at(doc: Document, node: Node | None, path: list[Any], rule: str, level: str, message: str) -> Problem:
    offset = node.start if node is not None else 0
    return doc.problem(offset, rule, message, level)
