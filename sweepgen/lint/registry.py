"""Every lint rule id, defined once: its id, default level, one-line description, formats.

Three kinds of rules, one registry:

- the loader's and the schema engine's rules, which every format has (`ENGINE`);
- rules a schema declares by id (`x-sweepgen-rule`, a keyword's `rule`, or a custom
  keyword's own name): described here (`SCHEMA`), their formats read from which
  schema versions name them;
- rules written in Python, one module each (`sweepgen/lint/rules/`, and a format's
  own under `sweepgen/formats/<version>/rules/`), each module defining its `RULE`.

`sweepgen lint --list-rules` prints the registry; a test holds every id the engine,
the schemas and the Python rules can report to it, and the README's table to it.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any, Iterator

from ..records import record

ERROR, WARNING = "error", "warning"


@record
class RuleInfo:
    id: str
    level: str
    description: str
    formats: tuple[str, ...] = ()  # () in a definition: every format (filled in by rules())

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "level": self.level, "description": self.description, "formats": list(self.formats)}


def _r(rule_id: str, description: str, level: str = ERROR) -> RuleInfo:
    return RuleInfo(rule_id, level, description)


# the loader (sweepgen/yamlsource.py) and the schema engine (sweepgen/validation.py): every format
ENGINE = (
    _r("syntax", "the file is not valid YAML (syntax error, tab indentation, a control character)"),
    _r("encoding", "the file is not valid UTF-8"),
    _r("unreadable", "the file cannot be read (missing, a folder, a FIFO or device, no permission)"),
    _r("file-too-large", "the file is larger than the 32 MiB limit"),
    _r("empty", "the file holds no YAML document or no entries"),
    _r("multiple-documents", "the file holds more than one YAML document"),
    _r("too-deep", "nesting deeper than 64 levels"),
    _r("anchor", "an anchor (&name): values must be written out in full"),
    _r("alias", "an alias (*name): values must be written out in full"),
    _r("tag", "an explicit tag other than a plain core type"),
    _r("key-type", "a mapping key that is a collection"),
    _r("duplicate-key", "a key repeated in one mapping, or an entry key already defined in an earlier file"),
    _r("type", "a value of the wrong type (strict: 8.0 and true are not integers, \"8\" is not a number)"),
    _r("missing-field", "a required field is missing"),
    _r("unknown-key", "a key the schema does not declare (objects are closed at every level)"),
    _r("key-name", "a mapping key that does not follow its grammar"),
    _r("empty-list", "a list that must not be empty is empty"),
    _r("empty-mapping", "a mapping that must not be empty is empty"),
    _r("empty-string", "a string that must not be empty is empty"),
    _r("minimum", "a number below its minimum"),
    _r("maximum", "a number above its maximum"),
    _r("pattern", "a string that does not follow its grammar"),
    _r("format", "a string that is not of its declared format"),
    _r("enum", "a value that is not one of the allowed values"),
    _r("duplicate-item", "a list that repeats an item"),
    _r("one-of", "a value that matches none, or more than one, of its alternatives"),
    _r("any-of", "a value that matches none of its alternatives"),
    _r("not", "a value the schema forbids"),
    _r("conflicting-fields", "alternative fields given together (e.g. a conc-start/conc-end range and a conc-list)"),
    _r("unknown-format", "a document in a layout no sweepgen format version reads"),
)

# rules the schemas declare by id; each is reported only by the formats whose schema names it
SCHEMA = (
    _r("image", "an image that is not a container image reference (registry/path:tag[@digest] or registry#path:tag)"),
    _r("seq-len", "an isl/osl pair that is not one of the format's named sequence lengths"),
    _r("power-of-two", "a concurrency bound that is not a power of two"),
    _r("conc-range", "conc-start greater than conc-end"),
    _r("unknown-runner", "an entry's runner that the runner config does not declare"),
    _r("key-convention", "an entry key that does not start with <model-prefix>-<precision>-", WARNING),
    _r("disagg-single-node", "disagg: true on a single-node entry, where it does nothing", WARNING),
    _r("divisible", "a value that is not a multiple of another field (tp of dcp-size)"),
    _r("worker-hardware", "worker hardware set on one worker of a point but not on the other (both or neither)"),
    _r("kv-offload-backend", "kv-offloading: dram without a kv-offload-backend, or a backend without dram"),
    _r("dram-utilization", "a block with a kv-offloading: dram point but no dram-utilization"),
    _r("cluster-runner", "an entry of coding-agent trace blocks whose runner is not a cluster:<name> label"),
    _r("one-scope", "router or kv-p2p-transfer declared both on the entry and in its search-space points"),
    _r("kv-p2p-single-node", "kv-p2p-transfer in a point of a single-node entry"),
    _r("disagg-transfer", "disagg: true without kv-p2p-transfer on the entry or in every point"),
    _r("component-version", "a component version that is an image reference (image:...), not the component's own"),
)


@cache
def _python_rules() -> tuple[tuple[RuleInfo, tuple[str, ...]], ...]:
    """(definition, formats) of every Python rule: the generic ones and each format's own."""
    from sweepgen import formats

    from . import rules as generic

    out: list[tuple[RuleInfo, tuple[str, ...]]] = [(rule.info, ()) for rule in generic.ALL]
    for fmt in formats.all_formats():
        out.extend((rule.info, (fmt.name,)) for rule in fmt.rules)
    return tuple(out)


