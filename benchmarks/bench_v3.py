"""sweepgen on today's real v3 configs against the current InferenceX generator, same files, same run.

Builds v3 master configs at 1x and 10x the real files of ../shared/corpus/inferencex-843c6254f
(about 11,700 and 117,000 lines; 1,820 and 18,200 jobs) by replicating entries under new keys,
then times whole processes, median of N runs:

- the generator: `python generate_sweep_configs.py full-sweep --config-files ... --runner-config
  runners.yaml` (`--generator PATH`, default /tmp/oracle/gen/utils/matrix_logic/generate_sweep_configs.py
  when present; run with `--generator-python`, default the interpreter beside it in /tmp/oracle/venv
  or this one; it needs PyYAML and pydantic). Without a generator the comparison is skipped, with a
  message, and sweepgen is timed alone;
- `sweepgen full-sweep`, `sweepgen plan`, `sweepgen lint` on the same files (the `sweepgen` on PATH,
  else `python -m sweepgen`: time a regular install, as users run it; an editable one adds the
  start-up of its import hook).

Before timing, the generator's and sweepgen's full-sweep outputs are compared byte for byte at
every size. Prints medians, the speed-up (generator / sweepgen), the growth 1x -> 10x (linear is
10x; the target is at most 11x) and peak memory per byte of input (peak RSS growth from 1x to 10x
over the input growth), as benchmarks/bench.py does for v1.

Usage: python benchmarks/bench_v3.py [--runs N] [--generator PATH] [--generator-python PYTHON]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import replicate  # noqa: E402  (the v1 benchmark's replica)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "inferencex-843c6254f"
MASTERS = ("nvidia-master.yaml", "amd-master.yaml")
SIZES = (1, 10)
ORACLE = Path("/tmp/oracle")
DEFAULT_GENERATOR = ORACLE / "gen" / "utils" / "matrix_logic" / "generate_sweep_configs.py"


def generator_python(generator: Path, given: str | None) -> str:
    if given:
        return given
    beside = ORACLE / "venv" / "bin" / "python"
    return str(beside) if generator.is_relative_to(ORACLE) and beside.is_file() else sys.executable


def run_once(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and max RSS (KiB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"command failed: {' '.join(cmd)}\n{err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def timed(cmds: dict[str, list[str]], cwd: Path, runs: int) -> dict[str, tuple[float, float, int]]:
    """Median wall and CPU seconds and the largest max RSS of each command; the commands take turns
    (one run of each per round), so that a busy machine slows them alike."""
    samples: dict[str, list[tuple[float, float, int]]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            samples[name].append(run_once(cmd, cwd))
    return {name: (statistics.median(s[0] for s in got), statistics.median(s[1] for s in got),
                   max(s[2] for s in got)) for name, got in samples.items()}


def output(cmd: list[str], cwd: Path) -> bytes:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True)
    if done.returncode != 0:
        raise SystemExit(f"command failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr.decode()[-2000:]}")
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--generator", type=Path, default=DEFAULT_GENERATOR,
                        help="the current generator's generate_sweep_configs.py")
    parser.add_argument("--generator-python", help="the Python to run it with (it needs PyYAML and pydantic)")
    args = parser.parse_args()
    # time what users run: modules compiled once (a set PYTHONDONTWRITEBYTECODE recompiles every module
    # in every process); each command is run once untimed first, so that its bytecode is written
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    if not CORPUS.is_dir():
        raise SystemExit(f"the real v3 configs ({CORPUS}) are absent: nothing to measure")
    sweepgen = shutil.which("sweepgen")
    base_cmd = [sweepgen] if sweepgen else [sys.executable, "-m", "sweepgen"]
    generator: list[str] | None = None
    if args.generator.is_file():
        generator = [generator_python(args.generator, args.generator_python), str(args.generator)]
    else:
        print(f"no generator at {args.generator}: the comparison is skipped (give --generator PATH)")
    print(f"source: {CORPUS}; runs per point: {args.runs} (median); machine: {os.cpu_count()} cores, "
          f"python {sys.version.split()[0]}")
    if generator:
        print(f"generator: {' '.join(generator)}")

    results: dict[int, dict[str, tuple[float, float, int]]] = {}
    sizes: dict[int, tuple[int, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for factor in SIZES:
            folder = Path(tmp) / f"x{factor}"
            folder.mkdir()
            shutil.copy(CORPUS / "runners.yaml", folder / "runners.yaml")
            lines = sum(replicate(CORPUS / name, factor, folder / name) for name in MASTERS)
            sizes[factor] = (lines, sum((folder / name).stat().st_size for name in MASTERS))
            files = ["--config-files", *MASTERS, "--runner-config", "runners.yaml"]
            cmds = {
                "full-sweep": [*base_cmd, "full-sweep", *files],
                "plan": [*base_cmd, "plan", *files],
                "lint": [*base_cmd, "lint", *MASTERS, "--runner-config", "runners.yaml"],
            }
            if generator:
                cmds["generator"] = [*generator, "full-sweep", *files]
                same = output(cmds["generator"], folder) == output(cmds["full-sweep"], folder)
                print(f"{factor}x: sweepgen full-sweep {'prints' if same else 'DOES NOT print'} the generator's "
                      "output byte for byte")
            timed(cmds, folder, 1)  # bytecode written, files in the page cache
            results[factor] = timed(cmds, folder, args.runs)

    names = [n for n in ("generator", "full-sweep", "plan", "lint") if n in results[1]]
    print(f"\n{'size':>5} {'lines':>8} {'KiB':>6} " + " ".join(f"{n:>11}" for n in names)
          + "   speed-up (wall / CPU)   peak RSS MiB (" + "/".join(names) + ")")
    for factor in SIZES:
        lines, size = sizes[factor]
        got = results[factor]
        cells = " ".join(f"{got[n][0] * 1000:9.0f}ms" for n in names)
        speed = (f"{got['generator'][0] / got['full-sweep'][0]:6.1f}x / {got['generator'][1] / got['full-sweep'][1]:4.1f}x"
                 if "generator" in got else f"{'-':>14}")
        peaks = "/".join(f"{got[n][2] / 1024:.1f}" for n in names)
        print(f"{factor:>4}x {lines:>8} {size / 1024:6.0f} {cells}   {speed:>21}   {peaks}")
    print("\nCPU seconds (user + system): " + "; ".join(
        f"{factor}x " + ", ".join(f"{n} {results[factor][n][1]:.2f}" for n in names) for factor in SIZES))

    print("\ngrowth 1x -> 10x, wall (CPU) (linear is 10x; the target is at most 11x):")
    for name in names:
        print(f"  {name:<10} {results[10][name][0] / results[1][name][0]:5.1f}x"
              f" ({results[10][name][1] / results[1][name][1]:.1f}x)")
    grown = sizes[10][1] - sizes[1][1]
    print("\nmemory per byte of input (peak RSS growth from 1x to 10x / input growth):")
    for name in names:
        extra = (results[10][name][2] - results[1][name][2]) * 1024
        print(f"  {name:<10} {extra / grown:5.1f}x")
    if "generator" in results[1]:
        print("\nspeed-up = generator wall time / sweepgen full-sweep wall time, same files, same run "
              "(the target is at least 4x at 1x).")


if __name__ == "__main__":
    main()
