#!/usr/bin/env python3
"""Benchmark secrev on C and C++ against flawfinder and cppcheck.

Corpora are Debian source packages fetched with `apt-get source` (pinned by the
distribution's release): curl for C, and qtbase's network and SQL modules for Qt
C++. Each tool gets one warm-up run, then N timed runs (wall time and peak RSS of
the child, via bench.py's `measure`). Prints a Markdown table (wall time, lines,
findings, findings per 1,000 lines, files secrev could not parse) and writes
bench/results/cbench.json plus each tool's last report for sampling.
Python 3.11 standard library only; see bench/README.md.
"""

import argparse
import csv
import io
import json
import shlex
import shutil
import statistics
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from bench import RESULTS_DIR, REPO_ROOT, default_cache, log, measure, run_checked, secrev_version

C_EXTENSIONS = (".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx")
FLAWFINDER_VERSION = "2.0.20"

# Debian source package -> subdirectories of the unpacked tree that form the corpus.
CORPORA = {
    "curl": ("curl", ["."]),
    "qtbase": ("qtbase-opensource-src", ["src/network", "src/sql"]),
}


@dataclass
class Corpus:
    name: str
    paths: list[Path]
    files: int
    lines: int


def ensure_sources(cache: Path, name: str) -> Path:
    """Unpack the Debian source package `name` once; return the unpacked tree."""
    root = cache / "csrc"
    package, _ = CORPORA[name]
    trees = sorted(p for p in root.glob("*") if p.is_dir() and p.name.startswith(name))
    if trees:
        return trees[0]
    root.mkdir(parents=True, exist_ok=True)
    log(f"fetching {package}: needs deb-src in /etc/apt/sources.list.d/debian.sources")
    subprocess.run(["apt-get", "source", "--download-only", package], cwd=root, check=True,
                   stdout=subprocess.DEVNULL)
    for archive in sorted(root.glob(f"{package.split('-')[0]}*.orig.tar.*")):
        shutil.unpack_archive(archive, root)
    trees = sorted(p for p in root.glob("*") if p.is_dir() and p.name.startswith(name))
    if not trees:
        raise SystemExit(f"could not unpack {package} under {root}")
    return trees[0]


def corpus_for(cache: Path, name: str) -> Corpus:
    tree = ensure_sources(cache, name)
    paths = [(tree / sub).resolve() for sub in CORPORA[name][1]]
    files = [f for p in paths for f in sorted(p.rglob("*"))
             if f.suffix in C_EXTENSIONS and f.is_file()]
    lines = sum(len(f.read_bytes().splitlines()) for f in files)
    return Corpus(name, paths, len(files), lines)


def ensure_flawfinder(cache: Path) -> Path:
    venv = cache / f"venv-flawfinder{FLAWFINDER_VERSION}"
    exe = venv / "bin" / "flawfinder"
    if not exe.is_file():
        run_checked([sys.executable, "-m", "venv", "--clear", str(venv)])
        run_checked([str(venv / "bin" / "pip"), "install", "--quiet",
                     f"flawfinder=={FLAWFINDER_VERSION}"])
    return exe


def tool_version(argv: list[str]) -> str:
    out = subprocess.run(argv, capture_output=True, text=True)
    return (out.stdout or out.stderr).strip().splitlines()[0]


def count_secrev(path: Path) -> tuple[int, int, dict[str, int]]:
    """(findings, files with parse errors, findings per rule) from a secrev JSON report."""
    report = json.loads(path.read_bytes())
    unparsed = {d["path"] for d in report.get("diagnostics", []) if d.get("kind") == "syntax"}
    per_rule: dict[str, int] = {}
    for finding in report["findings"]:
        rule = finding.get("rule_id") or finding.get("rule") or "?"
        per_rule[rule] = per_rule.get(rule, 0) + 1
    return len(report["findings"]), len(unparsed), dict(sorted(per_rule.items()))


def count_flawfinder(path: Path) -> int:
    return sum(1 for _ in csv.DictReader(io.StringIO(path.read_text(errors="replace"))))


def count_cppcheck(path: Path) -> int:
    root = ET.parse(path).getroot()
    # Notes about cppcheck itself (missing includes, too many configurations) are not findings.
    return sum(1 for e in root.iter("error")
               if e.get("severity") not in ("information", "debug"))


