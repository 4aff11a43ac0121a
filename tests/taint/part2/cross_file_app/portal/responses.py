"""Response decoration helpers (headers and redirects)."""
from flask import redirect, url_for

from .security import ALLOWED_RETURN_PATHS, strip_crlf


def attach_filename(resp, filename):
    resp.headers["Content-Disposition"] = "attachment; filename=" + filename  # expect: PY814
    return resp


def attach_filename_safe(resp, filename):
    resp.headers["Content-Disposition"] = 'attachment; filename="%s"' % strip_crlf(filename)  # ok: PY814
    return resp


def tag_response(resp, request_id):
    resp.headers["X-Request-Id"] = request_id  # expect: PY814
    return resp


def set_cache_region(resp, region):
    resp.headers["X-Cache-Region"] = str(int(region))  # ok: PY814
    return resp


def go_back(url):
    return redirect(url)  # expect: PY809


def go_back_checked(url):
    if url in ALLOWED_RETURN_PATHS:
        return redirect(url)  # ok: PY809
    return redirect(url_for("portal.home"))  # ok: PY809
