"""v3's lint rules written in Python (cross-document and structural rules the schema cannot say),
one module each; each module defines its `formats.PythonRule`s. `walk` is what they share."""

from __future__ import annotations

from sweepgen.formats.base import PythonRule


def _all() -> tuple[PythonRule, ...]:
    from . import point_shape, dram_hardware, duplicate_conc, empty_search_space, gpu_fit, null_override, runner_label

    return (runner_label.RULE, dram_hardware.RULE, gpu_fit.RULE, point_shape.RULE, null_override.ERROR_RULE,
            null_override.WARNING_RULE, empty_search_space.RULE, duplicate_conc.RULE)


ALL: tuple[PythonRule, ...] = _all()
