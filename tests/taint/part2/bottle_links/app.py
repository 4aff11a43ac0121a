"""Link shortener / bookmark service built with Bottle."""
import sqlite3

import requests
from bottle import Bottle, abort, redirect, request, response, run, template

DEBUG = False
DB_PATH = "links.sqlite3"
SEARCH_API = "https://search.example.com/api/v1/query"
POST_LOGIN_PAGES = ("/dashboard", "/bookmarks", "/settings")

app = Bottle()


def db():
    conn = sqlite3.connect(DB_PATH)
    conn.row_factory = sqlite3.Row
    return conn


def bounce(target):
    """Send the browser back to where it came from."""
    redirect(target)  # expect: PY809


@app.get("/go")
def go():
    redirect(request.query.get("to", "/"))  # expect: PY809


@app.get("/u/<username>")
def user_page(username):
    redirect("/users/" + username + "/bookmarks")  # ok: PY809


@app.get("/home")
def home():
    redirect("/")  # ok: PY809


@app.post("/login")
def login():
    with db() as conn:
        row = conn.execute(
            "SELECT id FROM users WHERE name = ? AND api_key = ?",
            (request.forms.get("name"), request.forms.get("api_key")),
        ).fetchone()
    if row is None:
        abort(401, "bad credentials")
    response.set_cookie("uid", str(row["id"]), secret="bookmarks", httponly=True, secure=True)
    next_page = request.forms.get("next", "/dashboard")
    if next_page not in POST_LOGIN_PAGES:
        next_page = "/dashboard"
    redirect(next_page)  # ok: PY809


@app.post("/logout")
def logout():
    response.delete_cookie("uid")
    redirect(request.forms.get("return_to", "/"))  # expect: PY809


@app.get("/back")
def back():
    last = request.get_cookie("last_page", "/")
    bounce(last)


@app.get("/welcome")
def welcome():
    dest = "/tour"
    if DEBUG:
        dest = request.query.get("dest", "/tour")
    redirect(dest)  # ok: PY809


@app.get("/preview")
def preview():
    url = request.query.url
    page = requests.get(url, timeout=5)  # expect: PY813
    return {"status": page.status_code, "bytes": len(page.content)}


@app.get("/search")
def search():
    q = request.query.get("q", "")
    page = requests.get(SEARCH_API, params={"q": q, "site": "bookmarks"}, timeout=5)  # ok: PY813
    return template("search", q=q, results=page.json().get("results", []))


if __name__ == "__main__":
    run(app, host="127.0.0.1", port=8080)
