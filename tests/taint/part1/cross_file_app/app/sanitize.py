"""Input normalisation helpers."""
import os

ALLOWED_SORT = {"created", "total", "status"}


def clean_sort(value, default="created"):
    """Return ``value`` if it is a known sort column, else ``default``."""
    return value if value in ALLOWED_SORT else default


def strip_newlines(value):
    return str(value).replace("\r", "").replace("\n", "")


def safe_component(value):
    """Reduce a client supplied path to its last component."""
    return os.path.basename(value)


def as_int(value, default=0):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
