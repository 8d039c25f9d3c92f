"""Edit time against lint time on the same large file, measured in the same run.

An edit lints the file it changes (the "never worse" guard), so `sweepgen lint` of the file
is the natural yardstick: the target is an edit costing about one lint. This builds large
master configs by replicating the entries of the real configs (../shared/corpus, or the
v1 examples in tests/data/v1-configs when that is absent) under new keys, then times, as separate
processes, each the median of N runs:

- `sweepgen lint FILE --runner-config runners.yaml` (the baseline);
- `sweepgen bump-image --key K --to IMAGE` (written), with `--dry-run` (the diff), and
  `--from OLD --to NEW` (every entry of one image: many values in one file);
- `sweepgen set` of the first conc-end (written) and with `--dry-run`.

Every timed edit really changes the file (the runs alternate between two values). Prints the
times and each edit's ratio to lint. Usage: python benchmarks/bench_edit.py [--runs N] [--lines N]
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
CORPUS = ROOT.parent / "shared" / "corpus"
SOURCES = (("v1", "inferencemax-17d5e204f"), ("v2", "inferencemax-2d0d4283d"))


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


def build(src: Path, lines: int, dest: Path) -> int:
    """Replicate src's entries under new keys until the file has at least `lines` lines."""
    header, entries = split_entries(src.read_text(encoding="utf-8"))
    out = [header]
    count, i = header.count("\n"), 0
    while count < lines:
        for key, block in entries:
            new_key = key if i == 0 else f"{key}-r{i}"
            piece = new_key + block[len(key):].rstrip("\n") + "\n\n"
            out.append(piece)
            count += piece.count("\n")
        i += 1
    dest.write_text("".join(out), encoding="utf-8")
    return count


def first_entry(path: Path) -> tuple[str, str, str, int]:
    """The first entry's key and image, and the address and value of the first conc-end
    (read by sweepgen's loader)."""
    sys.path.insert(0, str(ROOT))
    from sweepgen.yamlsource import load_path

    data = load_path(path).data
    key, entry = next(iter(data.items()))
    for k, e in data.items():
        for i, block in enumerate(e["seq-len-configs"]):
            for j, point in enumerate(block["search-space"]):
                if "conc-end" in point:
                    return key, entry["image"], f'{k}.seq-len-configs[{i}].search-space[{j}].conc-end', \
                        point["conc-end"]
    raise SystemExit(f"{path}: no search point with conc-end")


def run_once(cmd: list[str], cwd: Path, lint: bool) -> tuple[float, float]:
    """(wall seconds, CPU seconds of user and system) of one run of cmd as a separate process."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0 and not (lint and code == 1):  # lint exits 1 on a file with problems
        raise SystemExit(f"command failed ({code}): {' '.join(cmd)}\n{err}")
    return wall, usage.ru_utime + usage.ru_stime


def measure(cases: dict[str, tuple[list[str], list[list[str]] | None]], cwd: Path, runs: int
            ) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) per case; the cases take turns, so that a busy machine slows all alike.
    A case with vary runs with vary[i % len(vary)] appended on its i-th run."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for i in range(runs):
        for name, (cmd, vary) in cases.items():
            full = cmd + (vary[i % len(vary)] if vary else [])
            samples[name].append(run_once(full, cwd, lint=name == "lint"))
    return {name: (statistics.median(w for w, _ in got), statistics.median(c for _, c in got))
            for name, got in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lines", type=int, nargs="+", default=[18_000])
    args = parser.parse_args()
    sweepgen = [sys.executable, "-m", "sweepgen"]  # this checkout's sweepgen (PYTHONPATH)
    print(f"runs per point: {args.runs} (median); machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    header = f"{'source':<26} {'lines':>7} {'lint':>8}  " + "  ".join(
        f"{n:>20}" for n in ("bump-image", "bump --dry-run", "bump --from", "set", "set --dry-run"))
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        for version, name in SOURCES:
            folder = CORPUS / name
            if not folder.is_dir():
                folder = ROOT / "tests" / "data" / "v1-configs"
                if version != "v1":
                    continue
            src = folder / "nvidia-master.yaml"
            for lines in args.lines:
                work = Path(tmp) / f"{version}-{lines}"
                work.mkdir()
                shutil.copy(folder / "runners.yaml", work / "runners.yaml")
                target = work / "nvidia-master.yaml"
                count = build(src, lines, target)
                key, image, where, conc_end = first_entry(target)
                files = ["--config-files", target.name]
                cases: dict[str, tuple[list[str], list[list[str]] | None]] = {
                    "lint": ([*sweepgen, "lint", target.name, "--runner-config", "runners.yaml"], None),
                    "bump-image": ([*sweepgen, "bump-image", *files, "--key", key],
                                   [["--to", "example.com/a/b:1"], ["--to", "example.com/a/b:2"]]),
                    "bump --dry-run": ([*sweepgen, "bump-image", *files, "--key", key, "--to", "example.com/a/b:3",
                                        "--dry-run"], None),
                    "bump --from": ([*sweepgen, "bump-image", *files],
                                    [["--from", image, "--to", "example.com/a/b:4"],
                                     ["--from", "example.com/a/b:4", "--to", image]]),
                    "set": ([*sweepgen, "set", *files, where], [[str(conc_end * 2)], [str(conc_end)]]),
                    "set --dry-run": ([*sweepgen, "set", *files, "--dry-run", where, str(conc_end * 4)], None),
                }
                results = measure(cases, work, args.runs)
                lint_wall, lint_cpu = results.pop("lint")
                cells = "  ".join(f"{w * 1000:6.0f}ms {w / lint_wall:4.2f}x {c / lint_cpu:4.2f}x"
                                  for w, c in results.values())
                print(f"{name + ' ' + version:<26} {count:>7} {lint_wall * 1000:6.0f}ms  {cells}")
    print("\nper edit: median wall time, then wall and CPU (user + system) time as ratios to `sweepgen lint`"
          "\nof the same file in the same run; the target is an edit costing about one lint (ratio near 1)."
          "\nWritten edits also wait for fsync (of the file and its folder), which CPU time leaves out.")


if __name__ == "__main__":
    main()
