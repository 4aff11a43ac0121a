#!/usr/bin/env python3
"""Remove rotated log archives and stale upload scratch directories."""
import os
import shutil
import sys

LOG_ROOT = "/var/log/shop"
SCRATCH_ROOT = "/var/tmp/shop-uploads"
DEBUG = False


def remove_archives(days_dir):
    target = os.path.join(LOG_ROOT, "archive", days_dir)
    shutil.rmtree(target, ignore_errors=True)  # expect: PY804


def remove_scratch(session_id):
    if not session_id.isdigit():
        raise SystemExit("session id must be numeric")
    shutil.rmtree(os.path.join(SCRATCH_ROOT, session_id), ignore_errors=True)  # ok: PY804


def ensure_layout():
    for sub in ("archive", "current"):
        os.makedirs(os.path.join(LOG_ROOT, sub), exist_ok=True)  # ok: PY804


def read_manifest():
    manifest = "/etc/shop/cleanup.manifest"
    if DEBUG:
        manifest = input("manifest path: ")
    with open(manifest) as fh:  # ok: PY804
        return [line.strip() for line in fh if line.strip()]


def interactive_delete():
    name = input("file to delete from scratch: ")
    os.unlink(os.path.join(SCRATCH_ROOT, name))  # expect: PY804


if __name__ == "__main__":
    ensure_layout()
    for entry in read_manifest():
        remove_scratch(entry)
    if len(sys.argv) > 1:
        remove_archives(sys.argv[1])
    if "--interactive" in sys.argv:
        interactive_delete()
