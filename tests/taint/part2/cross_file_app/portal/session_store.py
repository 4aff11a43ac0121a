"""Everything the portal keeps in the Flask session goes through here."""
from flask import abort, session

from .security import ALLOWED_PLANS


def remember_tenant(tenant):
    session["tenant"] = tenant  # expect: PY810


def remember_plan(plan):
    if plan not in ALLOWED_PLANS:
        abort(400)
    session["plan"] = plan  # ok: PY810


def remember_user(user_id):
    session["user_id"] = user_id  # ok: PY810


def store_cart_note(note):
    session["cart_note"] = note[:500]  # expect: PY810
