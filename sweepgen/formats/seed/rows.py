"""The rows of the seed family: one builder, and each format's key order per output shape.

The seed generator wrote each subcommand's entry as its own dict literal, so the key
orders differ by subcommand (the shape); compatible output must keep them. A format
declares its orders (`Orders`); every row is made by `Orders.row` from the one tuple
of job values `job` builds.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any, Callable, Mapping

from typing import TYPE_CHECKING

from sweepgen.formats.base import Group, Row

from .shapes import MULTINODE, SHAPES
from ...records import record

if TYPE_CHECKING:
    from .model import Custom, Entry, SearchPoint

# every value a seed-family job can print, in the order `job` builds them
FIELDS = ("image", "model", "model-prefix", "precision", "framework", "runner", "isl", "osl", "tp", "ep", "dp-attn",
          "conc", "max-model-len", "exp-name", "spec-decoding", "disagg", "prefill", "decode")
_INDEX = {name: i for i, name in enumerate(FIELDS)}



def job(origin: Entry | Custom, isl: int, osl: int, point: SearchPoint, conc: int | list[int], runner: str,
        exp_name: str, max_model_len: int) -> tuple[Any, ...]:
    """The one builder of job values: what runs (an entry, or custom's flags), where, and how."""
    return (origin.image, origin.model, origin.model_prefix, origin.precision, origin.framework, runner, isl, osl,
            point.tp, point.ep, point.dp_attn, conc, max_model_len, exp_name, point.spec_decoding, origin.disagg,
            point.prefill.plain() if point.prefill is not None else None,
            point.decode.plain() if point.decode is not None else None)


@record
class _Order:
    keys: tuple[str, ...]
    pick: Callable[[tuple[Any, ...]], tuple[Any, ...]]


class Orders:
    """A format's key order of each shape (and of a multinode row, for a format that has them)."""

    def __init__(self, version: str, orders: Mapping[str, tuple[str, ...]],
                 multinode: tuple[str, ...] | None = None) -> None:
        self.version = version
        self._orders = {shape: self._order(shape, orders[shape]) for shape in SHAPES}
        if multinode is not None:
            self._orders[MULTINODE] = self._order(MULTINODE, multinode)

    def _order(self, what: str, keys: tuple[str, ...]) -> _Order:
        unknown = [k for k in keys if k not in _INDEX]
        if unknown or len(set(keys)) != len(keys):
            raise ValueError(f"{self.version} {what}: bad key order {keys} (unknown: {unknown})")
        getter = itemgetter(*(_INDEX[k] for k in keys))
        return _Order(keys, getter)

    @property
    def has_multinode(self) -> bool:
        return MULTINODE in self._orders

    def keys(self, shape: str) -> tuple[str, ...]:
        return self._orders[shape].keys

    def row(self, shape: str, values: tuple[Any, ...], key: str, group: Group) -> Row:
        order = self._orders[MULTINODE if values[16] is not None else shape]
        return Row(key, group, order.keys, order.pick(values))
