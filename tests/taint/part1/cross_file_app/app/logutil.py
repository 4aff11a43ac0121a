"""Audit logging."""
import logging

from .sanitize import strip_newlines

audit_log = logging.getLogger("shop.audit")


def audit(action, detail):
    audit_log.info("%s: %s", action, detail)  # expect: PY815


def audit_clean(action, detail):
    audit_log.info("%s: %s", action, strip_newlines(detail))  # ok: PY815
