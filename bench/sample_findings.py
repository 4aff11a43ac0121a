#!/usr/bin/env python3
"""Print a reproducible random sample of secrev's high/critical findings with source context.

Reads a secrev JSON report (e.g. bench/results/secrev-findings.json written by
bench.py), picks K findings of the chosen severities uniformly at random with a
fixed seed, and prints each with a few lines of surrounding source so a human
can mark it as a true or false positive. Python 3.11 standard library only.
"""

import argparse
import json
import os
import random
import sys
from pathlib import Path
from typing import NoReturn

LIST_KEYS = ("findings", "results", "issues")
RULE_KEYS = ("rule_id", "rule", "id", "code", "test_id")
# Where bench.py extracts its corpus (same default as there).
BENCH_CORPUS = Path(os.environ.get("SECREV_BENCH_CACHE",
                                   Path.home() / ".cache" / "secrev-bench")) / "corpus"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("report", type=Path, help="secrev JSON report")
    p.add_argument("-k", type=int, default=30, help="number of findings to sample")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--context", type=int, default=3, help="source lines before/after")
    p.add_argument("--severities", default="high,critical",
                   help="comma-separated severities to sample from")
    p.add_argument("--root", type=Path, action="append", default=[],
                   help="directory to resolve relative finding paths against (repeatable); "
                        "the bench corpus, the report's directory and the current "
                        "directory are tried too")
    return p.parse_args()


def fail(msg: str) -> NoReturn:
    print(f"sample_findings: {msg}", file=sys.stderr)
    sys.exit(2)


def load_findings(report: Path) -> list[dict]:
    data = json.loads(report.read_text())
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        fail(f"top level of {report} is a {type(data).__name__}, expected an object")
    for key in LIST_KEYS:
        if isinstance(data.get(key), list):
            return data[key]
    fail(f"no findings list in {report}; looked for {', '.join(LIST_KEYS)}; "
         f"top-level keys are: {', '.join(data) or '(none)'}")


def first_key(finding: dict, keys: tuple[str, ...], default="?"):
    return next((finding[k] for k in keys if k in finding), default)


def line_of(point) -> int | None:
    value = point.get("line", point.get("row")) if isinstance(point, dict) else None
    return value if isinstance(value, int) else None


def line_range(finding: dict) -> tuple[int, int] | None:
    """(first, last) 1-based source lines of a finding, if it has any location."""
    span = finding.get("span") or finding.get("location") or {}
    if not isinstance(span, dict):
        span = {}
    first = line_of(span.get("start", span)) or line_of(finding)
    if first is None:
        return None
    return first, max(first, line_of(span.get("end")) or first)


def resolve(path: str, roots: list[Path]) -> Path | None:
    candidate = Path(path)
    if candidate.is_absolute():
        return candidate if candidate.is_file() else None
    return next((root / candidate for root in roots if (root / candidate).is_file()), None)


def context_block(path: Path, first: int, last: int, around: int) -> str:
    lines = path.read_text(errors="replace").splitlines()
    lo, hi = max(1, first - around), min(len(lines), last + around)
    width = len(str(hi))
    return "\n".join(f"{'>' if first <= n <= last else ' '} {n:>{width}} | {lines[n - 1]}"
                     for n in range(lo, hi + 1))


def show(index: int, total: int, finding: dict, roots: list[Path], around: int) -> None:
    rule = first_key(finding, RULE_KEYS)
    path = str(first_key(finding, ("path", "file", "filename"), ""))
    lines = line_range(finding)
    where = f"{path}:{lines[0]}" if lines else path
    print(f"## [{index}/{total}] {rule} ({finding.get('severity', '?')}) {where}")
    print(f"message: {first_key(finding, ('message', 'issue_text'), '')}")
    source = resolve(path, roots)
    if source is None or lines is None:
        print(f"(source not shown: {'file not found' if source is None else 'no line'}; "
              f"keys: {', '.join(finding)})")
    else:
        print("```python")
        print(context_block(source, *lines, around))
        print("```")
    print("verdict: [ ] true positive  [ ] false positive\n")


def main() -> int:
    args = parse_args()
    wanted = {s.strip().lower() for s in args.severities.split(",") if s.strip()}
    findings = load_findings(args.report)
    if findings and not all(isinstance(f, dict) for f in findings):
        fail("findings list holds non-objects")
    pool = [f for f in findings if str(f.get("severity", "")).lower() in wanted]
    picked = random.Random(args.seed).sample(pool, min(args.k, len(pool)))
    roots = [*args.root, BENCH_CORPUS, args.report.resolve().parent, Path.cwd()]
    print(f"# {len(picked)} of {len(pool)} {'/'.join(sorted(wanted))} findings "
          f"({len(findings)} total) from {args.report}, seed {args.seed}\n")
    for i, finding in enumerate(picked, 1):
        show(i, len(picked), finding, roots, args.context)
    return 0


if __name__ == "__main__":
    sys.exit(main())
