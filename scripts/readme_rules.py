#!/usr/bin/env python3
"""Regenerates the rule table between `<!-- rules:start -->` and `<!-- rules:end -->` in README.md
from `secrev rules --format json` (run from the repository root after `cargo build --release`)."""
import json
import subprocess
import sys
from pathlib import Path

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/secrev"
README = Path("README.md")


def table() -> str:
    rules = json.loads(subprocess.run([BIN, "rules", "--format", "json"], check=True,
                                      capture_output=True, text=True).stdout)
    lines = ["| id | name | CWE | pillar | category | severity | title |",
             "|---|---|---|---|---|---|---|"]
    for r in rules:
        name = f"`{r['name']}`" + (" (opt-in)" if r.get("opt_in") else "")
        title = r["title"].replace("|", "\\|")
        lines.append(f"| {r['id']} | {name} | CWE-{r['cwe']} | {r['pillar']} | {r['category']} "
                     f"| {r['severity']} | {title} |")
    return "\n".join(lines)


def main() -> None:
    text = README.read_text()
    start, end = "<!-- rules:start -->", "<!-- rules:end -->"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    README.write_text(f"{head}{start}\n{table()}\n{end}{tail}")


if __name__ == "__main__":
    main()
