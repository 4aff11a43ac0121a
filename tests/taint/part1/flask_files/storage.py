"""Filesystem helpers for docshare.

All documents live below UPLOAD_ROOT; markdown notes below NOTES_DIR.
"""
import os
from pathlib import Path

UPLOAD_ROOT = "/srv/docshare/uploads"
NOTES_DIR = Path("/srv/docshare/notes")


def user_folder(username):
    """Directory holding a user's personal uploads."""
    return os.path.join(UPLOAD_ROOT, "users", username)


def resolve_inside(base, user_path):
    """Resolve ``user_path`` below ``base`` or raise PermissionError."""
    real_base = os.path.realpath(base)
    full = os.path.realpath(os.path.join(real_base, user_path))
    if not full.startswith(real_base + os.sep):
        raise PermissionError(f"{user_path!r} escapes {base}")
    return full


def save_note(title, body):
    """Persist a note as ``<title>.md``."""
    path = NOTES_DIR / f"{title}.md"
    path.write_text(body, encoding="utf-8")  # expect: PY804
    return path


def delete_document(doc_id):
    os.remove(os.path.join(UPLOAD_ROOT, doc_id))  # expect: PY804


def read_document(name):
    """Return the raw bytes of a stored document (callers pass clean names)."""
    with open(os.path.join(UPLOAD_ROOT, name), "rb") as fh:  # ok: PY804
        return fh.read()


def list_notes():
    return sorted(os.listdir(NOTES_DIR))  # ok: PY804
