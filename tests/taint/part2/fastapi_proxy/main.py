"""Internal API gateway / proxy built on FastAPI."""
import html
import json
import os
import pickle
import xml.etree.ElementTree as ET
from urllib.parse import quote

import defusedxml.ElementTree as SafeET
import httpx
import yaml
from fastapi import FastAPI, Header, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel
from starlette.middleware.sessions import SessionMiddleware

from clients import (
    UpstreamNotAllowed,
    fetch_allowed,
    fetch_async,
    fetch_raw,
    get_user_projects,
    ping_node,
    search_docs,
)

USE_CUSTOM_MIRROR = False
OUTBOUND_DESTINATIONS = {
    "https://docs.example.com/",
    "https://status.example.com/",
    "https://www.example.com/pricing",
}
REGIONS = ("eu-west", "us-east", "ap-south")
NODE_TOKEN = os.environ.get("NODE_TOKEN", "")

app = FastAPI(title="gateway")
app.add_middleware(SessionMiddleware, secret_key=os.environ.get("SESSION_SECRET", "dev-only"))


class NodeIn(BaseModel):
    host: str
    label: str = ""


class ConfigIn(BaseModel):
    name: str
    yaml_text: str


@app.get("/proxy")
def proxy(url: str):
    status, body = fetch_raw(url)
    return {"status": status, "length": len(body)}


@app.get("/proxy/head")
async def proxy_head(url: str):
    status, ctype = await fetch_async(url)
    return {"status": status, "content_type": ctype}


@app.get("/proxy/trusted")
def proxy_trusted(url: str):
    try:
        status, body = fetch_allowed(url)
    except UpstreamNotAllowed:
        raise HTTPException(status_code=403, detail="upstream not allowed")
    return {"status": status, "body": body[:2000]}


@app.get("/docs/search")
def docs_search(q: str, limit: int = 10):
    return {"hits": search_docs(q, limit)}


@app.get("/users/{username}/projects")
def user_projects(username: str):
    return {"projects": get_user_projects(username)}


@app.post("/nodes/ping")
def nodes_ping(node: NodeIn):
    return {"label": node.label, "alive": ping_node(node.host, NODE_TOKEN)}


@app.get("/mirror/status")
def mirror_status(mirror: str = ""):
    target = "https://mirror.example.org/status"
    if USE_CUSTOM_MIRROR:
        target = mirror
    resp = httpx.get(target, timeout=5.0)  # ok: PY813
    return {"mirror": target, "status": resp.status_code}


@app.get("/preview/{title}")
def preview(title: str):
    return HTMLResponse(content=f"<html><body><h1>{title}</h1></body></html>")  # expect: PY807


@app.get("/preview-safe/{title}")
def preview_safe(title: str):
    return HTMLResponse(content=f"<html><body><h1>{html.escape(title)}</h1></body></html>")  # ok: PY807


@app.get("/about", response_class=HTMLResponse)
def about():
    return HTMLResponse("<html><body><p>Internal gateway v2</p></body></html>")  # ok: PY807


@app.get("/widget")
def widget(request: Request):
    parts = ["<div class='widget'>"]
    parts.append("<h3>" + request.query_params.get("heading", "Stats") + "</h3>")
    parts.append("</div>")
    page = "".join(parts)
    return HTMLResponse(page)  # expect: PY807


@app.get("/login/callback")
def login_callback(next: str = "/"):
    return RedirectResponse(url=next, status_code=303)  # expect: PY809


@app.get("/logout")
def logout(request: Request):
    request.session.clear()
    return RedirectResponse(url=request.url_for("about"))  # ok: PY809


@app.get("/a/{slug}")
def article_shortlink(slug: str):
    return RedirectResponse("/articles/" + slug)  # ok: PY809


@app.get("/out")
def outbound(dest: str):
    if dest not in OUTBOUND_DESTINATIONS:
        raise HTTPException(status_code=400, detail="unknown destination")
    return RedirectResponse(dest)  # ok: PY809


@app.get("/legacy-docs")
def legacy_docs():
    return RedirectResponse("/docs", status_code=301)  # ok: PY809


@app.get("/jump")
def jump(request: Request):
    hops = {"default": "/", "requested": request.query_params.get("to", "/")}
    return RedirectResponse(hops["requested"])  # expect: PY809


@app.get("/sso/start")
def sso_start(request: Request, return_to: str = "/"):
    request.session["return_to"] = return_to  # expect: PY810
    return {"redirect": "https://sso.example.com/authorize"}


@app.post("/prefs")
async def save_prefs(request: Request):
    form = await request.form()
    request.session["nickname"] = form.get("nickname", "")  # expect: PY810
    request.session["page_size"] = int(form.get("page_size", "20"))  # ok: PY810
    region = form.get("region", "eu-west")
    if region not in REGIONS:
        raise HTTPException(status_code=400, detail="unknown region")
    request.session["region"] = region  # ok: PY810
    return {"saved": True}


@app.get("/download/{name}")
def download(name: str):
    response = Response(content=b"%PDF-1.4 ...", media_type="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename={name}"  # expect: PY814
    return response


@app.get("/download-safe/{name}")
def download_safe(name: str):
    response = Response(content=b"%PDF-1.4 ...", media_type="application/pdf")
    response.headers["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(name)  # ok: PY814
    return response


@app.get("/trace")
def trace(response: Response, x_trace_id: str = Header("")):
    response.headers["X-Trace-Id"] = x_trace_id  # expect: PY814
    response.headers["X-Cache"] = "MISS"  # ok: PY814
    return {"traced": True}


@app.get("/items")
def list_items(request: Request):
    total = int(request.query_params.get("total", "0"))
    response = JSONResponse({"items": []})
    response.headers["X-Total-Count"] = str(total)  # ok: PY814
    return response


@app.post("/import/state")
async def import_state(request: Request):
    body = await request.body()
    state = pickle.loads(body)  # expect: PY811
    return {"keys": sorted(state)}


@app.post("/import/state.json")
async def import_state_json(request: Request):
    body = await request.body()
    state = json.loads(body)  # ok: PY811
    return {"keys": sorted(state)}


@app.post("/import/config")
def import_config(payload: ConfigIn):
    config = yaml.unsafe_load(payload.yaml_text)  # expect: PY811
    return {"name": payload.name, "sections": list(config)}


@app.post("/import/config-safe")
def import_config_safe(payload: ConfigIn):
    config = yaml.safe_load(payload.yaml_text)  # ok: PY811
    return {"name": payload.name, "sections": list(config or {})}


@app.post("/import/sitemap")
async def import_sitemap(request: Request):
    raw = await request.body()
    root = ET.fromstring(raw)  # expect: PY812
    return {"urls": len(root)}


@app.post("/import/sitemap-safe")
async def import_sitemap_safe(request: Request):
    raw = await request.body()
    root = SafeET.fromstring(raw)  # ok: PY812
    return {"urls": len(root)}
