"""Defaults come from the schema, filled by a generic walk; the model and output rules are data."""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest

from sweepgen import defaults, schemas
from sweepgen.defaults import filler_for_schema
from sweepgen.formats.seed.rows import Orders
from sweepgen.formats.seed.shapes import MULTINODE, SHAPES
from test_expand_cli import CUSTOM, ok, project  # noqa: F401 (project is a fixture)

SCHEMA: dict[str, Any] = {
    "$id": "https://example.test/filler.json",
    "type": "object",
    "properties": {
        "kind": {"type": "string"},
        "size": {"$ref": "#/$defs/size"},
        "items": {"type": "array", "items": {"$ref": "#/$defs/item"}},
        "named": {"type": "object", "additionalProperties": {"$ref": "#/$defs/item"}},
    },
    "allOf": [{"properties": {"tags": {"default": ["a"]}}}],
    "if": {"properties": {"kind": {"const": "big"}}, "required": ["kind"]},
    "then": {"properties": {"weight": {"default": 100}}},
    "else": {"properties": {"weight": {"default": 1}}},
    "oneOf": [
        {"required": ["kind"], "properties": {"labelled": {"default": True}}},
        {"not": {"required": ["kind"]}},
    ],
    "$defs": {
        "size": {"type": "integer", "default": 3},
        "item": {"type": "object", "properties": {"n": {"type": "integer", "default": 0}, "m": {"type": "integer"}}},
    },
}


def test_filler_walks_refs_items_additional_allof_conditions() -> None:
    fill = filler_for_schema(SCHEMA)
    source = {"kind": "big", "items": [{"m": 1}, {"n": 5}], "named": {"x": {}}}
    assert fill(source) == {"kind": "big", "items": [{"m": 1, "n": 0}, {"n": 5}], "named": {"x": {"n": 0}},
                            "size": 3, "tags": ["a"], "labelled": True, "weight": 100}
    assert source == {"kind": "big", "items": [{"m": 1}, {"n": 5}], "named": {"x": {}}}  # not modified
    assert fill({}) == {"size": 3, "tags": ["a"], "weight": 1}
    first, second = fill({}), fill({})
    assert first["tags"] is not second["tags"]  # a mutable default is never shared


def test_filler_shares_what_it_does_not_change() -> None:
    fill = filler_for_schema(SCHEMA)
    done = {"size": 1, "tags": [], "weight": 2, "items": [{"n": 1}]}
    assert fill(done) is done


@pytest.fixture
def ep_default_two(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    point = schemas.version("v1").schema("master-config")["$defs"]["search-point"]["properties"]["ep"]
    monkeypatch.setitem(point, "default", 2)
    defaults._compiled.cache_clear()
    yield
    monkeypatch.undo()
    defaults._compiled.cache_clear()


def test_ep_default_is_read_from_the_schema(run, project, ep_default_two) -> None:
    # nothing in the expander knows that ep defaults to 1: change the schema and the output follows
    assert {e["ep"] for e in json.loads(ok(run("full-sweep", "--seq-lens", "8k1k", "1k8k")))} == {2}
    assert json.loads(ok(run(*CUSTOM)))[0]["ep"] == 2


def test_orders_check_their_keys() -> None:
    order = ("image", "model", "precision", "framework", "runner", "isl", "osl", "tp", "ep", "dp-attn", "conc",
             "max-model-len", "exp-name")
    with pytest.raises(ValueError, match="unknown: \\['pp'\\]"):
        Orders("vX", {shape: (*order, "pp") for shape in SHAPES})
    with pytest.raises(ValueError, match=f"vX {MULTINODE}: .*unknown: \\['pp'\\]"):
        Orders("vX", {shape: order for shape in SHAPES}, multinode=(*order, "pp"))
    with pytest.raises(KeyError):
        Orders("vX", {SHAPES[0]: order})
