#!/usr/bin/env python3
"""Run the authorization rules over three releases of five OpenStack services.

The rules (PY931-PY938) compare a handler with its siblings, so they find little in code that
has had years of review. Older releases still hold defects that were later fixed and published,
which tells whether the rules find real ones. For each set of releases this fetches the source
distributions from PyPI (through the simple index, so that sdists whose build metadata no longer
builds are still usable), scans the service packages with every authorization rule, prints the
findings per rule and writes the reports under bench/results/ for sample_findings.py.
Python 3.11 standard library only.
"""

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import urllib.request
from collections import Counter
from pathlib import Path

from sample_findings import BENCH_CORPUS

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"
RULES = "PY931,PY932,PY933,PY934,PY935,PY936,PY937,PY938"
SERVICES = ("nova", "neutron", "keystone", "glance", "cinder")
# The Train (2019-10) and Ussuri (2020-05) releases, and the releases of 2025-26.
SETS = {
    "train": {"nova": "20.0.0", "neutron": "15.0.0", "keystone": "16.0.0",
              "glance": "19.0.0", "cinder": "15.0.0"},
    "ussuri": {"nova": "21.0.0", "neutron": "16.0.0", "keystone": "17.0.0",
               "glance": "20.0.0", "cinder": "16.0.0"},
    "current": {"nova": "34.0.0", "neutron": "29.0.0", "keystone": "30.0.0",
                "glance": "33.0.0", "cinder": "29.0.0"},
}
SIMPLE_INDEX = "https://pypi.org/simple/{name}/"


def log(msg: str) -> None:
    print(f"[authz] {msg}", file=sys.stderr, flush=True)


def fetch(name: str, version: str, cache: Path) -> Path:
    """The extracted sdist of name==version, downloaded once."""
    target = cache / f"{name}-{version}"
    if target.is_dir():
        return target
    # The tree of the current set may already be in the benchmark corpus.
    if (BENCH_CORPUS / target.name).is_dir():
        return BENCH_CORPUS / target.name
    with urllib.request.urlopen(SIMPLE_INDEX.format(name=name), timeout=60) as page:
        html = page.read().decode()
    link = re.search(rf'href="([^"#]*/{name}-{re.escape(version)}\.tar\.gz)#sha256=([0-9a-f]+)"',
                     html)
    if not link:
        raise SystemExit(f"no sdist of {name} {version} in the index")
    url, digest = link.groups()
    log(f"downloading {name} {version}")
    with urllib.request.urlopen(url, timeout=300) as response:
        data = response.read()
    if hashlib.sha256(data).hexdigest() != digest:
        raise SystemExit(f"checksum mismatch for {url}")
    archive = cache / f"{name}-{version}.tar.gz"
    cache.mkdir(parents=True, exist_ok=True)
    archive.write_bytes(data)
    with tarfile.open(archive) as tar:
        tar.extractall(cache, filter="data")
    archive.unlink()
    return target


def scan(secrev: Path, trees: list[Path]) -> dict:
    argv = [str(secrev), "scan", *map(str, trees), "--select", RULES, "-f", "json"]
    done = subprocess.run(argv, capture_output=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"secrev failed ({done.returncode}): {done.stderr.decode()[:500]}")
    return json.loads(done.stdout)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--secrev", type=Path, default=REPO_ROOT / "target" / "release" / "secrev")
    p.add_argument("--cache", type=Path, default=BENCH_CORPUS.parent / "authz")
    p.add_argument("--sets", default=",".join(SETS), help="comma-separated: " + ", ".join(SETS))
    args = p.parse_args()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    rows: dict[str, Counter] = {}
    for name in args.sets.split(","):
        versions = SETS[name]
        trees = [fetch(s, versions[s], args.cache) / s for s in SERVICES]
        report = scan(args.secrev, trees)
        (RESULTS_DIR / f"authz-{name}.json").write_text(json.dumps(report, indent=1))
        rows[name] = Counter(f["rule_id"] for f in report["findings"])
        for f in report["findings"]:
            path = Path(f["path"])
            if path.is_relative_to(args.cache.parent):
                path = path.relative_to(args.cache.parent)
            where = f"{path}:{f['span']['start']['line']}"
            print(f"{name:8} {f['rule_id']} {where}")
    rules = RULES.split(",")
    print("\n| set | " + " | ".join(rules) + " | total |")
    print("|---|" + "---:|" * (len(rules) + 1))
    for name, counts in rows.items():
        cells = " | ".join(str(counts.get(r, 0)) for r in rules)
        print(f"| {name} | {cells} | {sum(counts.values())} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
