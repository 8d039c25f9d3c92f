"""Printing rows: the JSON list the generators printed (one line of `json.dumps`), in pieces."""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator, Sequence

from .formats.base import Row


def _entry_dumps() -> Callable[[dict[str, Any]], str]:
    """json.dumps of one entry (default separators, ASCII), by the C encoder directly when
    CPython has it: a third faster than json.dumps over tens of thousands of entries."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - a Python without the C accelerator
        return json.dumps
    encode = make(None, json.JSONEncoder().default, json.encoder.encode_basestring_ascii, None,
                  ": ", ", ", False, False, True)
    return lambda entry: "".join(encode(entry, 0))


def encoder() -> Callable[[Sequence[Row]], str]:
    """json.dumps of the printed mappings of some rows (checked beforehand by rowcheck)."""
    dumps = _entry_dumps()

    def encode(rows: Sequence[Row]) -> str:
        return "[" + ", ".join([dumps(dict(zip(row.keys, row.values))) for row in rows]) + "]"
    return encode


def iter_json(rows: Sequence[Row], start: int = 0, stop: int | None = None, chunk: int = 2048) -> Iterator[str]:
    """The printed JSON list of rows[start:stop], in pieces of up to `chunk` rows: what
    json.dumps of the whole list prints, never held as one string."""
    encode = encoder()
    chosen = rows[start:stop]
    if not chosen:
        yield "[]"
        return
    for first in range(0, len(chosen), chunk):
        piece = encode(chosen[first:first + chunk])
        yield ("[" if first == 0 else ", ") + piece[1:-1] + ("]" if first + chunk >= len(chosen) else "")
