"""Outbound HTTP helpers used by the proxy service."""
from urllib.parse import urlparse

import httpx
import requests

ALLOWED_UPSTREAMS = {"api.example.com", "cdn.example.com", "status.example.com"}
DOCS_SEARCH_URL = "https://docs.example.com/api/search"
GIT_API = "https://git.example.com/api/v4/"


class UpstreamNotAllowed(Exception):
    pass


def fetch_raw(url):
    """Fetch any URL and return status and body (used by the debug proxy)."""
    resp = httpx.get(url, timeout=10.0, follow_redirects=False)  # expect: PY813
    return resp.status_code, resp.text


async def fetch_async(url):
    async with httpx.AsyncClient(timeout=10.0) as client:
        resp = await client.get(url)  # expect: PY813
    return resp.status_code, resp.headers.get("content-type", "")


def fetch_allowed(url):
    """Fetch a URL only if it points to one of our own upstreams."""
    parsed = urlparse(url)
    if parsed.hostname in ALLOWED_UPSTREAMS:
        resp = httpx.get(url, timeout=10.0)  # ok: PY813
        return resp.status_code, resp.text
    raise UpstreamNotAllowed(parsed.hostname)


def search_docs(query, limit=10):
    resp = httpx.get(DOCS_SEARCH_URL, params={"q": query, "limit": limit})  # ok: PY813
    resp.raise_for_status()
    return resp.json()["hits"]


def get_user_projects(username):
    resp = requests.get(GIT_API + "users/" + username + "/projects", timeout=10)  # ok: PY813
    resp.raise_for_status()
    return [p["path_with_namespace"] for p in resp.json()]


def ping_node(host, token):
    resp = requests.post(  # expect: PY813
        f"http://{host}/api/v1/ping",
        headers={"Authorization": "Bearer " + token},
        timeout=3,
    )
    return resp.ok