def _schema_mentions() -> dict[str, set[str]]:
    """rule id -> the versions whose schema documents name it, themselves or through a `$ref`
    into another version's documents (v2 reuses v1's definitions)."""
    from sweepgen import schemas

    found: dict[str, set[str]] = {}
    for version in schemas.versions():
        for kind in schemas.KINDS:
            if version.has(kind):
                for rule_id in _rule_ids(version.schema(kind), version.schema_id(kind)):
                    found.setdefault(rule_id, set()).add(version.name)
    return found


def _rule_ids(document: Any, base: str) -> Iterator[str]:
    from urllib.parse import urljoin

    from sweepgen import schemas

    todo: list[tuple[Any, str]] = [(document, base)]
    seen: set[int] = set()
    while todo:
        current, where = todo.pop()
        if isinstance(current, dict):
            if id(current) in seen:
                continue
            seen.add(id(current))
            for key, value in current.items():
                if key == "x-sweepgen-rule" and isinstance(value, str):
                    yield value
                elif key.startswith("x-sweepgen-") and isinstance(value, dict) and isinstance(value.get("rule"), str):
                    yield value["rule"]
                elif key.startswith("x-sweepgen-") and key not in _ANNOTATIONS:
                    yield key.removeprefix("x-sweepgen-")
                elif key == "$ref" and isinstance(value, str):
                    uri = urljoin(where, value)
                    try:
                        todo.append((schemas.resolve(uri), uri.partition("#")[0]))
                    except (KeyError, IndexError, ValueError):
                        pass
                todo.append((value, where))
        elif isinstance(current, list):
            todo.extend((item, where) for item in current)


# annotation keywords: they never report a problem of their own
_ANNOTATIONS = frozenset(("x-sweepgen-version", "x-sweepgen-rule", "x-sweepgen-expected", "x-sweepgen-level",
                          "x-sweepgen-message"))


@cache
def rules() -> tuple[RuleInfo, ...]:
    """Every rule, with the formats it applies to, sorted by id (a version is linted by its schema
    even before it has a format package)."""
    from sweepgen import schemas

    every = tuple(v.name for v in schemas.versions())
    mentions = _schema_mentions()
    out: dict[str, RuleInfo] = {}
    for info in ENGINE:
        out[info.id] = RuleInfo(info.id, info.level, info.description, every)
    for info in SCHEMA:
        named = tuple(v for v in every if v in mentions.get(info.id, ()))
        out[info.id] = RuleInfo(info.id, info.level, info.description, named)
    for info, where in _python_rules():
        previous = out.get(info.id)
        scope = where or every
        if previous is not None:
            scope = tuple(v for v in every if v in {*previous.formats, *scope})
        out[info.id] = RuleInfo(info.id, info.level, info.description, scope)
    return tuple(sorted(out.values(), key=lambda r: r.id))


def find(rule_id: str) -> RuleInfo | None:
    return next((r for r in rules() if r.id == rule_id), None)


def text() -> str:
    width = max(len(r.id) for r in rules())
    lines = [f"{r.id:<{width}}  {r.level:<7}  {','.join(r.formats):<8}  {r.description}" for r in rules()]
    return "\n".join(lines) + "\n"


def json_text() -> str:
    return json.dumps([r.as_dict() for r in rules()], indent=2) + "\n"


def markdown() -> str:
    """The README's rule table."""
    lines = ["| rule | level | formats | what it reports |", "|---|---|---|---|"]
    for r in rules():
        description = r.description.replace("|", "\\|")
        lines.append(f"| `{r.id}` | {r.level} | {', '.join(r.formats)} | {description} |")
    return "\n".join(lines) + "\n"
