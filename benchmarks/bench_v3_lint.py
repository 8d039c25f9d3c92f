"""sweepgen lint of today's real v3 configs against the current generator's full-sweep, side by side.

    python benchmarks/bench_v3_lint.py [--runs N] [--generator PATH [--generator-python PY]]

Both are timed as whole processes on the same files (the corpus folder
../shared/corpus/inferencex-843c6254f, or --configs DIR), alternating, median of N runs; ratios
come from the same run. The generator (utils/matrix_logic/generate_sweep_configs.py of
InferenceX) validates the configs with pydantic and then expands them: `full-sweep` is what a
maintainer's pull request runs. Without --generator (or when its file is absent) only sweepgen
is timed and the comparison is skipped with a message.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "inferencex-843c6254f"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one run; CPU time (user + system) is what a busy machine distorts least."""
    cpu, start = _cpu(), time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({result.returncode}): {result.stderr.decode()[-500:]}")
    return elapsed, _cpu() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--configs", type=Path, default=CORPUS, help="folder with the master configs and runners.yaml")
    parser.add_argument("--generator", type=Path, help="path of generate_sweep_configs.py")
    parser.add_argument("--generator-python", default=sys.executable,
                        help="the interpreter that runs the generator (it needs pydantic and PyYAML)")
    args = parser.parse_args(argv)
    folder = args.configs.resolve()
    if not folder.is_dir():
        print(f"skipped: {folder} is absent")
        return 0
    masters = sorted(p.name for p in folder.glob("*master*.yaml"))
    sweepgen = [sys.executable, "-m", "sweepgen", "lint", *masters, "--runner-config", "runners.yaml"]
    commands = {"sweepgen lint": sweepgen}
    if args.generator is None or not args.generator.is_file():
        why = "no --generator given" if args.generator is None else f"{args.generator} is absent"
        print(f"comparison skipped: {why}")
    else:
        commands["generator full-sweep"] = [args.generator_python, str(args.generator.resolve()), "full-sweep",
                                            "--config-files", *masters, "--runner-config", "runners.yaml"]
    env_note = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, {args.runs} runs each, median"
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for name, cmd in commands.items():
        _time(cmd, folder)  # warm the file cache and the interpreters' bytecode
    for _ in range(args.runs):
        for name, cmd in commands.items():
            times[name].append(_time(cmd, folder))
    lines = sum(len((folder / m).read_text().splitlines()) for m in masters)
    print(f"{folder.name}: {len(masters)} master configs, {lines} lines ({env_note})")
    wall = {name: statistics.median(t[0] for t in ts) for name, ts in times.items()}
    cpu = {name: statistics.median(t[1] for t in ts) for name, ts in times.items()}
    for name in commands:
        print(f"  {name:<22} wall {wall[name] * 1000:6.0f} ms   CPU {cpu[name] * 1000:6.0f} ms")
    if "generator full-sweep" in wall:
        print(f"  ratio (generator / sweepgen): wall {wall['generator full-sweep'] / wall['sweepgen lint']:.1f}x, "
              f"CPU {cpu['generator full-sweep'] / cpu['sweepgen lint']:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
