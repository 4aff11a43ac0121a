#!/usr/bin/env python3
"""Time `secrev review` of a commit and of a one-file change against a full `secrev scan`.

Builds (once, cached) a git repository from three consecutive releases of OpenStack
neutron, one commit per release with the tree replaced wholesale, then times in it:
(a) `secrev scan .` of the whole tree, (b) `secrev review HEAD` (release to release),
(c) `secrev review` of a one-file working-tree change and (d) the same change committed
and reviewed as `secrev review HEAD`. One warm-up round, then N timed rounds of all four,
interleaved; median and minimum wall time, CPU time and peak RSS via os.wait4. Prints a
Markdown table, writes bench/results/review-latest.json. Exit status 0 when both one-file
reviews take under 10% of the full scan's median wall time, 1 when not, 2 on an error.
Python 3.11 standard library only. See bench/REVIEW.md.
"""

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "neutron"
# Three consecutive releases of neutron's development line (each the first release of its
# series, cut from master). The point releases in between (27.0.x, 28.0.x) come from
# stable branches and are not ancestors of the next series.
VERSIONS = ("27.0.0", "28.0.0", "29.0.0")
AGENT_DIR = "neutron/agent"
BRANCH = "main"
TEMP_BRANCH = "secrev-bench-single-file"
TARGET_RATIO = 0.10
FIRST_COMMIT_DATE = 1_700_000_000  # commit i is dated FIRST_COMMIT_DATE + i days, UTC
GIT_IDENTITY = ["-c", "user.name=secrev bench", "-c", "user.email=bench@secrev.invalid"]

# Appended to the chosen file for (c) and (d): a small function with one obvious defect,
# so the review has something to report.
PROBE = '''

def _secrev_bench_probe(host):
    """Added by bench/review.py: a one-function change to review."""
    import subprocess
    return subprocess.call("ping -c 1 " + host, shell=True)
'''

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"


def log(msg: str) -> None:
    print(f"[review-bench] {msg}", file=sys.stderr, flush=True)


def default_cache() -> Path:
    return Path(os.environ.get("SECREV_BENCH_CACHE", Path.home() / ".cache" / "secrev-bench"))


def git_env(extra: dict | None = None) -> dict:
    """The environment for every git (and secrev) process: no host or user git config."""
    env = dict(os.environ)
    for key in [k for k in env if k.startswith("GIT_")]:
        del env[key]
    env.update({"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
                "LC_ALL": "C", "TZ": "UTC"})
    env.update(extra or {})
    return env


def git(repo: Path, *args: str, env: dict | None = None, capture: bool = False,
        check: bool = True) -> str:
    proc = subprocess.run(["git", *GIT_IDENTITY, *args], cwd=repo, env=env or git_env(),
                          check=check, text=True,
                          stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                          stderr=None if check else subprocess.DEVNULL)
    return proc.stdout if capture else ""


# ---------------------------------------------------------------- preparation


def ensure_sdist(cache: Path, version: str) -> Path:
    archive = cache / "sdists" / f"{PACKAGE}-{version}.tar.gz"
    if not archive.is_file():
        argv = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                "--dest", str(archive.parent), f"{PACKAGE}=={version}"]
        log("$ " + " ".join(argv))
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return archive


def expected_subjects(versions: tuple[str, ...]) -> list[str]:
    return [f"{PACKAGE} {v}" for v in reversed(versions)]  # git log order: newest first


def repo_is_current(repo: Path, versions: tuple[str, ...]) -> bool:
    if not (repo / ".git").is_dir():
        return False
    try:
        subjects = git(repo, "log", "--format=%s", BRANCH, capture=True).splitlines()
        head = git(repo, "symbolic-ref", "--short", "HEAD", capture=True).strip()
        dirty = git(repo, "status", "--porcelain", "--untracked-files=no", capture=True)
    except subprocess.CalledProcessError:
        return False
    return subjects == expected_subjects(versions) and head == BRANCH and not dirty


