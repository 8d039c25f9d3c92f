"""Writing $GITHUB_OUTPUT in the Actions toolkit's delimiter form."""

from __future__ import annotations

from pathlib import Path

import pytest

from sweepgen.ghoutput import OutputError, format_output, write_outputs


def fixed() -> str:
    return "ghadelimiter_0000"


def test_format() -> None:
    assert format_output("names", '["a"]', fixed) == 'names<<ghadelimiter_0000\n["a"]\nghadelimiter_0000\n'
    assert format_output("multi", "a\nb", fixed) == "multi<<ghadelimiter_0000\na\nb\nghadelimiter_0000\n"


def test_refuses_a_value_or_name_holding_the_delimiter() -> None:
    with pytest.raises(OutputError, match="the value of output 'x' contains its delimiter ghadelimiter_0000"):
        format_output("x", "a\nghadelimiter_0000\ninjected=1", fixed)
    with pytest.raises(OutputError, match="contains its delimiter"):
        format_output("ghadelimiter_0000", "v", fixed)
    with pytest.raises(OutputError, match="invalid output name"):
        format_output("a\nb", "v", fixed)


def test_write_appends_all_or_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("before=1\n")
    with pytest.raises(OutputError):
        write_outputs(target, {"a": "1", "b": "ghadelimiter_0000"}, delimiter=fixed)
    assert target.read_text() == "before=1\n"
    write_outputs(target, {"a": "1", "b": "2"}, delimiter=fixed)
    assert target.read_text() == ("before=1\na<<ghadelimiter_0000\n1\nghadelimiter_0000\n"
                                  "b<<ghadelimiter_0000\n2\nghadelimiter_0000\n")


def test_write_refuses_more_than_the_job_limit(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="the outputs total 11 bytes; GitHub allows 10 bytes of outputs per job"):
        write_outputs(tmp_path / "out", {"a": "x" * 11}, limit=10)
    assert not (tmp_path / "out").exists()


def test_random_delimiters_differ(tmp_path: Path) -> None:
    target = tmp_path / "out"
    write_outputs(target, {"a": "1", "b": "2"})
    first, second = (line.split("<<")[1] for line in target.read_text().splitlines() if "<<" in line)
    assert first != second and first.startswith("ghadelimiter_")
