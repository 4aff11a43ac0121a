#!/usr/bin/env python3
"""Create compressed backups of project directories.

    backup.py /srv/projects/website --dest /backups --exclude '*.log'
"""
import argparse
import logging
import os
import shlex
import subprocess
import sys

DEFAULT_DEST = "/backups"

log = logging.getLogger("backup")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", help="directory to back up")
    parser.add_argument("--dest", default=DEFAULT_DEST)
    parser.add_argument("--name", default="backup")
    parser.add_argument("--exclude", action="append", default=[])
    parser.add_argument("--keep", default="7", help="number of archives to keep")
    parser.add_argument("--safe", action="store_true", help="quote every argument")
    return parser.parse_args(argv)


def build_command(args):
    parts = ["tar", "-czf", os.path.join(args.dest, args.name + ".tar.gz")]
    for pattern in args.exclude:
        parts.append("--exclude=" + pattern)
    parts.append(args.source)
    return " ".join(parts)


def build_quoted_command(args):
    parts = ["tar", "-czf", os.path.join(args.dest, args.name + ".tar.gz")]
    parts.extend("--exclude=" + pattern for pattern in args.exclude)
    parts.append(args.source)
    return " ".join(shlex.quote(p) for p in parts)


def rotate(dest, keep):
    count = int(keep)
    cmd = f"ls -1t {shlex.quote(dest)}/*.tar.gz | tail -n +{count + 1} | xargs -r rm --"
    subprocess.run(cmd, shell=True, check=False)  # ok: PY801


def main(argv=None):
    args = parse_args(argv)
    if args.safe:
        subprocess.run(build_quoted_command(args), shell=True, check=True)  # ok: PY801
    else:
        status = os.system(build_command(args))  # expect: PY801
        if status != 0:
            sys.exit(status)
    rotate(args.dest, args.keep)
    subprocess.run(["sync"], check=True)  # ok: PY801
    os.system("df -h " + args.dest)  # expect: PY801


if __name__ == "__main__":
    main()
