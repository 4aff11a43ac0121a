"""Thin wrappers around aiohttp.ClientSession used by the fetcher service."""
from urllib.parse import quote, urlparse

import aiohttp

STATUS_API = "https://status.example.com/api/components/"
WEATHER_API = "https://weather.example.com/v1/current"
ALLOWED_IMAGE_HOSTS = frozenset({"images.example.com", "cdn.example.com"})


class ForbiddenHost(Exception):
    pass


async def fetch_text(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url, timeout=aiohttp.ClientTimeout(total=10)) as resp:  # expect: PY813
        resp.raise_for_status()
        return await resp.text()


async def fetch_component_status(session, component):
    async with session.get(STATUS_API + quote(component, safe="")) as resp:  # ok: PY813
        return await resp.json()


async def fetch_if_allowed(session, url):
    host = urlparse(url).hostname
    if host not in ALLOWED_IMAGE_HOSTS:
        raise ForbiddenHost(host)
    async with session.get(url) as resp:  # ok: PY813
        return await resp.read()


async def post_callback(session, target, payload):
    async with session.post(target, json=payload) as resp:  # expect: PY813
        return resp.status


async def fetch_weather(session, city):
    async with session.get(WEATHER_API, params={"city": city, "units": "metric"}) as resp:  # ok: PY813
        return await resp.json()
