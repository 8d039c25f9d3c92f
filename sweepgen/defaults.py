"""Schema defaults, filled generically: the schema is the only place a default is written.

The filler walks a schema alongside an instance, through `$ref`, `properties`,
`patternProperties`, `additionalProperties`, `items`, `prefixItems`, `allOf`,
`anyOf`/`oneOf` (the branches the instance satisfies) and `if`/`then`/`else` (the
`if` evaluated with `checks`, compiled checks of the version's schema), and adds every missing property
whose subschema declares a `default`.

The walk is compiled once per schema document into a graph of plans; parts of the
schema that cannot reach a `default` are pruned, so a large document costs only the
objects that can receive one. The result shares every unchanged container with the
input (copy on write): treat both as read-only.
"""

from __future__ import annotations

import copy
import re
from dataclasses import field
from functools import cache
from typing import Any, Callable, Iterator, Sequence

from . import checks, schemas
from .records import record

Filler = Callable[[Any], Any]


class SchemaError(Exception):
    """The schema uses a construct the filler cannot follow."""


@record(frozen=False, eq=False)
class _Plan:
    """What to do with an instance at one schema location."""

    uri: str
    default: tuple[Any, ...] = ()  # () none, else (value,)
    properties: dict[str, _Plan] = field(default_factory=dict)
    patterns: list[tuple[re.Pattern[str], _Plan]] = field(default_factory=list)
    additional: _Plan | None = None
    items: _Plan | None = None
    prefix_items: list[_Plan] = field(default_factory=list)
    members: list[_Plan] = field(default_factory=list)  # $ref and allOf: always apply
    branches: list[tuple[Any, _Plan]] = field(default_factory=list)  # anyOf/oneOf: apply when valid
    conditions: list[tuple[Any, _Plan | None, _Plan | None]] = field(default_factory=list)
    live: bool = False  # can reach a default
    # set by settle(), so that applying a plan looks only at what can change
    live_properties: list[tuple[str, _Plan]] = field(default_factory=list)
    defaulted: list[tuple[str, Any, _Plan]] = field(default_factory=list)  # (name, default, plan)
    scan_keys: bool = False  # patternProperties or additionalProperties can reach a default

    def own_default(self) -> tuple[Any, ...]:
        """The default declared here or by a schema this one references (first found)."""
        seen: set[int] = set()
        todo = [self]
        while todo:
            plan = todo.pop(0)
            if id(plan) in seen:
                continue
            seen.add(id(plan))
            if plan.default:
                return plan.default
            todo.extend(plan.members)
        return ()


def _lookup(uri: str, documents: dict[str, dict[str, Any]]) -> Any:
    try:
        return schemas.resolve(uri, documents)
    except (KeyError, IndexError, ValueError) as exc:
        raise SchemaError(f"cannot resolve {uri}: {exc}") from None


class _Compiler:
    def __init__(self, checker: Callable[[str], Callable[[Any], bool]], documents: dict[str, dict[str, Any]]) -> None:
        self.checker = checker  # uri -> a yes/no check of the subschema there
        self.documents = documents
        self.plans: dict[str, _Plan] = {}

    def plan(self, uri: str) -> _Plan:
        if uri in self.plans:
            return self.plans[uri]
        plan = _Plan(uri)
        self.plans[uri] = plan  # before descending, so cycles in the schema terminate
        schema = _lookup(uri, self.documents)
        if not isinstance(schema, dict):
            return plan  # a boolean schema has nothing to fill
        if "default" in schema:
            plan.default = (schema["default"],)
        for name in schema.get("properties", {}):
            plan.properties[name] = self.plan(_child(uri, "properties", name))
        for pattern in schema.get("patternProperties", {}):
            plan.patterns.append((re.compile(pattern), self.plan(_child(uri, "patternProperties", pattern))))
        if isinstance(schema.get("additionalProperties"), dict):
            plan.additional = self.plan(_child(uri, "additionalProperties"))
        if isinstance(schema.get("items"), dict):
            plan.items = self.plan(_child(uri, "items"))
        for i, _ in enumerate(schema.get("prefixItems", [])):
            plan.prefix_items.append(self.plan(_child(uri, "prefixItems", str(i))))
        if "$ref" in schema:
            plan.members.append(self.plan(schemas.join(uri, schema["$ref"])))
        for i, _ in enumerate(schema.get("allOf", [])):
            plan.members.append(self.plan(_child(uri, "allOf", str(i))))
        for keyword in ("anyOf", "oneOf"):
            for i, _ in enumerate(schema.get(keyword, [])):
                branch = _child(uri, keyword, str(i))
                plan.branches.append((self.check(branch), self.plan(branch)))
        if "if" in schema and ("then" in schema or "else" in schema):
            then = self.plan(_child(uri, "then")) if "then" in schema else None
            other = self.plan(_child(uri, "else")) if "else" in schema else None
            plan.conditions.append((self.check(_child(uri, "if")), then, other))
        return plan

    def check(self, uri: str) -> Any:
        """A yes/no check of the subschema at uri, with the version's registry and keywords."""
        return self.checker(uri)

    def settle(self) -> None:
        """Mark the plans that can reach a default: those with a defaulted property, and every plan
        above one of them (the graph may cycle, so liveness spreads from the first up the edges)."""
        plans = list(self.plans.values())
        defaults = {id(plan): plan.own_default() for plan in plans}
        parents: dict[int, list[_Plan]] = {}
        todo: list[_Plan] = []
        for plan in plans:
            children = [*plan.properties.values(), *(p for _, p in plan.patterns), *plan.prefix_items,
                        *plan.members, *(p for _, p in plan.branches),
                        *(p for _, t, e in plan.conditions for p in (t, e) if p is not None)]
            if plan.additional is not None:
                children.append(plan.additional)
            if plan.items is not None:
                children.append(plan.items)
            for child in children:
                parents.setdefault(id(child), []).append(plan)
            if any(defaults[id(child)] for child in plan.properties.values()):
                plan.live = True
                todo.append(plan)
        while todo:
            for parent in parents.get(id(todo.pop()), ()):
                if not parent.live:
                    parent.live = True
                    todo.append(parent)
        for plan in plans:
            plan.live_properties = [(name, sub) for name, sub in plan.properties.items() if sub.live]
            plan.defaulted = [(name, default[0], sub) for name, sub in plan.properties.items()
                              if (default := defaults[id(sub)])]
            plan.scan_keys = any(sub.live for _, sub in plan.patterns) or bool(plan.additional and plan.additional.live)


