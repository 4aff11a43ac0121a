"""A dependency-free WSGI guestbook with a small admin area.

Run with ``gunicorn guestbook:application``.
"""
import json
import logging
import mimetypes
import os
import sqlite3
import subprocess
from urllib.parse import parse_qs

from mako.template import Template

from render import greeting_page, render_entry

DB_PATH = "/var/lib/guestbook/guestbook.db"
STATIC_ROOT = "/var/www/guestbook/static"
MAX_PAGE_SIZE = 100

logging.basicConfig(level=logging.INFO)
log = logging.getLogger("guestbook")


def _query(environ):
    return parse_qs(environ.get("QUERY_STRING", ""))


def _form(environ):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length).decode("utf-8")
    return parse_qs(body)


def _respond(start_response, body, status="200 OK", content_type="text/html; charset=utf-8"):
    if isinstance(body, str):
        body = body.encode("utf-8")
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def list_entries(environ, start_response):
    author = _query(environ).get("author", [""])[0]
    conn = sqlite3.connect(DB_PATH)
    cur = conn.cursor()
    cur.execute("SELECT author, message FROM entries WHERE author = '" + author + "'")  # expect: PY803
    html = "".join(render_entry(a, m) for a, m in cur.fetchall())
    return _respond(start_response, html)


def list_entries_paged(environ, start_response):
    params = _query(environ)
    author = params.get("author", [""])[0]
    page_size = min(int(params.get("size", ["20"])[0]), MAX_PAGE_SIZE)
    conn = sqlite3.connect(DB_PATH)
    rows = conn.execute(  # ok: PY803
        "SELECT author, message FROM entries WHERE author = ? ORDER BY id DESC LIMIT %d" % page_size,
        (author,),
    ).fetchall()
    return _respond(start_response, "".join(render_entry(a, m) for a, m in rows))


def sign(environ, start_response):
    form = _form(environ)
    name, message = form["name"][0], form["message"][0]
    conn = sqlite3.connect(DB_PATH)
    with conn:
        conn.execute("INSERT INTO entries (author, message) VALUES (?, ?)", (name, message))  # ok: PY803
    log.info("new guestbook entry by " + name)  # expect: PY815
    return _respond(start_response, "thanks", status="201 Created")


def import_entries(environ, start_response):
    """Bulk import: a JSON list of [author, message] pairs."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    pairs = json.loads(environ["wsgi.input"].read(length))
    conn = sqlite3.connect(DB_PATH)
    with conn:
        conn.executemany("INSERT INTO entries (author, message) VALUES (?, ?)", pairs)  # ok: PY803
    log.info("imported %d entries", len(pairs))  # ok: PY815
    return _respond(start_response, "imported", status="201 Created")


def restore(environ, start_response):
    """Admin: replay an SQL dump uploaded as the request body."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    script = environ["wsgi.input"].read(length).decode("utf-8")
    conn = sqlite3.connect(DB_PATH)
    conn.executescript(script)  # expect: PY803
    return _respond(start_response, "restored")


def reset(environ, start_response):
    conn = sqlite3.connect(DB_PATH)
    conn.executescript(  # ok: PY803
        "DROP TABLE IF EXISTS entries;"
        "CREATE TABLE entries (id INTEGER PRIMARY KEY, author TEXT, message TEXT);"
    )
    log.warning("guestbook reset")  # ok: PY815
    return _respond(start_response, "reset")


def static(environ, start_response):
    rel = environ["PATH_INFO"][len("/static/"):]
    path = os.path.join(STATIC_ROOT, rel)
    with open(path, "rb") as fh:  # expect: PY804
        data = fh.read()
    ctype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return _respond(start_response, data, content_type=ctype)


def favicon(environ, start_response):
    name = os.path.basename(environ.get("PATH_INFO", "/favicon.ico"))
    with open(os.path.join(STATIC_ROOT, "icons", name), "rb") as fh:  # ok: PY804
        return _respond(start_response, fh.read(), content_type="image/x-icon")


def greet(environ, start_response):
    name = _query(environ).get("name", ["stranger"])[0]
    return _respond(start_response, greeting_page(name))


def motd(environ, start_response):
    """Message of the day; admins may preview a draft with ?draft=..."""
    draft = _query(environ).get("draft", [None])[0]
    text = draft if draft else "Welcome to the ${site} guestbook!"
    return _respond(start_response, Template(text).render(site="Example"))  # expect: PY808


def footer(environ, start_response):
    visitor = environ.get("HTTP_X_VISITOR_NAME", "guest")
    tpl = Template("<footer>Signed in as ${visitor | h}</footer>")  # ok: PY808
    return _respond(start_response, tpl.render(visitor=visitor))


def whois(environ, start_response):
    """Admin helper: show who owns the domain a spammer signed from."""
    domain = _query(environ).get("domain", [""])[0]
    output = os.popen("whois " + domain).read()  # expect: PY801
    return _respond(start_response, output, content_type="text/plain; charset=utf-8")


def uptime(environ, start_response):
    output = subprocess.check_output(["uptime"], text=True)  # ok: PY801
    return _respond(start_response, output, content_type="text/plain; charset=utf-8")


ROUTES = {
    "/entries": list_entries,
    "/entries/paged": list_entries_paged,
    "/sign": sign,
    "/admin/import": import_entries,
    "/admin/restore": restore,
    "/admin/reset": reset,
    "/favicon.ico": favicon,
    "/greet": greet,
    "/motd": motd,
    "/footer": footer,
    "/admin/whois": whois,
    "/admin/uptime": uptime,
}


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path.startswith("/static/"):
        return static(environ, start_response)
    handler = ROUTES.get(path)
    if handler is None:
        log.warning("unknown path requested: %s", path)  # expect: PY815
        return _respond(start_response, "not found", status="404 Not Found")
    return handler(environ, start_response)
