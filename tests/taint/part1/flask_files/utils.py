"""Request helpers shared by the docshare views."""
from flask import request
from werkzeug.utils import secure_filename


def requested_filename():
    """Return the file name requested via ``?file=`` or the JSON body."""
    name = request.args.get("file")
    if name is None:
        payload = request.get_json(silent=True) or {}
        name = payload.get("file", "")
    return name


def safe_name(name):
    """Reduce an arbitrary client supplied name to a plain file name."""
    return secure_filename(name) or "unnamed"


def clean_for_log(value):
    """Strip line breaks so a value cannot forge extra log records."""
    return str(value).replace("\n", "").replace("\r", "")