def build_repo(cache: Path, repo: Path, versions: tuple[str, ...]) -> None:
    """One commit per release, each replacing the whole tree; built aside, then renamed."""
    archives = [ensure_sdist(cache, v) for v in versions]
    staging = repo.with_name(repo.name + ".building")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    git(staging, "-c", f"init.defaultBranch={BRANCH}", "init", "-q")
    with tempfile.TemporaryDirectory(prefix="secrev-review-bench-") as tmp:
        for i, (version, archive) in enumerate(zip(versions, archives)):
            log(f"commit {i + 1}/{len(versions)}: {archive.name}")
            with tarfile.open(archive) as tar:
                tar.extractall(tmp, filter="data")
            source = Path(tmp) / f"{PACKAGE}-{version}"
            git(staging, "rm", "-rq", "--ignore-unmatch", ".")
            git(staging, "clean", "-fdxq")  # also what .gitignore kept out of the index
            shutil.copytree(source, staging, dirs_exist_ok=True, symlinks=True)
            shutil.rmtree(source)
            git(staging, "add", "-A")
            date = f"@{FIRST_COMMIT_DATE + i * 86_400} +0000"
            git(staging, "commit", "-q", "--no-verify", "-m", f"{PACKAGE} {version}",
                env=git_env({"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}))
    git(staging, "gc", "-q")  # a packed repository, as a clone would have
    shutil.rmtree(repo, ignore_errors=True)
    staging.rename(repo)


def ensure_repo(cache: Path, versions: tuple[str, ...], rebuild: bool) -> Path:
    repo = cache / "review-repo"
    if rebuild or not repo_is_current(repo, versions):
        log(f"building {repo} from {PACKAGE} {', '.join(versions)}")
        build_repo(cache, repo, versions)
    else:
        log(f"using cached {repo}")
    return repo


def tracked_py(repo: Path, *pathspec: str) -> list[str]:
    out = git(repo, "ls-files", "-z", "--", *(pathspec or (".",)), capture=True)
    return [p for p in out.split("\0") if p.endswith(".py")]


def pick_file(repo: Path) -> str:
    """The median-sized (by lines) non-empty .py file under neutron/agent/: deterministic."""
    sized = []
    for path in tracked_py(repo, AGENT_DIR):
        lines = len((repo / path).read_bytes().splitlines())
        if lines:
            sized.append((lines, path))
    if not sized:
        raise SystemExit(f"no .py file under {AGENT_DIR} in {repo}")
    sized.sort()
    return sized[len(sized) // 2][1]


def tree_stats(repo: Path) -> dict:
    files = tracked_py(repo)
    lines = sum(len((repo / f).read_bytes().splitlines()) for f in files)
    return {"tracked_files": len(git(repo, "ls-files", "-z", capture=True).split("\0")) - 1,
            "py_files": len(files), "py_lines": lines}


def diff_files(repo: Path, *args: str) -> tuple[int, int]:
    """(files, .py files) in `git diff --name-only ARGS`."""
    names = [n for n in git(repo, "diff", "--name-only", "-z", *args,
                            capture=True).split("\0") if n]
    return len(names), sum(n.endswith(".py") for n in names)


# ---------------------------------------------------------------- measurement


@dataclass
class Result:
    key: str
    label: str
    argv: list[str]
    files_changed: int | None = None  # files in the change (all kinds); None: whole tree
    py_changed: int | None = None
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)  # user + system, children included
    rss_kb: list[int] = field(default_factory=list)
    findings: int | None = None
    files_scanned: int | None = None  # what secrev's summary says it analysed
    exit_codes: list[int] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "label": self.label,
            "command": " ".join(["secrev", *self.argv[1:-1], "TMP"]),
            "files_changed": self.files_changed,
            "py_files_changed": self.py_changed,
            "runs": len(self.walls),
            "wall_s": self.walls,
            "median_wall_s": round(statistics.median(self.walls), 4),
            "min_wall_s": round(min(self.walls), 4),
            "median_cpu_s": round(statistics.median(self.cpus), 4),
            "peak_rss_mb": round(max(self.rss_kb) / 1024, 1),
            "findings": self.findings,
            "files_scanned": self.files_scanned,
            "exit_codes": sorted(set(self.exit_codes)),
        }


def measure(argv: list[str], cwd: Path) -> tuple[float, float, int, int]:
    """Run argv once; return (wall s, CPU s, peak RSS KiB, exit code) of that child."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=git_env(), stdout=subprocess.DEVNULL,
                                stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):  # 1 = findings; 2 (or a signal) = error
            err.seek(0)
            tail = err.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"{' '.join(argv)} exited {code}:\n{tail}")
    # ru_* cover the child and the children it waited for (git); ru_maxrss is in KiB.
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, code


def count_findings(report) -> tuple[int, int | None]:
    """(findings, files analysed) from a secrev JSON report."""
    findings = report.get("findings") if isinstance(report, dict) else report
    summary = report.get("summary") if isinstance(report, dict) else None
    scanned = summary.get("files_scanned") if isinstance(summary, dict) else None
    return len(findings or []), scanned


def run_all(repo: Path, secrev: Path, runs: int, target: str, tmp: Path) -> dict:
    """Times (a)-(d) in interleaved rounds, so that load from elsewhere on the machine
    (builds, tests) falls on all four alike; round 0 is the warm-up."""
    base = [str(secrev)]
    outs = {k: tmp / f"{k}.json" for k in "abcd"}
    fmt = {k: ["--format", "json", "--output", str(o)] for k, o in outs.items()}
    path = repo / target
    original = path.read_bytes()
    changed = original + PROBE.encode()
    date = f"@{FIRST_COMMIT_DATE + 30 * 86_400} +0000"
    results = {
        "a": Result("a", "full scan at HEAD", base + ["scan", "."] + fmt["a"]),
        "b": Result("b", "review HEAD (release to release)", base + ["review", "HEAD"] + fmt["b"]),
        "c": Result("c", f"review working tree (1 file: {target})", base + ["review"] + fmt["c"]),
        "d": Result("d", "review HEAD (1-file commit)", base + ["review", "HEAD"] + fmt["d"]),
    }
    results["b"].files_changed, results["b"].py_changed = diff_files(repo, "HEAD~1", "HEAD")

    def dirty():  # (c): the change in the working tree of BRANCH
        path.write_bytes(changed)

    def clean():
        git(repo, "checkout", "-q", "--", target)

    def on_temp():  # (d): the change committed on TEMP_BRANCH
        git(repo, "checkout", "-q", TEMP_BRANCH)

    def on_main():
        git(repo, "checkout", "-q", BRANCH)

    setups = {"a": (None, None), "b": (None, None), "c": (dirty, clean), "d": (on_temp, on_main)}
    try:
        git(repo, "checkout", "-q", "-B", TEMP_BRANCH)
        path.write_bytes(changed)
        git(repo, "commit", "-q", "--no-verify", "-am", "bench: one-file change",
            env=git_env({"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}))
        results["d"].files_changed, results["d"].py_changed = diff_files(repo, "HEAD~1", "HEAD")
        on_main()
        dirty()
        results["c"].files_changed, results["c"].py_changed = diff_files(repo, "HEAD")
        clean()
        for i in range(runs + 1):
            label = "warm-up" if i == 0 else f"round {i}/{runs}"
            for key, result in results.items():
                enter, leave = setups[key]
                if enter:
                    enter()
                try:
                    wall, cpu, rss, code = measure(result.argv, repo)
                finally:
                    if leave:
                        leave()
                log(f"{label} {key}: {wall:.3f}s wall, {cpu:.3f}s CPU, "
                    f"{rss / 1024:.0f} MB, exit {code}")
                if i > 0:
                    result.walls.append(round(wall, 4))
                    result.cpus.append(round(cpu, 4))
                    result.rss_kb.append(rss)
                    result.exit_codes.append(code)
    finally:
        # Leave the repository as it was: on BRANCH, clean, without the temporary commit.
        git(repo, "checkout", "-q", "-f", BRANCH)
        git(repo, "branch", "-q", "-D", TEMP_BRANCH, check=False)
        git(repo, "reflog", "expire", "--expire-unreachable=now", "--all")
        git(repo, "prune")
    for key, result in results.items():
        result.findings, result.files_scanned = count_findings(
            json.loads(outs[key].read_bytes()))
    return {k: r.summary() for k, r in results.items()}


# ---------------------------------------------------------------- reporting


def markdown(report: dict) -> str:
    t = report["tree"]
    rows = [f"Repository: {PACKAGE} {' -> '.join(report['versions'])} as "
            f"{len(report['versions'])} commits; HEAD has {t['tracked_files']:,} files, "
            f"{t['py_files']:,} .py files, {t['py_lines']:,} .py lines; "
            f"{report['machine']}; {report['secrev']}; 1-minute load average "
            f"{report['load_average_1min']['before']:.2f} before, "
            f"{report['load_average_1min']['after']:.2f} after",
            "",
            "| | measurement | files in change (.py) | runs | median wall (s) | min wall (s) "
            "| median CPU (s) | peak RSS (MB) | files analysed | findings | median wall vs (a) |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    scan = report["measurements"]["a"]["median_wall_s"]
    for key, m in report["measurements"].items():
        files = ("whole tree" if m["files_changed"] is None
                 else f"{m['files_changed']:,} ({m['py_files_changed']:,})")
        rows.append(f"| {key} | {m['label']} | {files} | {m['runs']} | "
                    f"{m['median_wall_s']:.3f} | {m['min_wall_s']:.3f} | "
                    f"{m['median_cpu_s']:.3f} | {m['peak_rss_mb']:.0f} | {m['files_scanned']} | "
                    f"{m['findings']} | "
                    f"{m['median_wall_s'] / scan:.1%} |")
    rows.append("")
    for name, check in report["checks"].items():
        rows.append(f"- {name}: {check['ratio']:.3f} of the full scan's median wall time "
                    f"(target < {TARGET_RATIO:.2f}): {'PASS' if check['pass'] else 'FAIL'}; "
                    f"min/min {check['min_ratio']:.3f}, CPU {check['cpu_ratio']:.3f}")
    return "\n".join(rows)


# ---------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5, help="timed runs per measurement")
    p.add_argument("--secrev-bin", type=Path, default=REPO_ROOT / "target" / "release" / "secrev")
    p.add_argument("--cache", type=Path, default=default_cache(),
                   help="sdists and the review repository (env SECREV_BENCH_CACHE)")
    p.add_argument("--versions", default=",".join(VERSIONS),
                   help="three comma-separated neutron releases, oldest first")
    p.add_argument("--file", help=f"the file to change (default: the median-sized .py file "
                                  f"under {AGENT_DIR}/)")
    p.add_argument("--rebuild", action="store_true", help="rebuild the cached repository")
    p.add_argument("--results", type=Path, default=RESULTS_DIR / "review-latest.json")
    p.add_argument("--prepare-only", action="store_true",
                   help="download the sdists and build the repository, then exit")
    args = p.parse_args()
    args.versions = tuple(v.strip() for v in args.versions.split(",") if v.strip())
    if len(args.versions) < 2:
        p.error("--versions needs at least two releases")
    if args.runs < 1:
        p.error("--runs must be at least 1")
    return args


def main() -> int:
    args = parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    repo = ensure_repo(args.cache, args.versions, args.rebuild)
    stats = tree_stats(repo)
    target = args.file or pick_file(repo)
    lines = len((repo / target).read_bytes().splitlines())
    log(f"{repo}: {stats['py_files']} .py files, {stats['py_lines']} lines; "
        f"one-file change: {target} ({lines} lines)")
    if args.prepare_only:
        return 0
    if not args.secrev_bin.is_file():
        log(f"{args.secrev_bin} not found (cargo build --release)")
        return 2
    version = subprocess.run([str(args.secrev_bin), "--version"], capture_output=True,
                             text=True).stdout.strip() or "secrev (unknown version)"

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="secrev-review-bench-") as tmp:
        # A private copy, so that a rebuild of target/release during the run cannot mix two
        # binaries into one set of measurements.
        secrev = Path(tmp) / "secrev"
        shutil.copy2(args.secrev_bin, secrev)
        digest = hashlib.sha256(secrev.read_bytes()).hexdigest()[:16]
        try:
            measurements = run_all(repo, secrev, args.runs, target, Path(tmp))
        except (RuntimeError, subprocess.CalledProcessError) as e:
            log(f"error: {e}")
            return 2
    load_after = os.getloadavg()[0]

    scan = measurements["a"]["median_wall_s"]
    checks = {}
    for key, name in (("c", "(c)/(a) working-tree one-file review / full scan"),
                      ("d", "(d)/(a) one-file commit review / full scan")):
        m, a = measurements[key], measurements["a"]
        r = m["median_wall_s"] / scan
        checks[name] = {"ratio": round(r, 4), "pass": r < TARGET_RATIO,
                        "min_ratio": round(m["min_wall_s"] / a["min_wall_s"], 4),
                        "cpu_ratio": round(m["median_cpu_s"] / a["median_cpu_s"], 4)}
    report = {
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"Python {platform.python_version()}",
        # Other work on the machine slows the two-thread full scan more than the one-thread
        # reviews; a 1-minute load average well above 0 means the ratios flatter the review.
        "load_average_1min": {"before": round(load_before, 2), "after": round(load_after, 2)},
        "secrev": version,
        "secrev_sha256_16": digest,
        "repository": str(repo),
        "versions": list(args.versions),
        "tree": stats,
        "changed_file": {"path": target, "lines": lines,
                         "appended_lines": len(PROBE.strip("\n").splitlines())},
        "measurements": measurements,
        "checks": checks,
        "target_ratio": TARGET_RATIO,
    }
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(report, indent=2) + "\n")
    print(markdown(report))
    log(f"results written to {args.results}")
    return 0 if all(c["pass"] for c in checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
