"""Whole-process wall time of sweepgen against a same-run baseline.

Builds v1 master configs at 1x, 10x, 20x (about 10,000 lines) and 100x the size of the seed-era
real configs (../shared/corpus/inferencemax-17d5e204f, or the v1 examples in tests/data/v1-configs
when that is absent) by replicating entries under new keys, then times, as separate processes:

- the baseline: a Python process that only does PyYAML's pure-Python `yaml.safe_load` of the
  same files (the parse step of the generator sweepgen replaces);
- `sweepgen lint`, `sweepgen full-sweep`, `sweepgen plan` on the same files;
- `sweepgen --help`.

Prints a table of medians, the ratio sweepgen / baseline per size, the 10x -> 100x growth, and
peak memory (max RSS) against the input size. Usage: python benchmarks/bench.py [--runs N]
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

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "inferencemax-17d5e204f"
SIZES = (1, 10, 20, 100)


def source_files() -> tuple[list[Path], Path]:
    folder = CORPUS if CORPUS.is_dir() else ROOT / "tests" / "data" / "v1-configs"
    masters = sorted(p for p in folder.glob("*.yaml") if p.name != "runners.yaml")
    return masters, folder / "runners.yaml"


def split_entries(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(header, [(key, block text)]) of a block-style master config, by top-level keys."""
    header: list[str] = []
    entries: list[tuple[str, list[str]]] = []
    for line in text.splitlines(keepends=True):
        if line[:1] not in (" ", "#", "\n", "-", "") and line.rstrip().endswith(":"):
            entries.append((line.rstrip()[:-1], [line]))
        elif entries:
            entries[-1][1].append(line)
        else:
            header.append(line)
    return "".join(header), [(k, "".join(v)) for k, v in entries]


def replicate(src: Path, factor: int, dest: Path) -> int:
    header, entries = split_entries(src.read_text())
    out = [header]
    for i in range(factor):
        for key, block in entries:
            new_key = key if i == 0 else f"{key}-r{i}"
            out.append(new_key + block[len(key):].rstrip("\n") + "\n\n")
    dest.write_text("".join(out))
    return dest.read_text().count("\n")


def timed(cmd: list[str], cwd: Path, runs: int) -> tuple[float, int]:
    """Median wall seconds and the largest max RSS (KiB) over runs."""
    times, peak = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode() if proc.stderr else ""
        if proc.stderr:
            proc.stderr.close()
        if proc.returncode not in (0,):
            raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
        times.append(elapsed)
        peak = max(peak, usage.ru_maxrss)
    return statistics.median(times), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sweepgen = shutil.which("sweepgen")
    base_cmd = [sweepgen] if sweepgen else [sys.executable, "-m", "sweepgen"]
    masters, runners = source_files()
    print(f"source: {masters[0].parent} ({len(masters)} master configs); runs per point: {args.runs} (median)")
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        help_time, _ = timed([*base_cmd, "--help"], work, args.runs)
        for factor in SIZES:
            folder = work / f"x{factor}"
            folder.mkdir()
            shutil.copy(runners, folder / "runners.yaml")
            lines = sum(replicate(m, factor, folder / m.name) for m in masters)
            size = sum((folder / m.name).stat().st_size for m in masters)
            files = [m.name for m in masters]
            baseline_code = (
                "import sys, yaml\n"
                "for f in sys.argv[1:]:\n"
                "    with open(f) as h: yaml.safe_load(h)\n"
            )
            base_t, base_rss = timed([sys.executable, "-c", baseline_code, *files], folder, args.runs)
            cmds = {
                "lint": [*base_cmd, "lint", *files, "--runner-config", "runners.yaml"],
                "full-sweep": [*base_cmd, "full-sweep", "--config-files", *files],
                "plan": [*base_cmd, "plan", "--config-files", *files],
            }
            results = {name: timed(cmd, folder, args.runs) for name, cmd in cmds.items()}
            rows.append((factor, lines, size, base_t, base_rss, results))

    print(f"\nsweepgen --help: {help_time * 1000:.0f} ms\n")
    head = f"{'size':>5} {'lines':>7} {'KiB':>6} {'baseline':>9} " + " ".join(
        f"{n:>11} {'ratio':>6}" for n in ("lint", "full-sweep", "plan")) + "   peak RSS MiB (lint/full-sweep/plan)"
    print(head)
    for factor, lines, size, base_t, base_rss, results in rows:
        cells = " ".join(f"{t * 1000:9.0f}ms {t / base_t:6.2f}" for t, _ in results.values())
        peaks = "/".join(f"{rss / 1024:.1f}" for _, rss in results.values())
        print(f"{factor:>4}x {lines:>7} {size / 1024:6.0f} {base_t * 1000:7.0f}ms {cells}   {peaks}")
    by = {r[0]: r for r in rows}
    if 10 in by and 100 in by:
        print("\ngrowth 10x -> 100x (linear is 10x; the target is at most 11x):")
        for name in ("lint", "full-sweep", "plan"):
            print(f"  {name:<10} {by[100][5][name][0] / by[10][5][name][0]:5.1f}x"
                  f"   baseline {by[100][3] / by[10][3]:5.1f}x")
    if 1 in by and 100 in by:
        grown = by[100][2] - by[1][2]
        print("\nmemory per byte of input (peak RSS growth from 1x to 100x / input growth; the target is under 20x):")
        for name in ("lint", "full-sweep", "plan"):
            extra = (by[100][5][name][1] - by[1][5][name][1]) * 1024
            print(f"  {name:<10} {extra / grown:5.1f}x   (baseline yaml.safe_load "
                  f"{(by[100][4] - by[1][4]) * 1024 / grown:.1f}x)")
    print("\nratio = sweepgen wall time / baseline (yaml.safe_load only) wall time, same files, same run;"
          "\nfull-sweep and plan print every job: at 100x that is about 55,000 jobs (several MB of JSON).")


if __name__ == "__main__":
    main()
