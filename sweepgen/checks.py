"""Yes/no checks of one schema location, for the engine's own decisions (never for messages).

The defaults filler asks which `anyOf`/`oneOf` branch or `if` an instance satisfies, and
the expander asks whether a printed value is valid. Both ask thousands of times about a
few small subschemas, so the location is compiled once by `fastcheck` (refs resolved at
compile time, no jsonschema or referencing import); a location it cannot compile is
checked by the version's jsonschema validator instead, built only then. fastcheck is held
to jsonschema's verdict, both ways, by its fuzz test.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Callable

Check = Callable[[Any], bool]


@cache
def check(version_name: str, kind: str, uri: str) -> Check:
    """Whether an instance is valid against the subschema at uri (an absolute `$id#pointer`)."""
    from . import fastcheck

    try:
        return fastcheck.check_at(uri)
    except (fastcheck.Unsupported, KeyError):
        pass
    return _Lazy(version_name, kind, uri)


class _Lazy:
    """The jsonschema check of a location, its validator built on first use."""

    def __init__(self, version_name: str, kind: str, uri: str) -> None:
        self.version_name, self.kind, self.uri = version_name, kind, uri
        self.validator: Any = None

    def __call__(self, instance: Any) -> bool:
        if self.validator is None:
            from . import schemas

            self.validator = schemas.validator(self.version_name, self.kind).evolve(schema={"$ref": self.uri})
        return bool(self.validator.is_valid(instance))