def run_tool(argv: list[str], runs: int, label: str, stdout_to: Path | None = None,
             stderr_to: Path | None = None, warm_up: bool = True) -> dict:
    walls, rss = [], []
    # A CPU-bound tool that takes minutes gains nothing from a warm-up once the other tools
    # have read the tree into the page cache.
    first = 0 if warm_up else 1
    for i in range(first, runs + 1):
        if stdout_to or stderr_to:
            # measure() discards the child's output; tools that only print need a shell.
            redirect = " ".join(filter(None, [
                f"> {stdout_to}" if stdout_to else "", f"2> {stderr_to}" if stderr_to else ""]))
            wall, peak = measure(["sh", "-c", shlex.join(argv) + " " + redirect],
                                 (0, 1))
        else:
            wall, peak = measure(argv, (0, 1))
        log(f"{label} {'warm-up' if i == 0 else f'run {i}/{runs}'}: {wall:.2f}s")
        if i:
            walls.append(round(wall, 3))
            rss.append(peak)
    return {"wall_s": walls, "median_wall_s": round(statistics.median(walls), 3),
            "peak_rss_mb": round(max(rss) / 1024, 1)}


def bench_corpus(corpus: Corpus, secrev: Path, flawfinder: Path, args) -> dict:
    out = RESULTS_DIR / "c"
    out.mkdir(parents=True, exist_ok=True)
    paths = [str(p) for p in corpus.paths]
    rows = {}
    report = out / f"secrev-{corpus.name}.json"
    # The C-family rules only (the default set's C ids): the peers read C and C++ and the line
    # counts are of C and C++ files, while these trees also hold Python and Perl test helpers.
    rows["secrev"] = run_tool([str(secrev), "scan", *paths, "--select", "C", "--format", "json",
                               "--quiet", "--output", str(report)], args.runs,
                              f"secrev {corpus.name}")
    (rows["secrev"]["findings"], rows["secrev"]["unparsed_files"],
     rows["secrev"]["per_rule"]) = count_secrev(report)
    ff = out / f"flawfinder-{corpus.name}.csv"
    rows["flawfinder"] = run_tool([str(flawfinder), "--quiet", "--dataonly", "--csv", *paths],
                                  args.runs, f"flawfinder {corpus.name}", stdout_to=ff)
    rows["flawfinder"]["findings"] = count_flawfinder(ff)
    if not args.skip_cppcheck:
        cc = out / f"cppcheck-{corpus.name}.xml"
        rows["cppcheck"] = run_tool(["cppcheck", "--enable=warning", "--quiet", f"-j{args.jobs}",
                                     "--xml", *paths], args.cppcheck_runs,
                                    f"cppcheck {corpus.name}", stderr_to=cc, warm_up=False)
        rows["cppcheck"]["findings"] = count_cppcheck(cc)
    for row in rows.values():
        row["findings_per_kloc"] = round(row["findings"] * 1000 / corpus.lines, 3)
    return {"corpus": corpus.name, "paths": paths, "files": corpus.files, "lines": corpus.lines,
            "tools": rows}


def markdown(results: list[dict], versions: dict) -> str:
    lines = ["| corpus | lines | tool | median wall (s) | findings | per kloc | unparsed files |",
             "| --- | ---: | --- | ---: | ---: | ---: | ---: |"]
    for res in results:
        for tool, row in res["tools"].items():
            lines.append(f"| {res['corpus']} | {res['lines']:,} | {tool} ({versions[tool]}) | "
                         f"{row['median_wall_s']} | {row['findings']} | "
                         f"{row['findings_per_kloc']} | {row.get('unparsed_files', '')} |")
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=default_cache())
    parser.add_argument("--secrev", type=Path, default=REPO_ROOT / "target/release/secrev")
    parser.add_argument("--corpus", action="append", choices=sorted(CORPORA),
                        help="corpus to run (repeatable; default all)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cppcheck-runs", type=int, default=1,
                        help="cppcheck is slow; one timed run is enough for the comparison")
    parser.add_argument("--jobs", type=int, default=2, help="cppcheck -j")
    parser.add_argument("--skip-cppcheck", action="store_true")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if not args.secrev.is_file():
        raise SystemExit(f"{args.secrev} missing: run `cargo build --release` first")
    flawfinder = ensure_flawfinder(args.cache)
    versions = {"secrev": secrev_version(args.secrev),
                "flawfinder": tool_version([str(flawfinder), "--version"]),
                "cppcheck": tool_version(["cppcheck", "--version"])}
    results = [bench_corpus(corpus_for(args.cache, name), args.secrev, flawfinder, args)
               for name in (args.corpus or sorted(CORPORA))]
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "cbench.json").write_text(
        json.dumps({"versions": versions, "results": results}, indent=2) + "\n")
    print(markdown(results, versions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
