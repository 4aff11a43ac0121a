"""Customer portal: application factory and public pages."""
import csv
import html
import io
import os

import requests
import yaml
from flask import Flask, abort, jsonify, make_response, redirect, render_template, request, session, url_for
from markupsafe import Markup, escape

from services import load_account
from views import account_bp

DEBUG = False
ALLOWED_THEMES = {"light", "dark", "high-contrast"}
ALLOWED_LANGS = ("en", "de", "fr", "es")
SAFE_NEXT_PAGES = {"/dashboard", "/settings", "/billing"}
PRODUCTS = ["Basic plan", "Team plan", "Enterprise plan", "Support add-on"]

app = Flask(__name__)
app.secret_key = os.environ.get("PORTAL_SECRET_KEY", "")
app.register_blueprint(account_bp)


def build_csv(rows):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["product", "price"])
    writer.writerows(rows)
    return buf.getvalue()


@app.route("/")
def index():
    return render_template("index.html", products=PRODUCTS)  # ok: PY807


@app.route("/hello")
def hello():
    name = request.args.get("name", "guest")
    return "<h1>Hello " + name + "</h1>"  # expect: PY807


@app.route("/hello/escaped")
def hello_escaped():
    name = request.args.get("name", "guest")
    return "<h1>Hello " + html.escape(name) + "</h1>"  # ok: PY807


@app.route("/search")
def search():
    query = request.args.get("q", "")
    results = [p for p in PRODUCTS if query.lower() in p.lower()]
    heading = "<h2>Results for %s</h2>" % query
    items = "".join("<li>%s</li>" % html.escape(p) for p in results)
    return heading + "<ul>" + items + "</ul>"  # expect: PY807


@app.route("/search/v2")
def search_v2():
    query = request.args.get("q", "")
    results = [p for p in PRODUCTS if query.lower() in p.lower()]
    return render_template("search.html", query=query, results=results)  # ok: PY807


@app.route("/greet/<username>")
def greet(username):
    message = f"<p>Welcome back, {username}!</p>"
    return message, 200  # expect: PY807


@app.route("/greet/<username>/safe")
def greet_escaped(username):
    message = "<p>Welcome back, {}!</p>".format(escape(username))
    return message  # ok: PY807


@app.route("/notice")
def notice():
    text = request.args.get("text", "")
    banner = Markup(text)  # expect: PY807
    return render_template("notice.html", banner=banner)


@app.route("/notice/safe")
def notice_safe():
    text = request.args.get("text", "")
    banner = Markup("<strong>{}</strong>").format(text)  # ok: PY807
    return render_template("notice.html", banner=banner)


@app.route("/motd")
def motd():
    msg = request.args.get("msg", "")
    if DEBUG:
        msg_html = "<marquee>" + msg + "</marquee>"
    else:
        msg_html = "<marquee>Have a nice day</marquee>"
    return msg_html  # ok: PY807


@app.route("/maintenance")
def maintenance():
    reason = request.args.get("reason", "")
    # The reason used to be echoed back verbatim; it is now fixed text.
    reason = "Scheduled maintenance in progress"
    return "<p class='banner'>" + reason + "</p>"  # ok: PY807


@app.route("/theme")
def theme_preview():
    theme = request.args.get("theme", "light")
    if theme not in ALLOWED_THEMES:
        abort(400)
    return f'<link rel="stylesheet" href="/static/{theme}.css">'  # ok: PY807


@app.route("/page")
def page_counter():
    page = int(request.args.get("page", "1"))
    return f"<span class='page'>Page {page}</span>"  # ok: PY807


@app.route("/profile/card")
def profile_card():
    fields = {
        "Name": request.args.get("name", ""),
        "City": request.args.get("city", ""),
    }
    rows = []
    for label, value in fields.items():
        rows.append("<tr><th>%s</th><td>%s</td></tr>" % (label, value))
    return make_response("<table>" + "".join(rows) + "</table>")  # expect: PY807


@app.route("/export")
def export_prices():
    filename = request.args.get("filename", "prices.csv")
    body = build_csv([(p, "n/a") for p in PRODUCTS])
    resp = make_response(body)  # ok: PY807
    resp.headers["Content-Type"] = "text/csv"
    resp.headers["Content-Disposition"] = "attachment; filename=" + filename  # expect: PY814
    return resp


@app.route("/preferences", methods=["POST"])
def save_preferences():
    session["theme"] = request.form["theme"]  # expect: PY810
    lang = request.form.get("lang", "en")
    if lang in ALLOWED_LANGS:
        session["lang"] = lang  # ok: PY810
    session["page_size"] = int(request.form.get("page_size", "20"))  # ok: PY810
    return jsonify(status="saved")


@app.route("/switch-account", methods=["POST"])
def switch_account():
    account_id = int(request.form["account_id"])
    account = load_account(account_id)
    if account is None:
        abort(404)
    session["account_id"] = account["id"]  # ok: PY810
    session["account_label"] = request.form.get("label", account["name"])  # expect: PY810
    return jsonify(account=account["name"])


@app.route("/consent", methods=["POST"])
def cookie_consent():
    if request.form.get("choice") == "accept":
        session["consent"] = "accepted"  # ok: PY810
    else:
        session["consent"] = "rejected"  # ok: PY810
    return jsonify(consent=session["consent"])


@app.route("/tour/finish", methods=["POST"])
def finish_tour():
    step = request.form.get("step", "")
    # Older app builds post the step they stopped at; the tour now always
    # counts as completed once this endpoint is hit.
    step = "completed"
    session["tour"] = step  # ok: PY810
    return jsonify(tour=step)


@app.route("/login/done")
def after_login():
    next_url = request.args.get("next", "/dashboard")
    response = redirect(next_url)  # expect: PY809
    response.headers["Cache-Control"] = "no-store"  # ok: PY814
    return response


@app.route("/logout")
def logout():
    session.clear()
    response = redirect(url_for("index"))  # ok: PY809
    return response


@app.route("/continue")
def continue_to():
    target = request.args.get("to", "/dashboard")
    if target not in SAFE_NEXT_PAGES:
        abort(400)
    response = redirect(target)  # ok: PY809
    return response


@app.route("/u/<username>")
def user_shortcut(username):
    response = redirect("/profile/" + username)  # ok: PY809
    return response


@app.route("/go")
def outbound():
    links = {"docs": "https://docs.example.com/"}
    links["custom"] = request.args.get("url", "")
    response = redirect(links["custom"])  # expect: PY809
    return response


@app.route("/webhooks/test", methods=["POST"])
def test_webhook():
    payload = request.get_json(force=True)
    target = payload["callback_url"]
    r = requests.post(target, json={"event": "ping"}, timeout=5)  # expect: PY813
    return jsonify(status=r.status_code)


@app.route("/status/<service>")
def service_status(service):
    r = requests.get("https://status.example.com/api/services/" + service, timeout=5)  # ok: PY813
    return jsonify(r.json())


@app.route("/config/import", methods=["POST"])
def import_config():
    text = request.get_data(as_text=True)
    config = yaml.load(text, Loader=yaml.Loader)  # expect: PY811
    return jsonify(keys=sorted(config))


@app.route("/config/import/v2", methods=["POST"])
def import_config_v2():
    text = request.get_data(as_text=True)
    config = yaml.load(text, Loader=yaml.SafeLoader)  # ok: PY811
    return jsonify(keys=sorted(config))


if __name__ == "__main__":
    app.run()
