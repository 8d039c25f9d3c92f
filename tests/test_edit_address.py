"""The address syntax of `sweepgen set`."""

from __future__ import annotations

import pytest

from sweepgen.address import AddressError, format_address, parse_address


@pytest.mark.parametrize(("text", "steps"), [
    ("dsr1-fp8-h200-trt.image", ("dsr1-fp8-h200-trt", "image")),
    ("dsr1-fp8-h200-trt.seq-len-configs[0].search-space[1].conc-end",
     ("dsr1-fp8-h200-trt", "seq-len-configs", 0, "search-space", 1, "conc-end")),
    ('["kimik2.5-fp4-b300-vllm"].image', ("kimik2.5-fp4-b300-vllm", "image")),
    ("['kimik2.5-fp4-b300-vllm'].image", ("kimik2.5-fp4-b300-vllm", "image")),
    ('a.["b.c"]', ("a", "b.c")),
    ('a["b.c"][2]', ("a", "b.c", 2)),
    (r'["say \"hi\" \\ ok"].x', ('say "hi" \\ ok', "x")),
    ("a.b[ 3 ]", ("a", "b", 3)),
])
def test_parse(text: str, steps: tuple[object, ...]) -> None:
    assert parse_address(text) == steps


@pytest.mark.parametrize(("text", "message"), [
    ("", "the address is empty: expected entry-key.field"),
    (".image", "address '.image' starts with '.': expected an entry key first"),
    ("a.", "address 'a.' ends with '.': expected a key after it"),
    ("a..b", "address 'a..b' has an empty key at character 3"),
    ("a[0", "address 'a[0': '[' at character 2 is not closed"),
    ("a[x]", "address 'a[x]': '[x]' is neither a list index [N] nor a quoted key [\"...\"]"),
    ('a["b', "address 'a[\"b': the key quoted at character 3 is not closed"),
    ('a["b"x', "address 'a[\"b\"x': expected ']' at character 6"),
    ("a[0]b", "address 'a[0]b': expected '.' or '[' at character 5"),
    ("a]", "address 'a]': unexpected ']' at character 2"),
])
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(AddressError) as caught:
        parse_address(text)
    assert str(caught.value) == message


@pytest.mark.parametrize("steps", [
    ("dsr1-fp8-h200-trt", "seq-len-configs", 0, "search-space", 1, "conc-end"),
    ("kimik2.5-fp4-b300-vllm", "image"),
    ('odd "key" [x]', "field with space"),
])
def test_format_reads_back(steps: tuple[object, ...]) -> None:
    assert parse_address(format_address(steps)) == steps  # type: ignore[arg-type]


def test_format_brackets_keys_with_dots() -> None:
    assert format_address(("kimik2.5-fp4-b300-vllm", "image")) == '["kimik2.5-fp4-b300-vllm"].image'
