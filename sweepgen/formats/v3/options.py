"""The command-line options of v3 configs, as data: the current generator's flags of full-sweep and
test-config (FORMAT-v3 4.1, 4.10), which plan and diff take as full-sweep does, and sweepgen's own
smoke subcommands (runner-model-sweep, runner-sweep, custom) in v3 terms."""

from __future__ import annotations

from sweepgen.formats.base import Option

SWEEPS = ("full-sweep", "plan", "diff")  # full-sweep's options are plan's and diff's too
EXPANDING = (*SWEEPS, "test-config")  # the generator's shared options
SCENARIOS = ("fixed-seq-len", "agentic-coding")

_EVALS = (
    Option("--no-evals", "flag", "Skip the eval pass: throughput jobs only, agentic jobs without run-eval.", "row",
           EXPANDING, excludes=("--evals-only", "--all-evals")),
    Option("--evals-only", "flag", "Only the jobs the eval pass marks (agentic ones too), each with "
                                   "eval-only: true.", "row", EXPANDING),
    Option("--all-evals", "flag", "Every 8k1k fixed job and every agentic job runs evals (multinode jobs of one "
                                  "topology merged into one); only those are printed.", "row", EXPANDING),
)

OPTIONS: tuple[Option, ...] = (
    # full-sweep (plan, diff)
    Option("--model-prefix", "values", "Entries whose key starts with one of these.", "entry", SWEEPS),
    Option("--precision", "values", "Entries with one of these precisions.", "entry", SWEEPS),
    Option("--framework", "values", "Entries with one of these frameworks.", "entry", SWEEPS),
    Option("--runner-type", "values", "Entries whose runner is one of these runner types (v3: labels).", "entry",
           SWEEPS),
    Option("--seq-lens", "values", "Sequence lengths to include, by name (1k1k 8k1k; v1 and v2 configs also 1k8k). "
                                   "Agentic jobs are not filtered.", "point", EXPANDING),
    Option("--step-size", "int", "Concurrency multiplier between conc-start and conc-end (at least 2).", "point",
           SWEEPS, default=2, minimum=2),
    Option("--min-conc", "int", "Lowest concurrency (a point with nothing at or above it is skipped).", "point",
           SWEEPS),
    Option("--max-conc", "int", "Highest concurrency (a fixed point entirely above it runs at it).", "point",
           SWEEPS),
    Option("--max-tp", "int", "Skip single-node fixed points with a larger tp.", "point", SWEEPS),
    Option("--max-ep", "int", "Cap the ep of single-node fixed points at this.", "point", SWEEPS),
    Option("--single-node", "flag", "Single-node entries. Neither flag: both.", "entry", SWEEPS),
    Option("--multi-node", "flag", "Multinode entries. Neither flag: both.", "entry", SWEEPS),
    Option("--scenario-type", "values", "Scenario types to include (fixed-seq-len agentic-coding; default both).",
           "point", EXPANDING, choices=SCENARIOS),
    Option("--runner-node-filter", "value", "Run on every node of the entry's runner label whose name contains "
                                            "this; entries with none are skipped.", "row",
           (*EXPANDING, "runner-model-sweep")),
    *_EVALS,
    # test-config
    Option("--config-keys", "values", "Entry keys to expand fully; * and ? are globs.", "entry", ("test-config",),
           required_in=("test-config",)),
    Option("--conc", "ints", "Only these concurrencies.", "point", ("test-config",)),
    # the smoke subcommands: one job per entry and node, from its first fixed-seq-len block
    Option("--runner-type", "value", "The runner label whose nodes to test.", "entry",
           ("runner-model-sweep", "runner-sweep"), required_in=("runner-model-sweep", "runner-sweep")),
    Option("--model-prefix", "value", "Entries whose key starts with this.", "entry", ("runner-sweep",),
           required_in=("runner-sweep",)),
    Option("--precision", "value", "Only entries with this precision.", "entry", ("runner-sweep",)),
    Option("--framework", "value", "Only entries with this framework.", "entry", ("runner-sweep",)),
    # custom: one job from its flags
    Option("--runner-label", "value", "A runner label or runner node of the runner config.", "row", ("custom",),
           required_in=("custom",)),
    Option("--image", "value", "Container image.", "row", ("custom",), required_in=("custom",)),
    Option("--model", "value", "Model name or path.", "row", ("custom",), required_in=("custom",)),
    Option("--framework", "value", "Framework (sglang, trt, vllm, ...).", "row", ("custom",),
           required_in=("custom",)),
    Option("--precision", "value", "Precision (fp4, fp8, ...).", "row", ("custom",), required_in=("custom",)),
    Option("--exp-name", "value", "Experiment name.", "row", ("custom",), required_in=("custom",)),
    Option("--model-prefix", "value", "Model prefix (v2 and v3 jobs carry one; required with their configs).",
           "row", ("custom",), required_in=("custom",)),
)
