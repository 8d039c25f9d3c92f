"""Which strings may stay plain, and how each scalar style is written."""

from __future__ import annotations

import pytest

from sweepgen.scalar_style import plain_form, reads_differently_as_plain, render

SAFE_PLAIN = [
    "lmsysorg/sglang:v0.5.5-cu129",
    "nvcr.io#nvidia/tensorrt-llm/release:1.1.0rc2",
    "rocm/7.0:rocm7.0_ubuntu_22.04_vllm_0.10.1_instinct_20250927_rc1",
    "lmsysorg/sglang:v0.5.14-cu130@sha256:5027e95bf6ec536856b1b52a91d1f35ff5c564ab83e8a94758a169ff09bb8df3",
    "deepseek-ai/DeepSeek-R1-0528",
    "fp8",
    "a#b",
    "x-y",
    "yesterday",
    "v1.2",
]

NEEDS_QUOTES = [
    # YAML 1.2 core: not strings at all
    "123", "-5", "1e3", "0x1F", "0o17", "1.5", ".inf", ".NaN", "null", "Null", "~", "true", "FALSE",
    # YAML 1.1: booleans, octal, sexagesimal, dotted floats, timestamps, merge
    "yes", "No", "ON", "off", "y", "N", "0b101", "017", "1_000", "1:20", "1.2.3", "2024-01-01", "<<", "=",
    # plain-scalar syntax
    "", " x", "x ", "- x", "-", "? x", ": x", "a: b", "a:", "a #b", "{x}", "[x]", "*x", "&x", "!x", "%x",
    "@x", "`x", "'x", '"x', "|x", ">x", "#x", ",x", "---", "...x", "a\tb", "a\nb", "\x07",
]


@pytest.mark.parametrize("value", SAFE_PLAIN)
def test_safe_plain_strings_stay_plain(value: str) -> None:
    assert not reads_differently_as_plain(value, in_flow=False)
    assert render(value, None, in_flow=False) == value


@pytest.mark.parametrize("value", NEEDS_QUOTES)
def test_values_that_read_differently_are_quoted(value: str) -> None:
    assert reads_differently_as_plain(value, in_flow=False)
    assert render(value, None, in_flow=False)[0] == '"'


@pytest.mark.parametrize("value", ["a:b", "a,b", "a[0]", "a{b}", "a]"])
def test_flow_punctuation_needs_quotes_inside_flow_collections_only(value: str) -> None:
    assert reads_differently_as_plain(value, in_flow=True)
    assert not reads_differently_as_plain(value, in_flow=False)


@pytest.mark.parametrize(("value", "style", "quote", "written"), [
    ("x:1", "'", '"', "'x:1'"),
    ("it's", "'", '"', "'it''s'"),
    ("tab\there", "'", '"', '"tab\\there"'),
    ('say "hi" \\ bye', '"', '"', '"say \\"hi\\" \\\\ bye"'),
    ("\x00\x1b\x85\u2028\ufeff\x7f é", '"', '"', '"\\0\\e\\N\\L\\uFEFF\\x7F é"'),
    ("yes", None, "'", "'yes'"),
    ("yes", None, '"', '"yes"'),
    ("x:1", None, '"', "x:1"),
])
def test_render_keeps_or_chooses_quotes(value: str, style: str | None, quote: str, written: str) -> None:
    assert render(value, style, in_flow=False, preferred_quote=quote) == written


@pytest.mark.parametrize(("value", "written"), [
    (8, "8"), (-3, "-3"), (True, "true"), (False, "false"), (None, "null"), (1.5, "1.5"),
    (1e-05, "1.0e-05"), (1e20, "1.0e+20"), (float("inf"), ".inf"), (float("-inf"), "-.inf"),
    (float("nan"), ".nan"),
])
def test_non_strings_are_written_plain_in_canonical_form(value: object, written: str) -> None:
    assert plain_form(value) == written
    assert render(value, "'", in_flow=False) == written
