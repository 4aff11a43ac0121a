"""Accessors for values the client sends with a request."""
from flask import request


def requested_report():
    return request.args.get("report", "summary")


def current_username():
    """User name injected by the authenticating reverse proxy."""
    return request.headers.get("X-Remote-User", "anonymous")


def json_field(name, default=""):
    payload = request.get_json(silent=True) or {}
    return payload.get(name, default)
