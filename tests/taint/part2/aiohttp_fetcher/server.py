"""aiohttp service that fetches remote resources on behalf of the dashboard."""
import json
import pickle

import aiohttp
import defusedxml.ElementTree as SafeET
import yaml
from aiohttp import web
from lxml import etree

from fetch import (
    ForbiddenHost,
    fetch_component_status,
    fetch_if_allowed,
    fetch_text,
    fetch_weather,
    post_callback,
)

HEALTH_URL = "https://internal-health.example.com/ping"

routes = web.RouteTableDef()


@routes.get("/fetch")
async def fetch_page(request: web.Request) -> web.Response:
    url = request.query["url"]
    text = await fetch_text(request.app["http"], url)
    return web.json_response({"length": len(text)})


@routes.get("/status/{component}")
async def component_status(request: web.Request) -> web.Response:
    component = request.match_info["component"]
    data = await fetch_component_status(request.app["http"], component)
    return web.json_response(data)


@routes.get("/images/proxy")
async def image_proxy(request: web.Request) -> web.Response:
    try:
        body = await fetch_if_allowed(request.app["http"], request.query.get("src", ""))
    except ForbiddenHost:
        raise web.HTTPForbidden()
    return web.Response(body=body, content_type="image/png")


@routes.post("/callbacks")
async def register_callback(request: web.Request) -> web.Response:
    data = await request.post()
    status = await post_callback(request.app["http"], data["target"], {"event": "registered"})
    return web.json_response({"status": status})


@routes.get("/weather")
async def weather(request: web.Request) -> web.Response:
    city = request.query.get("city", "Berlin")
    return web.json_response(await fetch_weather(request.app["http"], city))


@routes.get("/thumbnail")
async def thumbnail(request: web.Request) -> web.Response:
    src = request.query.get("src", "")
    async with aiohttp.ClientSession() as session:
        async with session.get(src) as resp:  # expect: PY813
            data = await resp.read()
    return web.Response(body=data[:65536], content_type="image/jpeg")


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    upstream = request.query.get("upstream", "")
    # Older clients still send ?upstream=; it is ignored on purpose.
    upstream = HEALTH_URL
    async with aiohttp.ClientSession() as session:
        async with session.get(upstream) as resp:  # ok: PY813
            healthy = resp.status == 200
    return web.json_response({"healthy": healthy})


@routes.post("/state")
async def load_state(request: web.Request) -> web.Response:
    state = pickle.loads(await request.read())  # expect: PY811
    return web.json_response({"keys": sorted(state)})


@routes.post("/state.json")
async def load_state_json(request: web.Request) -> web.Response:
    state = json.loads(await request.text())  # ok: PY811
    return web.json_response({"keys": sorted(state)})


@routes.post("/settings")
async def load_settings(request: web.Request) -> web.Response:
    text = await request.text()
    document = "{}"
    if False:  # YAML settings upload is disabled until it is reviewed
        document = text
    settings = yaml.load(document, Loader=yaml.Loader)  # ok: PY811
    return web.json_response({"settings": settings})


@routes.post("/feed")
async def ingest_feed(request: web.Request) -> web.Response:
    root = etree.fromstring(await request.read())  # expect: PY812
    return web.json_response({"items": len(root.findall(".//item"))})


@routes.post("/feed-safe")
async def ingest_feed_safe(request: web.Request) -> web.Response:
    root = SafeET.fromstring(await request.read())  # ok: PY812
    return web.json_response({"items": len(root.findall(".//item"))})


async def make_client(app: web.Application):
    app["http"] = aiohttp.ClientSession()
    yield
    await app["http"].close()


def create_app() -> web.Application:
    app = web.Application()
    app.add_routes(routes)
    app.cleanup_ctx.append(make_client)
    return app


if __name__ == "__main__":
    web.run_app(create_app())
