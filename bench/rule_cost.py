#!/usr/bin/env python3
"""Measure what a set of rules finds and costs on the benchmark corpus.

For the rules named by --rules (ids or id prefixes, as `secrev scan --select` takes them) it
prints the findings per rule, per 1,000 lines of the corpus and per severity/confidence, and the
scan time of the whole default rule set with and without those rules (median of --runs runs
each, after one warm-up), so the added cost of the rules is a measured figure. The findings of
the rules are written as a secrev JSON report for `sample_findings.py` to sample from.
Python 3.11 standard library only; the corpus is the one bench.py prepares.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sample_findings import BENCH_CORPUS

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rules", required=True,
                   help="comma-separated rule ids or id prefixes (e.g. PY9,PY703)")
    p.add_argument("--runs", type=int, default=5, help="timed runs with and without the rules")
    p.add_argument("--base-select", default=None,
                   help="rule set both timed scans start from (e.g. ALL, so that opt-in rules "
                        "in --rules are timed too); default: the default rule set")
    p.add_argument("--secrev-bin", type=Path,
                   default=REPO_ROOT / "target" / "release" / "secrev")
    p.add_argument("--corpus", type=Path, default=BENCH_CORPUS)
    p.add_argument("--output", type=Path, default=RESULTS_DIR / "rule-findings.json",
                   help="where to write the findings of the selected rules")
    return p.parse_args()


def corpus_lines(corpus: Path) -> int:
    total = 0
    for path in corpus.rglob("*.py"):
        with open(path, "rb") as handle:
            total += sum(1 for _ in handle)
    return total


def run_scan(binary: Path, corpus: Path, extra: list[str], output: Path) -> float:
    """One scan; returns its wall time in seconds."""
    command = [str(binary), "scan", str(corpus), "--format", "json", "--output", str(output),
               *extra]
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"secrev failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed


def median_time(binary: Path, corpus: Path, extra: list[str], runs: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        run_scan(binary, corpus, extra, out)  # warm-up: file cache
        return statistics.median(run_scan(binary, corpus, extra, out) for _ in range(runs))


def main() -> None:
    args = parse_args()
    if not args.secrev_bin.is_file():
        sys.exit(f"no secrev binary at {args.secrev_bin} (run `cargo build --release`)")
    if not args.corpus.is_dir():
        sys.exit(f"no corpus at {args.corpus} (run `python3 bench/bench.py --prepare-only`)")
    args.output.parent.mkdir(parents=True, exist_ok=True)

    run_scan(args.secrev_bin, args.corpus, ["--select", args.rules], args.output)
    findings = json.loads(args.output.read_text())["findings"]
    lines = corpus_lines(args.corpus)

    per_rule = Counter(f["rule_id"] for f in findings)
    grades = Counter((f["rule_id"], f["severity"], f["confidence"]) for f in findings)
    print(f"corpus: {args.corpus} ({lines:,} lines)")
    print(f"findings of {args.rules}: {len(findings)} ({len(findings) / lines * 1000:.3f}/kloc)")
    print("| rule | findings | per kloc | severity/confidence |")
    print("|---|---:|---:|---|")
    for rule, count in sorted(per_rule.items()):
        split = ", ".join(f"{sev}/{conf} {n}" for (r, sev, conf), n in sorted(grades.items())
                          if r == rule)
        print(f"| {rule} | {count} | {count / lines * 1000:.3f} | {split} |")

    base = ["--select", args.base_select] if args.base_select else []
    with_rules = median_time(args.secrev_bin, args.corpus, base, args.runs)
    without = median_time(args.secrev_bin, args.corpus, [*base, "--ignore", args.rules], args.runs)
    added = (with_rules - without) / without * 100 if without else 0.0
    print(f"scan time, median of {args.runs}: all rules {with_rules:.3f} s, "
          f"without {args.rules} {without:.3f} s, added {added:+.1f}%")
    print(f"findings written to {args.output}")


if __name__ == "__main__":
    main()
