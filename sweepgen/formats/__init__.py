"""The registry of config formats: one package per version under `formats/`.

Generic code finds a version's Format here by the version's name (which the schema
registry detects from a document); nothing outside `formats/` imports a version's
package. Each package exports `FORMAT`. Packages are imported on first use, so a
command pays only for the formats its configs are in.
"""

from __future__ import annotations

import importlib
import importlib.util
from functools import cache

from .base import (AddEntryField, ConfigSet, Finding, Format, Group, Migration, MigrationStep, NestDocument,
                   NestEntryField, Option, PythonRule, Request, RequestError, Row, RuleContext, SelectError, Selection,
                   Skipped, canonical)

__all__ = ["AddEntryField", "ConfigSet", "Finding", "Format", "Group", "Migration", "MigrationStep", "NestDocument",
           "NestEntryField", "Option", "PythonRule", "Request", "RequestError", "Row", "RuleContext", "SelectError",
           "Selection", "Skipped", "canonical", "get", "names", "all_formats"]

# every format, oldest first: version name -> its package
_PACKAGES = {
    "v1": "sweepgen.formats.v1",
    "v2": "sweepgen.formats.v2",
    "v3": "sweepgen.formats.v3",
}


def _present(package: str) -> bool:
    """A regular package (with its __init__), not a folder that merely exists (a namespace package)."""
    spec = importlib.util.find_spec(package)
    return spec is not None and spec.origin is not None


def names() -> tuple[str, ...]:
    """The versions that have a format package, oldest first."""
    return tuple(name for name, package in _PACKAGES.items() if _present(package))


@cache
def get(name: str) -> Format:
    """The Format of a version; KeyError when sweepgen cannot expand that version."""
    package = _PACKAGES.get(name)
    if package is None or not _present(package):
        raise KeyError(name)
    fmt: Format = importlib.import_module(package).FORMAT
    return fmt


def all_formats() -> tuple[Format, ...]:
    return tuple(get(name) for name in names())
