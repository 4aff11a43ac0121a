#!/usr/bin/env python3
"""How secrev's scan time grows with corpus size: the bench corpus 1x, 2x and 4x.

Copies the neutron + nova corpus prepared by bench.py (run `bench.py --prepare-only` first)
into 1, 2 and 4 side-by-side copies under a temporary directory, then times
`secrev scan` on each (one warm-up, then --runs timed runs, median wall time and peak RSS
via os.wait4), with every rule and with the taint rules only (`--select PY8`). Prints a
Markdown table with time per copy: flat when the cost is linear. Each copy is its own
package tree, so cross-file resolution sees duplicates exactly as a monorepo would.
Python 3.11 standard library only.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench import CORPUS_PACKAGES

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = Path.home() / ".cache" / "secrev-bench"


def measure(argv: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise RuntimeError(f"{argv} exited {code}")
    return wall, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--secrev-bin", type=Path,
                        default=REPO_ROOT / "target" / "release" / "secrev")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()
    # The bench corpus trees only: the corpus directory also holds other benchmarks' services.
    trees = [args.cache / "corpus" / f"{name}-{version}"
             for name, version in CORPUS_PACKAGES.items()]
    missing = [t for t in trees if not t.is_dir()]
    if missing:
        raise SystemExit(f"{missing[0]} is missing: run bench/bench.py --prepare-only first")

    rows = []
    with tempfile.TemporaryDirectory(prefix="secrev-scaling-") as tmp:
        for copies in args.copies:
            root = Path(tmp) / f"x{copies}"
            for i in range(copies):
                for tree in trees:
                    shutil.copytree(tree, root / f"copy{i}" / tree.name)
            for label, extra in (("all rules", []), ("taint rules only", ["--select", "PY8"])):
                argv = [str(args.secrev_bin), "scan", str(root), "--quiet",
                        "--format", "json", "--output", os.devnull, *extra]
                measure(argv)  # warm-up: file cache
                runs = [measure(argv) for _ in range(args.runs)]
                wall = statistics.median(r[0] for r in runs)
                rss = max(r[1] for r in runs) / 1024
                rows.append((copies, label, wall, rss))
                print(f"x{copies} {label}: {wall:.2f}s, {rss:.0f} MB", flush=True)
            shutil.rmtree(root)

    print("\n| copies | rules | median wall (s) | s per copy | peak RSS (MB) |")
    print("| --: | --- | --: | --: | --: |")
    for copies, label, wall, rss in rows:
        print(f"| {copies} | {label} | {wall:.2f} | {wall / copies:.2f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
