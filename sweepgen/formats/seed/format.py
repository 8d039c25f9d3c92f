"""A seed-family Format: v1 and v2 are instances, each with its own orders, options and policy."""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from sweepgen.formats.base import ConfigSet, Format, Option, Request, RequestError, Selection

from .policy import Policy
from .runners import runner_names
from ...records import record

if TYPE_CHECKING:
    from .select import Selector


@record(frozen=False)
class SeedFormat(Format):
    """What lint needs (the runner names) is here; the model and selections are imported on
    first use, so that lint does not pay for them."""

    orders: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # shape -> key order
    multinode_order: tuple[str, ...] | None = None
    policy: Policy | None = None
    _selector: Selector | None = field(default=None, repr=False)

    @property
    def selector(self) -> Selector:
        if self._selector is None:
            from .rows import Orders
            from .select import Selector

            assert self.policy is not None
            self._selector = Selector(self.name, Orders(self.name, self.orders, self.multinode_order), self.policy)
        return self._selector

    def reference_sets(self, runner_data: Any, path: str) -> dict[str, tuple[frozenset[str], str]]:
        return {"runner-config": (runner_names(runner_data), path)}

    def load(self, masters: Sequence[tuple[str, Any]], runner: tuple[str, Any] | None) -> ConfigSet:
        from . import model

        entries: list[model.Entry] = []
        for path, data in masters:
            entries.extend(model.entries(data, path))
        runners = model.runner_config(runner[1], runner[0]) if runner is not None else None
        return ConfigSet(self.name, tuple(entries), runners, runner[0] if runner is not None else None)

    def check_request(self, request: Request) -> None:
        from sweepgen.formats.common import seqlen

        known = seqlen.named_pairs(self.name)
        bad = [n for n in request.get("seq_lens") or () if n not in known]
        if bad:
            raise RequestError(f"invalid choice: {bad[0]}. (choose from {', '.join(known)})", "'--seq-lens'")

    def select(self, configs: ConfigSet, request: Request) -> Selection:
        choose: dict[str, Callable[[ConfigSet, Request], Selection]] = {
            "full-sweep": self.selector.full_sweep, "plan": self.selector.full_sweep,
            "diff": self.selector.full_sweep, "test-config": self.selector.test_config,
            "runner-model-sweep": self.selector.runner_model_sweep, "runner-sweep": self.selector.runner_sweep,
            "custom": self.selector.custom}
        return choose[request.command](configs, request)

    def describe(self, request: Request) -> str:
        from .select import Filters

        return Filters.of(request).describe()


# ---------------------------------------------------------------- the options of the seed's subcommands

SWEEPS = ("full-sweep", "plan", "diff")  # full-sweep's options are plan's and diff's too


def sweep_options() -> tuple[Option, ...]:
    """full-sweep's filters (and plan's and diff's)."""
    return (
        Option("--model-prefix", "values", "Entries whose key starts with one of these.", "entry", SWEEPS,
               completes="entry-key"),
        Option("--precision", "values", "Entries with one of these precisions.", "entry", SWEEPS),
        Option("--framework", "values", "Entries with one of these frameworks.", "entry", SWEEPS),
        Option("--runner-type", "values", "Entries whose runner is one of these runner types.", "entry", SWEEPS),
        Option("--seq-lens", "values", "Sequence lengths to include (1k1k 1k8k 8k1k).", "point",
               (*SWEEPS, "test-config")),
        Option("--step-size", "int", "Concurrency multiplier between conc-start and conc-end (at least 2).",
               "point", (*SWEEPS, "test-config"), default=2, minimum=2),
        Option("--test-mode", "flag", "One job per sequence-length block: its first largest-tp point at "
                                      "conc-start.", "row", SWEEPS),
        Option("--single-node", "flag", "Single-node entries (one job per concurrency). Neither flag: both, "
                                        "single-node first.", "entry", SWEEPS),
        Option("--multi-node", "flag", "Multinode entries (one job per search point, serving all its "
                                       "concurrencies).", "entry", SWEEPS),
    )


def smoke_options(*, custom_prefix_help: str) -> tuple[Option, ...]:
    """test-config's, the runner sweeps' and custom's options."""
    return (
        Option("--key", "value", "The entry key to run.", "entry", ("test-config",), required_in=("test-config",),
               completes="entry-key"),
        Option("--runner-node", "value", "Run on this node of the entry's runner type.", "row", ("test-config",)),
        Option("--test-mode", "flag", "One job per search point, at its conc-start.", "row", ("test-config",)),
        Option("--runner-type", "value", "The runner type whose nodes to test.", "entry",
               ("runner-model-sweep", "runner-sweep"), required_in=("runner-model-sweep", "runner-sweep")),
        Option("--runner-node-filter", "value", "Only the nodes whose name contains this.", "row",
               ("runner-model-sweep",)),
        Option("--model-prefix", "value", "Entries whose key starts with this.", "entry", ("runner-sweep",),
               required_in=("runner-sweep",), completes="entry-key"),
        Option("--precision", "value", "Only entries with this precision.", "entry", ("runner-sweep",)),
        Option("--framework", "value", "Only entries with this framework.", "entry", ("runner-sweep",)),
        Option("--runner-label", "value", "A runner type or runner node of the runner config.", "row", ("custom",),
               required_in=("custom",)),
        Option("--image", "value", "Container image.", "row", ("custom",), required_in=("custom",)),
        Option("--model", "value", "Model name or path.", "row", ("custom",), required_in=("custom",)),
        Option("--framework", "value", "Framework (sglang, trt, vllm, ...).", "row", ("custom",),
               required_in=("custom",)),
        Option("--precision", "value", "Precision (fp4, fp8, ...).", "row", ("custom",), required_in=("custom",)),
        Option("--exp-name", "value", "Experiment name.", "row", ("custom",), required_in=("custom",)),
        Option("--model-prefix", "value", custom_prefix_help, "row", ("custom",)),
    )
