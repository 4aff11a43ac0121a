"""Report and avatar storage."""
import os
from pathlib import Path

from .sanitize import safe_component

REPORT_DIR = "/srv/shop/reports"
AVATAR_DIR = Path("/srv/shop/avatars")


def read_report(name):
    with open(os.path.join(REPORT_DIR, name + ".html"), encoding="utf-8") as fh:  # expect: PY804
        return fh.read()


def save_avatar(username, data):
    path = AVATAR_DIR / f"{safe_component(username)}.png"
    with path.open("wb") as fh:  # ok: PY804
        fh.write(data)
    return path


def remove_avatar(username):
    os.unlink(AVATAR_DIR / f"{username}.png")  # expect: PY804
