#!/usr/bin/env python3
"""Benchmark secrev against ruff (S rules) and bandit on a pinned real-world corpus.

Downloads the sdists of OpenStack neutron and nova from PyPI, installs pinned
peer tools into a venv, times every tool (one warm-up, then N measured runs,
wall time and peak RSS per run via os.wait4), checks that secrev's JSON output
is deterministic, prints a Markdown table and writes bench/results/latest.json.
Python 3.11 standard library only. See bench/README.md.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CORPUS_PACKAGES = {"neutron": "29.0.0", "nova": "34.0.0"}
RUFF_VERSION = "0.17.6"
BANDIT_VERSION = "1.9.4"
TOOLS = ("secrev", "ruff", "bandit")
TIMING_KEY_PARTS = ("duration", "elapsed", "timing")

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"


@dataclass
class Tool:
    name: str
    version: str
    argv: list[str]
    output: Path | None  # JSON report file the tool writes; None = stdout
    ok_codes: tuple[int, ...]
    runs: int
    count_findings: Callable[[object], int]


@dataclass
class ToolResult:
    name: str
    version: str
    walls: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    findings: int | None = None

    def summary(self, lines: int) -> dict:
        median = statistics.median(self.walls)
        return {
            "tool": self.name,
            "version": self.version,
            "runs": len(self.walls),
            "wall_s": self.walls,
            "median_wall_s": round(median, 3),
            "lines_per_s": round(lines / median),
            "peak_rss_mb": round(max(self.rss_kb) / 1024, 1),
            "findings": self.findings,
        }


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def default_cache() -> Path:
    return Path(os.environ.get("SECREV_BENCH_CACHE", Path.home() / ".cache" / "secrev-bench"))


def run_checked(argv: list[str]) -> None:
    log("$ " + " ".join(argv))
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)


# ---------------------------------------------------------------- preparation


def ensure_corpus(cache: Path) -> list[Path]:
    """Download and extract the pinned sdists; return their trees. The corpus directory is
    shared with other benchmarks (rule_cost.py adds three more services), so the tools are
    given these trees, not the directory."""
    corpus = cache / "corpus"
    sdists = cache / "sdists"
    for name, version in CORPUS_PACKAGES.items():
        target = corpus / f"{name}-{version}"
        if target.is_dir():
            continue
        archive = sdists / f"{name}-{version}.tar.gz"
        if not archive.is_file():
            run_checked([sys.executable, "-m", "pip", "download", "--no-deps",
                         "--no-binary", ":all:", "--dest", str(sdists), f"{name}=={version}"])
        log(f"extracting {archive.name}")
        corpus.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            tar.extractall(corpus, filter="data")
    return [corpus / f"{name}-{version}" for name, version in CORPUS_PACKAGES.items()]


def ensure_venv(cache: Path) -> Path:
    """Create a venv holding the pinned peer tools; return its bin directory."""
    venv = cache / f"venv-ruff{RUFF_VERSION}-bandit{BANDIT_VERSION}"
    bin_dir = venv / "bin"
    if not (bin_dir / "bandit").is_file():
        run_checked([sys.executable, "-m", "venv", "--clear", str(venv)])
        run_checked([str(bin_dir / "pip"), "install", "--quiet",
                     f"ruff=={RUFF_VERSION}", f"bandit=={BANDIT_VERSION}"])
    return bin_dir


def corpus_stats(trees: list[Path]) -> dict:
    files = sorted(f for tree in trees for f in tree.rglob("*.py"))
    lines = sum(len(f.read_bytes().splitlines()) for f in files)
    return {"path": str(trees[0].parent), "packages": CORPUS_PACKAGES, "py_files": len(files),
            "lines": lines}


# ---------------------------------------------------------------- measurement


def measure(argv: list[str], ok_codes: tuple[int, ...]) -> tuple[float, int]:
    """Run argv once; return (wall seconds, peak RSS in KiB) of that child."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok_codes:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"{argv[0]} exited {proc.returncode}:\n{tail}")
    return wall, usage.ru_maxrss  # Linux reports ru_maxrss in KiB


def bench_tool(tool: Tool, keep_outputs: bool = False) -> tuple[ToolResult, list[bytes]]:
    """One warm-up then tool.runs timed runs; optionally return every JSON output."""
    result = ToolResult(tool.name, tool.version)
    outputs = []
    for i in range(tool.runs + 1):
        label = "warm-up" if i == 0 else f"run {i}/{tool.runs}"
        wall, rss = measure(tool.argv, tool.ok_codes)
        log(f"{tool.name} {label}: {wall:.2f}s, {rss / 1024:.0f} MB")
        if i > 0:
            result.walls.append(round(wall, 3))
            result.rss_kb.append(rss)
        if keep_outputs:
            outputs.append(tool.output.read_bytes())
    result.findings = tool.count_findings(json.loads(tool.output.read_bytes()))
    return result, outputs


# ---------------------------------------------------------------- tools


def secrev_version(binary: Path) -> str:
    proc = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    return proc.stdout.strip() or "unknown"


def count_secrev(report) -> int:
    return len(report["findings"])


def count_ruff(report) -> int:
    return len(report)


def count_bandit(report) -> int:
    return len(report["results"])


