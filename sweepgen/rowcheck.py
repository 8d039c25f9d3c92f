"""The printed rows checked against their version's matrix-entry schema, before anything is printed.

When the schema is a closed object of independent properties, rows are checked one
property value at a time, and a value already seen valid is not checked again: the
same verdict as validating the whole row, about thirty times faster on a large
sweep. The schema may also choose between such objects with an `if` that only asks
which keys are present (`required`) and `then`/`else` references within the document
(v2: single-node or multinode job): the `if` depends on the key set alone, so each
distinct key tuple picks its branch once. Values are checked by `checks` (compiled, no
jsonschema). `covers` tells whether a key tuple takes that fast path; the tests hold
every row shape of every format to it. Any other schema (or any failure) goes through
the full validator, which also writes the message.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Sequence

from . import checks, schemas
from .formats.base import Row
from .records import record


class RowError(Exception):
    """A printed row that does not match its matrix-entry schema (a bug in a format, never the user's)."""


@record
class _Closed:
    """A closed object schema of independent properties: each property can be checked on its own."""

    required: frozenset[str]
    properties: dict[str, tuple[str, checks.Check]]  # name -> (subschema URI, yes/no check of it)


class EntryChecker:
    """Validates printed rows against a version's matrix-entry schema."""

    _PLAIN = frozenset({"$schema", "$id", "$comment", "$defs", "title", "description", "examples",
                        "x-sweepgen-version", "type", "properties", "required", "additionalProperties"})
    _CHOICE = frozenset({"$schema", "$id", "$comment", "$defs", "title", "description", "examples",
                         "x-sweepgen-version", "if", "then", "else"})

    def __init__(self, version: str) -> None:
        self.version = version
        self.schema = schemas.version(version).schema("matrix-entry")
        self.base = schemas.version(version).schema_id("matrix-entry")
        self._closed: dict[str, _Closed | None] = {}  # JSON pointer -> its closed object, if it is one
        self._branch: dict[tuple[str, ...], _Closed | None] = {}  # key tuple -> the object that checks it
        self.seen: set[tuple[str, Any]] = set()  # (property subschema URI, (type, value)) found valid

    def first_problem(self, rows: Sequence[Row]) -> tuple[int, str] | None:
        """(index, description) of the first invalid row, or None when all are valid."""
        if self._all_valid_by_property(rows):
            return None
        for i, row in enumerate(rows):
            problem = self.problem(row.data())
            if problem is not None:
                return i, problem
        return None

    def properties_for(self, keys: tuple[str, ...]) -> dict[str, tuple[str, checks.Check]]:
        """The (subschema URI, yes/no check) of each property of the closed object rows with these
        keys are checked against ({} when they take no fast path)."""
        closed = self._branch_for(keys)
        return dict(closed.properties) if closed is not None else {}

    def covers(self, keys: tuple[str, ...]) -> bool:
        """Whether rows with these keys are checked on the fast path (by property)."""
        closed = self._branch_for(keys)
        return closed is not None and closed.required <= set(keys) <= closed.properties.keys()

    def problem(self, entry: dict[str, Any]) -> str | None:
        """None when the entry is valid, else a one-line description of its first fault."""
        from jsonschema.exceptions import best_match

        error = best_match(schemas.validator(self.version, "matrix-entry").iter_errors(entry))
        if error is None:
            return None
        where = "".join(f"[{p!r}]" for p in error.absolute_path)
        # the schema's own description of a value beats a regular expression
        expected = error.schema.get("x-sweepgen-expected") if isinstance(error.schema, dict) else None
        message = f"{error.instance!r} is not {expected}" if expected else error.message
        return f"{where}: {message}" if where else message

    def _pointer_schema(self, pointer: str) -> Any:
        node: Any = self.schema
        for part in filter(None, pointer.split("/")):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def _closed_at(self, pointer: str) -> _Closed | None:
        if pointer not in self._closed:
            schema = self._pointer_schema(pointer)
            closed = None
            if (isinstance(schema, dict) and set(schema) <= self._PLAIN and schema.get("type") == "object"
                    and schema.get("additionalProperties") is False):
                closed = _Closed(frozenset(schema.get("required", ())), {
                    name: (uri := f"{self.base}#{pointer}/properties/{_escape(name)}",
                           checks.check(self.version, "matrix-entry", uri))
                    for name in schema.get("properties", {})})
            self._closed[pointer] = closed
        return self._closed[pointer]

    def _branch_for(self, keys: tuple[str, ...]) -> _Closed | None:
        """The closed object an entry with these keys is checked against, or None (full validator)."""
        if keys in self._branch:
            return self._branch[keys]
        pointer = ""
        for _ in range(8):  # a chain of choices, never a cycle
            schema = self._pointer_schema(pointer)
            if not (isinstance(schema, dict) and set(schema) <= self._CHOICE and "if" in schema):
                break
            test, then, other = schema["if"], schema.get("then"), schema.get("else")
            if not (isinstance(test, dict) and set(test) == {"required"} and isinstance(test["required"], list)):
                self._branch[keys] = None
                return None
            chosen = then if set(test["required"]) <= set(keys) else other
            ref = chosen.get("$ref") if isinstance(chosen, dict) and set(chosen) == {"$ref"} else None
            if not (isinstance(ref, str) and ref.startswith("#/")):
                self._branch[keys] = None
                return None
            pointer = ref[1:]
        closed = self._closed_at(pointer)
        self._branch[keys] = closed
        return closed

    def _all_valid_by_property(self, rows: Sequence[Row]) -> bool:
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for row in rows:  # rows of one shape share one keys tuple
            groups.setdefault(row.keys, []).append(row.values)
        for keys, group in groups.items():
            closed = self._branch_for(keys)
            if closed is None or not (closed.required <= set(keys) <= closed.properties.keys()):
                return False
            # columns of values, transposed in C: the check costs little more than the distinct values
            for name, column in zip(keys, zip(*group)):
                if not self._column_valid(closed.properties[name], column):
                    return False
        return True

    def _column_valid(self, prop: tuple[str, Any], column: tuple[Any, ...]) -> bool:
        uri, check = prop
        kinds = set(map(type, column))
        try:  # the type is part of the token: True == 1, but only one is a valid integer
            if len(kinds) == 1:
                kind = kinds.pop()
                distinct = {(kind, v): v for v in set(column)}
            else:
                distinct = {token: token[1] for token in zip(map(type, column), column)}
        except TypeError:  # lists and mappings: compare them by their repr, which tells true from 1
            distinct = {(type(v), repr(v)): v for v in column}
        for token, value in distinct.items():
            if (uri, token) not in self.seen:
                if not check(value):
                    return False
                self.seen.add((uri, token))
        return True


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


@cache
def checker(version: str) -> EntryChecker:
    return EntryChecker(version)


def check_rows(version: str, rows: Sequence[Row], chunk: int = 4096) -> None:
    """Validate every row against the version's matrix-entry schema, a chunk at a time: the
    printing that follows never starts on bad output. RowError names the first bad row."""
    check = checker(version)
    for start in range(0, len(rows), chunk):
        problem = check.first_problem(rows[start:start + chunk])
        if problem is not None:
            raise RowError(f"generated entry {start + problem[0]} does not match the {version} "
                           f"matrix-entry schema: {problem[1]}")
