"""Calls to other systems (avatars, health checks, webhooks)."""
from urllib.parse import urlparse
from urllib.request import urlopen

import requests

from .security import ALLOWED_AVATAR_HOSTS

GRAVATAR_BASE = "https://secure.gravatar.com/avatar/"
GEO_API = "https://geo.example.com/v1/lookup"
CATALOG_URL = "https://catalog.example.com/export/partners.json"


def fetch_avatar(url):
    """Download an avatar image from an arbitrary URL supplied by the user."""
    resp = requests.get(url, timeout=5, stream=True)  # expect: PY813
    resp.raise_for_status()
    return resp.raw.read(512 * 1024)


def fetch_avatar_checked(url):
    """Same as fetch_avatar, restricted to known image hosts."""
    if urlparse(url).hostname not in ALLOWED_AVATAR_HOSTS:
        raise ValueError("avatar host not allowed")
    resp = requests.get(url, timeout=5)  # ok: PY813
    resp.raise_for_status()
    return resp.content


def fetch_gravatar(email_hash):
    resp = requests.get(GRAVATAR_BASE + email_hash + "?s=128&d=identicon", timeout=5)  # ok: PY813
    return resp.content if resp.ok else None


def ping_service(host, port=8080):
    resp = requests.get(f"http://{host}:{port}/healthz", timeout=2)  # expect: PY813
    return resp.status_code == 200


def lookup_geo(ip_address):
    resp = requests.get(GEO_API, params={"ip": ip_address}, timeout=3)  # ok: PY813
    return resp.json().get("country", "??")


def notify_webhook(config, event, payload):
    if event not in config.events:
        return None
    resp = requests.post(config.webhook_url, json={"event": event, "data": payload}, timeout=5)  # expect: PY813
    return resp.status_code


def partner_api_url(partner_host, path):
    return "https://" + partner_host + "/api/" + path.lstrip("/")


def sync_catalog():
    with urlopen(CATALOG_URL, timeout=30) as resp:  # ok: PY813
        return resp.read()