def _child(uri: str, *parts: str) -> str:
    escaped = "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)
    base, _, fragment = uri.partition("#")
    return f"{base}#{fragment}/{escaped}"


def _apply(plan: _Plan, instance: Any) -> Any:
    if not plan.live:
        return instance
    if isinstance(instance, dict):
        instance = _apply_object(plan, instance)
    elif isinstance(instance, list):
        instance = _apply_array(plan, instance)
    for member in plan.members:
        instance = _apply(member, instance)
    for check, branch in plan.branches:
        if branch.live and check(instance):
            instance = _apply(branch, instance)
    for check, then, other in plan.conditions:
        chosen = then if check(instance) else other
        if chosen is not None:
            instance = _apply(chosen, instance)
    return instance


def _apply_object(plan: _Plan, instance: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] | None = None
    if plan.scan_keys:
        changes: Iterator[tuple[str, Any, Sequence[_Plan]]] = (
            (key, value, _subplans(plan, key)) for key, value in instance.items())
    else:
        changes = ((name, instance[name], (sub,)) for name, sub in plan.live_properties if name in instance)
    for key, value, subs in changes:
        filled = value
        for sub in subs:
            filled = _apply(sub, filled)
        if filled is not value:
            if out is None:
                out = dict(instance)
            out[key] = filled
    for name, default, sub in plan.defaulted:
        if name in instance:
            continue
        if out is None:
            out = dict(instance)
        # a default shared with the schema must not be handed out mutable
        out[name] = _apply(sub, copy.deepcopy(default) if isinstance(default, (dict, list)) else default)
    return instance if out is None else out


def _subplans(plan: _Plan, key: str) -> list[_Plan]:
    """The subschemas that apply to one property: properties and patternProperties, else additionalProperties."""
    subs = [p for pattern, p in plan.patterns if pattern.search(key)]
    sub = plan.properties.get(key)
    if sub is not None:
        subs.insert(0, sub)
    elif not subs and plan.additional is not None:
        subs = [plan.additional]
    return subs


def _apply_array(plan: _Plan, instance: list[Any]) -> list[Any]:
    out: list[Any] | None = None
    for i, value in enumerate(instance):
        sub = plan.prefix_items[i] if i < len(plan.prefix_items) else plan.items
        if sub is None:
            continue
        filled = _apply(sub, value)
        if filled is not value:
            if out is None:
                out = list(instance)
            out[i] = filled
    return instance if out is None else out


@cache
def _compiled(version_name: str, kind: str, pointer: str) -> _Plan:
    compiler = _Compiler(lambda uri: checks.check(version_name, kind, uri), schemas.documents_by_id())
    root = schemas.version(version_name).schema_id(kind)
    plan = compiler.plan(f"{root}#{pointer}")
    compiler.settle()
    return plan


def filler(version_name: str, kind: str, definition: str | None = None) -> Filler:
    """A function that fills the defaults of one schema document (or of one of its $defs)."""
    plan = _compiled(version_name, kind, f"/$defs/{definition}" if definition else "")
    return lambda instance: _apply(plan, instance)


def fill(version_name: str, kind: str, instance: Any) -> Any:
    """The instance with every default of the schema filled in; the input is not modified."""
    return filler(version_name, kind)(instance)


def filler_for_schema(schema: dict[str, Any]) -> Filler:
    """A filler for a standalone schema document (with an `$id`), e.g. one written in a test."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    base = str(schema["$id"])
    registry = Registry().with_resource(base, Resource.from_contents(schema, default_specification=DRAFT202012))
    validator = Draft202012Validator(schema, registry=registry)
    compiler = _Compiler(lambda uri: validator.evolve(schema={"$ref": uri}).is_valid, {base: schema})
    plan = compiler.plan(f"{base}#")
    compiler.settle()
    return lambda instance: _apply(plan, instance)
