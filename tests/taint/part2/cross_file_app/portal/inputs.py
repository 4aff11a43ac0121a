"""Accessors for request values, so routes read them in one place."""
from flask import request


def search_term():
    return request.args.get("q", "").strip()


def client_return_url():
    return request.args.get("return_url") or request.referrer or "/portal/"


def requested_locale():
    return request.headers.get("Accept-Language", "en").split(",")[0]


def uploaded_document():
    upload = request.files["document"]
    return upload.read()
