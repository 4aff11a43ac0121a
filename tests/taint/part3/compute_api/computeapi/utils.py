"""Helpers of the compute API."""

import hashlib
import secrets


def generate_password(length=20):
    return secrets.token_urlsafe(length)


def hash_token(token):
    return hashlib.sha256(token.encode('utf-8')).hexdigest()
