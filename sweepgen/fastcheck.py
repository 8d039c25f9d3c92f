"""A fast yes/no answer to "is this document valid?", compiled from the same schema.

jsonschema walks the schema for every instance node and resolves every `$ref` through the
registry each time, which costs a quarter of a second on a 10,000-line config. Almost every
document sweepgen sees is valid, so `validation` asks this module first: the schema is
compiled once into nested closures (refs resolved at compile time), and only a document that
fails the fast check is validated again by jsonschema, which explains and positions each error.

The compiled check must never accept what jsonschema rejects: any keyword it does not know
makes the whole schema uncompilable (`None`), and then jsonschema alone decides. A test fuzzes
both over mutated real configs and requires the same verdict.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Callable

Check = Callable[[Any], bool]

_IGNORED = frozenset((
    "$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples",
    "deprecated", "readOnly", "writeOnly", "format", "contentMediaType", "contentEncoding",
    "x-sweepgen-version", "x-sweepgen-rule", "x-sweepgen-expected", "x-sweepgen-level", "x-sweepgen-message",
    # editor annotations (yaml-language-server, VS Code): completion and messages, never a constraint
    "errorMessage", "patternErrorMessage", "markdownDescription", "defaultSnippets", "enumDescriptions",
    "markdownEnumDescriptions", "deprecationMessage", "doNotSuggest",
))


def _all_of(checks: tuple[Check, ...]) -> Check:
    # a plain loop: this runs for every node of every document, and all() over a generator
    # costs a frame per call
    def check(v: Any) -> bool:
        for c in checks:
            if not c(v):
                return False
        return True
    return check


class Unsupported(Exception):
    """The schema uses something this compiler does not implement."""


def _is_int(v: Any) -> bool:
    return v.__class__ is int


def _is_number(v: Any) -> bool:
    return v.__class__ is int or v.__class__ is float


_CLASSES: dict[str, type] = {"integer": int, "number": float, "string": str, "boolean": bool, "object": dict,
                             "array": list, "null": type(None)}

_TYPES: dict[str, Check] = {
    "integer": _is_int,
    "number": _is_number,
    "string": lambda v: v.__class__ is str,
    "boolean": lambda v: v.__class__ is bool,
    "object": lambda v: v.__class__ is dict,
    "array": lambda v: v.__class__ is list,
    "null": lambda v: v is None,
}


def _equal(a: Any, b: Any) -> bool:
    """JSON equality as jsonschema defines it: true is not 1, lists and objects compared deeply."""
    if a.__class__ is bool or b.__class__ is bool:
        return a.__class__ is b.__class__ and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if a.__class__ is not b.__class__:
        return False
    if a.__class__ is list:
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if a.__class__ is dict:
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return bool(a == b)


class _Compiler:
    def __init__(self, documents: dict[str, Any], keywords: dict[str, Any]) -> None:
        self.documents = documents
        self.keywords = keywords
        self.done: dict[int, tuple[Any, Check]] = {}

    def compile(self, schema: Any, base: str) -> Check:
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        if not isinstance(schema, dict):
            raise Unsupported(f"schema of type {type(schema).__name__}")
        key = id(schema)
        if key in self.done:
            return self.done[key][1]
        slot: list[Check] = []
        # a placeholder first, so that a recursive $ref compiles to a late-bound call;
        # the schema is kept alive beside it so that its id cannot be reused
        self.done[key] = (schema, lambda v: slot[0](v))
        try:
            checks = self._checks(schema, schema.get("$id", base))
        except Unsupported:
            del self.done[key]
            raise
        if not checks:
            fn: Check = lambda v: True  # noqa: E731
        elif len(checks) == 1:
            fn = checks[0]
        else:
            fn = _all_of(tuple(checks))
        slot.append(fn)
        self.done[key] = (schema, fn)
        return fn

    def _ref(self, ref: str, base: str) -> tuple[Any, str]:
        from . import schemas

        uri = schemas.join(base, ref)
        return schemas.resolve(uri, self.documents), uri.partition("#")[0] or base

    def _checks(self, s: dict[str, Any], base: str) -> list[Check]:
        checks: list[Check] = []
        for kw in s:
            if kw in _IGNORED or kw in ("then", "else", "additionalProperties", "items", "unevaluatedProperties"):
                continue
            if kw.startswith("x-sweepgen-"):
                impl = self.keywords.get(kw)
                if impl is None:
                    raise Unsupported(kw)
                checks.append(self._custom(impl, s[kw], s))
                continue
            method = getattr(self, "_kw_" + kw.replace("$", "dollar_"), None)
            if method is None:
                raise Unsupported(kw)
            check = method(s[kw], s, base)
            if check is not None:
                checks.append(check)
        if "additionalProperties" in s:
            checks.append(self._additional(s, base))
        if "items" in s:
            checks.append(self._items(s["items"], base))
        if "unevaluatedProperties" in s:
            checks.append(self._unevaluated(s, base))
        return checks

    def _unevaluated(self, s: dict[str, Any], base: str) -> Check:
        """unevaluatedProperties: keys no passing subschema evaluated must satisfy it."""
        spec = s["unevaluatedProperties"]
        evaluated = self._evaluated(s, base, top=True)
        sub = self.compile(spec, base)

        def check(v: Any) -> bool:
            if v.__class__ is not dict:
                return True
            seen = evaluated(v)
            return all(sub(v[k]) for k in v if k not in seen)
        return check

    @staticmethod
    def _union_of_passing(branches: tuple[tuple[Check, Callable[[Any], set[str]]], ...]) -> Callable[[Any], set[str]]:
        return lambda v: set().union(*(ev(v) for ok, ev in branches if ok(v)))

    def _evaluated(self, s: Any, base: str, top: bool = False) -> Callable[[Any], set[str]]:
        """The property names a schema evaluates on an instance it accepts (2020-12 annotations)."""
        if not isinstance(s, dict):
            return lambda v: set()
        base = s.get("$id", base)
        if "patternProperties" in s or "dependentSchemas" in s:
            raise Unsupported("patternProperties/dependentSchemas with unevaluatedProperties")
        if "additionalProperties" in s or (not top and "unevaluatedProperties" in s):
            return lambda v: set(v)
        parts: list[Callable[[Any], set[str]]] = []
        names = frozenset(s.get("properties", {}))
        if names:
            parts.append(lambda v: set(names.intersection(v)))
        if "$ref" in s:
            target, target_base = self._ref(s["$ref"], base)
            parts.append(self._evaluated(target, target_base))
        for sub in s.get("allOf", []):
            parts.append(self._evaluated(sub, base))
        for kw in ("anyOf", "oneOf"):
            branches = tuple((self.compile(sub, base), self._evaluated(sub, base)) for sub in s.get(kw, []))
            if branches:
                parts.append(self._union_of_passing(branches))
        if "if" in s:
            cond, cond_ev = self.compile(s["if"], base), self._evaluated(s["if"], base)
            then_ev = self._evaluated(s.get("then", True), base)
            else_ev = self._evaluated(s.get("else", True), base)
            parts.append(lambda v: cond_ev(v) | then_ev(v) if cond(v) else else_ev(v))
        return lambda v: set().union(*(p(v) for p in parts))

    def _custom(self, impl: Any, spec: Any, schema: dict[str, Any]) -> Check:
        def check(v: Any) -> bool:
            for _ in impl(None, spec, v, schema):
                return False
            return True
        return check

    # keyword compilers: each returns a check, or None when the keyword never fails
    def _kw_dollar_ref(self, ref: str, s: dict[str, Any], base: str) -> Check:
        target, target_base = self._ref(ref, base)
        return self.compile(target, target_base)

    def _kw_type(self, spec: Any, s: dict[str, Any], base: str) -> Check:
        names = spec if isinstance(spec, list) else [spec]
        tests = tuple(_TYPES[n] for n in names)
        if len(tests) == 1:
            return tests[0]
        classes = frozenset(_CLASSES[n] for n in names)
        if "integer" in names and "number" not in names:
            # the class of a value decides, except that an integer is not a float
            return lambda v: v.__class__ in classes
        return lambda v: v.__class__ in classes or (float in classes and v.__class__ is int)

    def _kw_properties(self, spec: dict[str, Any], s: dict[str, Any], base: str) -> Check:
        props = tuple((name, self.compile(sub, base)) for name, sub in spec.items())

        def check(v: Any) -> bool:
            if v.__class__ is not dict:
                return True
            for name, sub in props:
                if name in v and not sub(v[name]):
                    return False
            return True
        return check

    def _additional(self, s: dict[str, Any], base: str) -> Check:
        spec = s["additionalProperties"]
        if "patternProperties" in s:
            raise Unsupported("patternProperties")
        known = frozenset(s.get("properties", {}))
        if spec is False:
            return lambda v: v.__class__ is not dict or known.issuperset(v)
        sub = self.compile(spec, base)

        def check(v: Any) -> bool:
            if v.__class__ is not dict:
                return True
            for name, value in v.items():
                if name not in known and not sub(value):
                    return False
            return True
        return check

    def _items(self, spec: Any, base: str) -> Check:
        sub = self.compile(spec, base)

        def check(v: Any) -> bool:
            if v.__class__ is list:
                for item in v:
                    if not sub(item):
                        return False
            return True
        return check

    def _kw_required(self, spec: list[str], s: dict[str, Any], base: str) -> Check:
        names = tuple(spec)
        if len(names) == 1:
            name = names[0]
            return lambda v: v.__class__ is not dict or name in v

        def check(v: Any) -> bool:
            if v.__class__ is dict:
                for n in names:
                    if n not in v:
                        return False
            return True
        return check

    def _kw_dependentRequired(self, spec: dict[str, list[str]], s: dict[str, Any], base: str) -> Check:
        pairs = tuple((k, tuple(need)) for k, need in spec.items())
        return lambda v: v.__class__ is not dict or all(
            k not in v or all(n in v for n in need) for k, need in pairs)

    def _kw_minItems(self, spec: int, s: dict[str, Any], base: str) -> Check:
        return lambda v: v.__class__ is not list or len(v) >= spec

    def _kw_maxItems(self, spec: int, s: dict[str, Any], base: str) -> Check:
        return lambda v: v.__class__ is not list or len(v) <= spec

    def _kw_minProperties(self, spec: int, s: dict[str, Any], base: str) -> Check:
        return lambda v: v.__class__ is not dict or len(v) >= spec

    def _kw_maxProperties(self, spec: int, s: dict[str, Any], base: str) -> Check:
        return lambda v: v.__class__ is not dict or len(v) <= spec

    def _kw_minLength(self, spec: int, s: dict[str, Any], base: str) -> Check:
        return lambda v: v.__class__ is not str or len(v) >= spec

    def _kw_maxLength(self, spec: int, s: dict[str, Any], base: str) -> Check:
        return lambda v: v.__class__ is not str or len(v) <= spec

    def _kw_minimum(self, spec: float, s: dict[str, Any], base: str) -> Check:
        return lambda v: not _is_number(v) or v >= spec

    def _kw_maximum(self, spec: float, s: dict[str, Any], base: str) -> Check:
        return lambda v: not _is_number(v) or v <= spec

    def _kw_exclusiveMinimum(self, spec: float, s: dict[str, Any], base: str) -> Check:
        return lambda v: not _is_number(v) or v > spec

    def _kw_exclusiveMaximum(self, spec: float, s: dict[str, Any], base: str) -> Check:
        return lambda v: not _is_number(v) or v < spec

    def _kw_pattern(self, spec: str, s: dict[str, Any], base: str) -> Check:
        search = re.compile(spec).search
        return lambda v: v.__class__ is not str or search(v) is not None

    def _kw_enum(self, spec: list[Any], s: dict[str, Any], base: str) -> Check:
        options = tuple(spec)
        return lambda v: any(_equal(v, o) for o in options)

    def _kw_const(self, spec: Any, s: dict[str, Any], base: str) -> Check:
        return lambda v: _equal(v, spec)

    def _kw_uniqueItems(self, spec: bool, s: dict[str, Any], base: str) -> Check | None:
        if not spec:
            return None

        def check(v: Any) -> bool:
            if v.__class__ is not list:
                return True
            for i, a in enumerate(v):
                for b in v[i + 1:]:
                    if _equal(a, b):
                        return False
            return True
        return check

    def _kw_contains(self, spec: Any, s: dict[str, Any], base: str) -> Check:
        if "minContains" in s or "maxContains" in s:
            raise Unsupported("minContains/maxContains")
        sub = self.compile(spec, base)

        def check(v: Any) -> bool:
            if v.__class__ is not list:
                return True
            for item in v:
                if sub(item):
                    return True
            return False
        return check

    def _kw_propertyNames(self, spec: Any, s: dict[str, Any], base: str) -> Check:
        sub = self.compile(spec, base)
        return lambda v: v.__class__ is not dict or all(sub(k) for k in v)

    def _kw_allOf(self, spec: list[Any], s: dict[str, Any], base: str) -> Check:
        subs = tuple(self.compile(x, base) for x in spec)
        return subs[0] if len(subs) == 1 else _all_of(subs)

    def _kw_anyOf(self, spec: list[Any], s: dict[str, Any], base: str) -> Check:
        subs = tuple(self.compile(x, base) for x in spec)

        def check(v: Any) -> bool:
            for c in subs:
                if c(v):
                    return True
            return False
        return check

    def _kw_oneOf(self, spec: list[Any], s: dict[str, Any], base: str) -> Check:
        subs = tuple(self.compile(x, base) for x in spec)

        def check(v: Any) -> bool:
            passed = 0
            for c in subs:
                if c(v):
                    passed += 1
                    if passed > 1:
                        return False
            return passed == 1
        return check

    def _kw_not(self, spec: Any, s: dict[str, Any], base: str) -> Check:
        sub = self.compile(spec, base)
        return lambda v: not sub(v)

    def _kw_if(self, spec: Any, s: dict[str, Any], base: str) -> Check | None:
        cond = self.compile(spec, base)
        then = self.compile(s["then"], base) if "then" in s else None
        other = self.compile(s["else"], base) if "else" in s else None
        if then is None and other is None:
            return None

        def check(v: Any) -> bool:
            if cond(v):
                return then is None or then(v)
            return other is None or other(v)
        return check


@cache
def _shipped() -> _Compiler:
    """One compiler of the shipped schemas for the whole process: a location that many checks
    reach (a `$defs` entry) is compiled once, whichever check reaches it first."""
    from . import schemas
    from .keywords import KEYWORDS

    return _Compiler(schemas.documents_by_id(), KEYWORDS)


@cache
def checker(version_name: str, kind: str) -> Check | None:
    """The compiled check of one schema document, or None when it cannot be compiled."""
    from . import schemas

    schema = schemas.version(version_name).schema(kind)
    try:
        return _shipped().compile(schema, schema.get("$id", ""))
    except Unsupported:
        return None


def check_at(uri: str) -> Check:
    """The compiled check of one schema location (an absolute `$id#/pointer`); raises
    Unsupported (or KeyError for a location that does not exist) when it cannot compile."""
    compiler = _shipped()
    target, base = compiler._ref(uri, uri)  # KeyError when there is no such location
    return compiler.compile(target, base)


def accepts(version_name: str, kind: str, data: Any) -> bool:
    """True only when the document is certainly valid; False means 'ask jsonschema'."""
    check = checker(version_name, kind)
    return check is not None and check(data)
