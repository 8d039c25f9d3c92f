"""Lint of files full of problems: time grows with the number of problems, not with its square.

Two shapes, each at N and 10N problems (N = 4,000 by default):

- one entry written as a one-line flow mapping with N unknown keys besides its fields (every
  problem in one parent mapping);
- N/2 entries with two errors each (a tp of 0 and a concurrency that is not a power of two).

Each file is linted as a separate process (`sweepgen lint --format json`), median of the runs;
printed: seconds, problems counted in the report, and the 10N / N ratio (linear: about 10).
Usage: python benchmarks/bench_problems.py [--runs N] [--problems N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def unknown_keys(n: int) -> str:
    # the entry's own fields make the file a master config of a known version (a mapping of
    # nothing but unknown keys is one unknown-format problem, not N)
    fields = ("image: 'a/b:1', model: m, model-prefix: e, precision: fp8, framework: x, runner: r, "
              "seq-len-configs: [{isl: 1024, osl: 1024, search-space: [{tp: 1, conc-start: 1, conc-end: 4}]}]")
    return "e-fp8-x: {" + fields + ", " + ", ".join(f"k{i}: 1" for i in range(n)) + "}\n"


def broken_entries(n: int) -> str:
    out = []
    for i in range(n // 2):
        out.append(f"e{i}-fp8-x:\n  image: a/b:1\n  model: m\n  model-prefix: e{i}\n  precision: fp8\n"
                   f"  framework: x\n  runner: r\n  seq-len-configs:\n  - isl: 1024\n    osl: 1024\n"
                   f"    search-space:\n    - {{ tp: 0, conc-start: 3, conc-end: 4 }}\n")
    return "".join(out)


def lint(path: Path, runs: int) -> tuple[float, int]:
    exe = shutil.which("sweepgen")
    command = [exe] if exe else [sys.executable, "-m", "sweepgen"]
    times = []
    count = 0
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([*command, "lint", "--format", "json", str(path)], capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        count = len(json.loads(done.stdout)["problems"])
    return statistics.median(times), count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--problems", type=int, default=4000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "runners.yaml").write_text("r:\n- r_0\n")  # the entries' runner, beside them
        print(f"{'file':<16} {'problems':>9} {'seconds':>8}   10x/1x")
        for name, make in (("unknown keys", unknown_keys), ("broken entries", broken_entries)):
            results = []
            for n in (args.problems, args.problems * 10):
                path = folder / f"{name.replace(' ', '-')}-{n}.yaml"
                path.write_text(make(n))
                results.append(lint(path, args.runs))
            ratio = results[1][0] / results[0][0]
            for (seconds, count), tag in zip(results, ("", f"   {ratio:.1f}")):
                print(f"{name:<16} {count:>9} {seconds:>8.2f}{tag}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