def make_tools(args, trees: list[Path], bin_dir: Path | None, tmp: Path) -> list[Tool]:
    tools = []
    corpus = [str(tree) for tree in trees]
    if "secrev" in args.only:
        out = tmp / "secrev.json"
        tools.append(Tool("secrev", secrev_version(args.secrev_bin),
                          [str(args.secrev_bin), "scan", *corpus, "--format", "json",
                           "--output", str(out)],
                          out, (0, 1), args.runs, count_secrev))
    if "ruff" in args.only:
        out = tmp / "ruff.json"
        tools.append(Tool("ruff", RUFF_VERSION,
                          [str(bin_dir / "ruff"), "check", "--isolated", "--select", "S",
                           "--no-cache", "--exit-zero", "--output-format", "json",
                           "--output-file", str(out), *corpus],
                          out, (0,), args.runs, count_ruff))
    if "bandit" in args.only:
        out = tmp / "bandit.json"
        tools.append(Tool("bandit", BANDIT_VERSION,
                          [str(bin_dir / "bandit"), "-r", "-q", "-f", "json", "-o", str(out),
                           *corpus],
                          out, (0, 1), args.bandit_runs, count_bandit))
    return tools


# ---------------------------------------------------------------- determinism


def strip_timing(value):
    """Drop dict keys that look like timing fields, at any depth."""
    if isinstance(value, dict):
        return {k: strip_timing(v) for k, v in value.items()
                if not any(part in k.lower() for part in TIMING_KEY_PARTS)}
    if isinstance(value, list):
        return [strip_timing(v) for v in value]
    return value


def check_determinism(outputs: list[bytes]) -> dict:
    """Compare every secrev output with the first (warm-up) one."""
    first = outputs[0]
    if all(o == first for o in outputs):
        return {"deterministic": True, "compared": len(outputs), "how": "byte-for-byte"}
    canonical = [json.dumps(strip_timing(json.loads(o))) for o in outputs]
    same = all(c == canonical[0] for c in canonical)
    return {"deterministic": same, "compared": len(outputs),
            "how": "byte-for-byte after dropping timing keys"}


# ---------------------------------------------------------------- reporting


def ratio(summaries: dict, num: str, den: str) -> float | None:
    if num in summaries and den in summaries:
        return round(summaries[num]["median_wall_s"] / summaries[den]["median_wall_s"], 2)
    return None


def markdown(report: dict) -> str:
    c = report["corpus"]
    rows = [f"Corpus: {', '.join(f'{n} {v}' for n, v in c['packages'].items())} "
            f"({c['py_files']} .py files, {c['lines']} lines); {report['machine']}",
            "",
            "| tool | version | runs | median wall (s) | lines/s | peak RSS (MB) | findings |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for s in report["tools"].values():
        rows.append(f"| {s['tool']} | {s['version']} | {s['runs']} | {s['median_wall_s']:.2f} "
                    f"| {s['lines_per_s']:,} | {s['peak_rss_mb']:.0f} | {s['findings']} |")
    rows.append("")
    for key, value in report["ratios"].items():
        rows.append(f"- {key}: {value if value is not None else 'n/a'}")
    if report["determinism"]:
        d = report["determinism"]
        rows.append(f"- deterministic: {'yes' if d['deterministic'] else 'no'} "
                    f"({d['compared']} outputs, {d['how']})")
    return "\n".join(rows)


# ---------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5, help="timed runs for secrev and ruff")
    p.add_argument("--bandit-runs", type=int, default=1, help="timed runs for bandit (slow)")
    p.add_argument("--only", default=",".join(TOOLS),
                   help="comma-separated subset of: " + ",".join(TOOLS))
    p.add_argument("--secrev-bin", type=Path, default=REPO_ROOT / "target" / "release" / "secrev")
    p.add_argument("--cache", type=Path, default=default_cache(),
                   help="corpus and venv cache (env SECREV_BENCH_CACHE)")
    p.add_argument("--results", type=Path, default=RESULTS_DIR / "latest.json")
    p.add_argument("--prepare-only", action="store_true",
                   help="download the corpus and install peer tools, then exit")
    args = p.parse_args()
    args.only = [t.strip() for t in args.only.split(",") if t.strip()]
    unknown = set(args.only) - set(TOOLS)
    if unknown:
        p.error(f"unknown tool(s) in --only: {', '.join(sorted(unknown))}")
    if args.runs < 1 or args.bandit_runs < 1:
        p.error("--runs and --bandit-runs must be at least 1")
    return args


def main() -> int:
    args = parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    trees = ensure_corpus(args.cache)
    bin_dir = ensure_venv(args.cache) if {"ruff", "bandit"} & set(args.only) else None
    stats = corpus_stats(trees)
    log(f"corpus {stats['path']}: {stats['py_files']} .py files, {stats['lines']} lines")
    if args.prepare_only:
        return 0
    if "secrev" in args.only and not args.secrev_bin.is_file():
        log(f"skipping secrev: {args.secrev_bin} not found (cargo build --release)")
        args.only.remove("secrev")
    if not args.only:
        log("no tool left to run")
        return 1

    summaries, determinism = {}, None
    with tempfile.TemporaryDirectory(prefix="secrev-bench-") as tmp:
        for tool in make_tools(args, trees, bin_dir, Path(tmp)):
            result, outputs = bench_tool(tool, keep_outputs=tool.name == "secrev")
            summaries[tool.name] = result.summary(stats["lines"])
            if outputs:
                determinism = check_determinism(outputs)
                args.results.parent.mkdir(parents=True, exist_ok=True)
                (args.results.parent / "secrev-findings.json").write_bytes(outputs[-1])

    report = {
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"Python {platform.python_version()}",
        "corpus": stats,
        "tools": summaries,
        "ratios": {"secrev/ruff wall": ratio(summaries, "secrev", "ruff"),
                   "bandit/secrev wall": ratio(summaries, "bandit", "secrev")},
        "determinism": determinism,
    }
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(report, indent=2) + "\n")
    print(markdown(report))
    log(f"results written to {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
