#!/usr/bin/env python3
"""Time `secrev review` of a commit and of a one-file change against a full `secrev scan`.

Builds (once, cached) a git repository from three consecutive releases of OpenStack
neutron, one commit per release with the tree replaced wholesale, then times in it:
(a) `secrev scan .` of the whole tree, (b) `secrev review HEAD` (release to release),
(c) `secrev review` of a one-file working-tree change and (d) the same change committed
and reviewed as `secrev review HEAD`. One warm-up, then N timed runs each; median and
minimum wall time and peak RSS via os.wait4. Prints a Markdown table, writes
bench/results/review-latest.json. Python 3.11 standard library only. See bench/REVIEW.md.
"""

import argparse
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


def git(repo: Path, *args: str, env: dict | None = None, capture: bool = False) -> str:
    proc = subprocess.run(["git", *GIT_IDENTITY, *args], cwd=repo, env=env or git_env(),
                          check=True, text=True,
                          stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
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
    files_changed: int | None = None  # files in the change (all kinds)
    py_changed: int | None = None
    walls: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    findings: int | None = None
    files_scanned: int | None = None
    exit_codes: list[int] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "label": self.label,
            "command": " ".join(self.argv),
            "files_changed": self.files_changed,
            "py_files_changed": self.py_changed,
            "runs": len(self.walls),
            "wall_s": self.walls,
            "median_wall_s": round(statistics.median(self.walls), 3),
            "min_wall_s": round(min(self.walls), 3),
            "peak_rss_mb": round(max(self.rss_kb) / 1024, 1),
            "findings": self.findings,
            "files_scanned": self.files_scanned,
            "exit_codes": sorted(set(self.exit_codes)),
        }


def measure(argv: list[str], cwd: Path) -> tuple[float, int, int]:
    """Run argv once; return (wall seconds, peak RSS in KiB, exit code) of that child."""
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
    return wall, usage.ru_maxrss, code  # Linux reports ru_maxrss in KiB


def count_findings(report) -> tuple[int, int | None]:
    findings = report.get("findings") if isinstance(report, dict) else report
    scanned = None
    if isinstance(report, dict):
        for holder in (report, report.get("summary") or {}, report.get("stats") or {}):
            if isinstance(holder, dict) and isinstance(holder.get("files_scanned"), int):
                scanned = holder["files_scanned"]
                break
    return len(findings or []), scanned


def bench(result: Result, repo: Path, runs: int, out: Path) -> Result:
    for i in range(runs + 1):
        label = "warm-up" if i == 0 else f"run {i}/{runs}"
        wall, rss, code = measure(result.argv, repo)
        log(f"{result.key} {label}: {wall:.3f}s, {rss / 1024:.0f} MB, exit {code}")
        if i > 0:
            result.walls.append(round(wall, 4))
            result.rss_kb.append(rss)
            result.exit_codes.append(code)
    result.findings, result.files_scanned = count_findings(json.loads(out.read_bytes()))
    return result


def run_all(repo: Path, secrev: Path, runs: int, target: str, tmp: Path) -> dict:
    out = tmp / "report.json"
    base = [str(secrev)]
    fmt = ["--format", "json", "--output", str(out)]
    results = {}

    scan = Result("a", "full scan at HEAD", base + ["scan", "."] + fmt)
    scan.files_changed = scan.py_changed = None
    results["a"] = bench(scan, repo, runs, out)

    commit = Result("b", "review HEAD (release to release)", base + ["review", "HEAD"] + fmt)
    commit.files_changed, commit.py_changed = diff_files(repo, "HEAD~1", "HEAD")
    results["b"] = bench(commit, repo, runs, out)

    path = repo / target
    original = path.read_bytes()
    try:
        path.write_bytes(original + PROBE.encode())
        work = Result("c", f"review working tree (1 file: {target})", base + ["review"] + fmt)
        work.files_changed, work.py_changed = diff_files(repo, "HEAD")
        results["c"] = bench(work, repo, runs, out)
    finally:
        git(repo, "checkout", "-q", "--", target)

    date = f"@{FIRST_COMMIT_DATE + 30 * 86_400} +0000"
    git(repo, "checkout", "-q", "-B", TEMP_BRANCH)
    try:
        path.write_bytes(original + PROBE.encode())
        git(repo, "commit", "-q", "--no-verify", "-am", "bench: one-file change",
            env=git_env({"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}))
        single = Result("d", "review HEAD (1-file commit)", base + ["review", "HEAD"] + fmt)
        single.files_changed, single.py_changed = diff_files(repo, "HEAD~1", "HEAD")
        results["d"] = bench(single, repo, runs, out)
    finally:
        git(repo, "checkout", "-q", "-f", BRANCH)
        git(repo, "branch", "-q", "-D", TEMP_BRANCH)
        git(repo, "reflog", "expire", "--expire-unreachable=now", "--all")
        git(repo, "prune")
    return {k: r.summary() for k, r in results.items()}


# ---------------------------------------------------------------- reporting


def markdown(report: dict) -> str:
    t = report["tree"]
    rows = [f"Repository: {PACKAGE} {' -> '.join(report['versions'])} as "
            f"{len(report['versions'])} commits; HEAD has {t['tracked_files']} files, "
            f"{t['py_files']} .py files, {t['py_lines']:,} .py lines; "
            f"{report['machine']}; {report['secrev']}",
            "",
            "| | measurement | files in change (.py) | runs | median wall (s) | min wall (s) "
            "| peak RSS (MB) | findings | vs full scan |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    scan = report["measurements"]["a"]["median_wall_s"]
    for key, m in report["measurements"].items():
        files = ("whole tree" if m["files_changed"] is None
                 else f"{m['files_changed']:,} ({m['py_files_changed']:,})")
        share = f"{m['median_wall_s'] / scan:.1%}"
        rows.append(f"| {key} | {m['label']} | {files} | {m['runs']} | "
                    f"{m['median_wall_s']:.3f} | {m['min_wall_s']:.3f} | "
                    f"{m['peak_rss_mb']:.0f} | {m['findings']} | {share} |")
    rows.append("")
    for name, check in report["checks"].items():
        rows.append(f"- {name}: {check['ratio']:.3f} "
                    f"(target < {TARGET_RATIO:.2f}): {'PASS' if check['pass'] else 'FAIL'}")
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

    with tempfile.TemporaryDirectory(prefix="secrev-review-bench-") as tmp:
        measurements = run_all(repo, args.secrev_bin, args.runs, target, Path(tmp))

    scan = measurements["a"]["median_wall_s"]
    checks = {}
    for key, name in (("c", "(c)/(a) working-tree one-file review / full scan"),
                      ("d", "(d)/(a) one-file commit review / full scan")):
        r = measurements[key]["median_wall_s"] / scan
        checks[name] = {"ratio": round(r, 4), "pass": r < TARGET_RATIO}
    report = {
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"Python {platform.python_version()}",
        "secrev": version,
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
