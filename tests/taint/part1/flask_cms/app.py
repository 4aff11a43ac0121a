"""shopcms: pages, widgets, previews and publishing for the storefront."""
import logging
import operator
import re
import shlex
import subprocess
from datetime import datetime

from flask import Flask, abort, jsonify, render_template, render_template_string, request
from jinja2 import Environment, Template
from mako.template import Template as MakoTemplate
from markupsafe import escape

from content import PageDraft, clean_title, load_layout
from widgets import CustomWidget, render_widget, rule_matches, run_widget_hook

app = Flask(__name__)
log = logging.getLogger("cms")
page_env = Environment(autoescape=True)

THEMES = {
    "light": "<body class='light'>{{ body }}</body>",
    "dark": "<body class='dark'>{{ body }}</body>",
}
MAINTENANCE_MODE = False
DEFAULT_BANNER = "<p>Free shipping on orders over 50 EUR</p>"
OPERATORS = ("+", "-", "*", "/")
DEPLOY_TARGETS = {"staging": "staging.shop.internal", "prod": "www.shop.internal"}


# --- templates ---------------------------------------------------------------

@app.route("/preview", methods=["POST"])
def preview():
    return render_template_string(request.form["template"])  # expect: PY808


@app.route("/hello/<name>")
def hello(name):
    return render_template_string(f"<h1>Hello {name}!</h1>")  # expect: PY808


@app.route("/greet/<name>")
def greet(name):
    return render_template_string("<h1>Hello {{ name }}!</h1>", name=name)  # ok: PY808


@app.route("/profile/<name>")
def profile(name):
    return render_template("profile.html", name=name)


@app.route("/themed")
def themed():
    theme = request.args.get("theme", "light")
    if theme not in THEMES:
        abort(400)
    return render_template_string(THEMES[theme], body=request.args.get("body", ""))  # ok: PY808


@app.route("/comment", methods=["POST"])
def comment():
    text = request.form.get("text", "")
    # escape() only handles HTML metacharacters; {{ ... }} survives it
    return render_template_string("<p>" + escape(text) + "</p>")  # expect: PY808


@app.route("/page/<page>")
def page_number(page):
    return render_template_string("<p>Page " + str(int(page)) + "</p>")  # ok: PY808


@app.route("/archive/<year>")
def archive(year):
    if not year.isdigit():
        abort(400)
    return render_template_string("<h2>Archive " + year + "</h2>")  # ok: PY808


@app.route("/p/<slug>")
def permalink(slug):
    if not re.fullmatch(r"[a-z0-9-]{1,64}", slug):
        abort(404)
    return render_template_string(f"<a href='/pages/{slug}'>{slug}</a>")  # ok: PY808


@app.route("/header")
def header():
    parts = ["<header>"]
    parts.append(request.args.get("title", "Shop"))
    parts.append("</header>")
    return render_template_string("".join(parts))  # expect: PY808


@app.route("/email/preview", methods=["POST"])
def email_preview():
    settings = {"template": "Dear {{ customer }}, thanks for your order."}
    settings.update(request.form.to_dict())
    return Template(settings["template"]).render(customer="Jane Doe")  # expect: PY808, PY807


@app.route("/email/stripped", methods=["POST"])
def email_stripped():
    # removing "{{" does not remove {% ... %} statements
    source = request.form["template"].replace("{{", "").replace("}}", "")
    return page_env.from_string(source).render()  # expect: PY808, PY807


@app.route("/banner")
def banner():
    message = DEFAULT_BANNER
    if MAINTENANCE_MODE:
        message = request.args.get("message", message)
    return render_template_string(message)  # ok: PY808


@app.route("/intro", methods=["POST"])
def intro():
    body = request.form.get("intro", "")
    body = "<p>Welcome to our shop!</p>"  # custom intros are disabled
    return Template(body).render()  # ok: PY808


@app.route("/drafts/preview", methods=["POST"])
def draft_preview():
    draft = PageDraft(request.form["title"], request.form["body"], request.form["author"])
    log.info("previewing draft %s", draft.summary())  # expect: PY815
    return page_env.from_string(draft.body).render(title=draft.title)  # expect: PY808, PY807


@app.route("/drafts/render", methods=["POST"])
def draft_render():
    draft = PageDraft(request.form["title"], request.form["body"], request.form["author"])
    layout = load_layout(request.form.get("layout", "plain"))
    log.info("rendering draft titled %s", clean_title(draft.title))  # ok: PY815
    return page_env.from_string(layout).render(title=draft.title, body=draft.body)  # ok: PY808, PY807


@app.route("/legacy/render", methods=["POST"])
def legacy_render():
    """Old storefront pages were written in Mako."""
    return MakoTemplate(text=request.form["source"]).render()  # expect: PY808, PY807


# --- widgets -------------------------------------------------------------------

@app.route("/widgets/<name>")
def widget(name):
    return render_widget(name, now=datetime.now().isoformat(), city="Berlin", temp=21, visits=1000)


@app.route("/widgets/custom", methods=["POST"])
def custom_widget():
    payload = request.get_json(force=True)
    widget = CustomWidget(payload["source"], payload.get("condition", "True"))
    context = {"visits": 1000, "hour": datetime.now().hour, "weekday": datetime.now().weekday()}
    if not widget.visible(context):
        return ""
    return widget.render(**context)


@app.route("/widgets/rule", methods=["POST"])
def widget_rule():
    context = {"visits": 1000, "hour": datetime.now().hour, "weekday": datetime.now().weekday()}
    try:
        return jsonify(visible=bool(rule_matches(request.form["rule"], context)))
    except ValueError:
        abort(400)


@app.route("/widgets/hook", methods=["POST"])
def widget_hook():
    return jsonify(run_widget_hook(request.form["code"], {"visits": 0}))


# --- calculators -----------------------------------------------------------------

@app.route("/calc")
def calc():
    a = float(request.args.get("a", "0"))
    b = float(request.args.get("b", "0"))
    op = request.args.get("op", "+")
    if op in OPERATORS:
        return jsonify(result=eval(f"a {op} b", {"__builtins__": {}}, {"a": a, "b": b}))  # ok: PY802
    return jsonify(error="unsupported operator"), 400


@app.route("/calc/fast")
def calc_fast():
    ops = {"+": operator.add, "-": operator.sub, "*": operator.mul}
    expression = request.args.get("expr", "0")
    fields = {}
    fields["expr"] = expression
    return jsonify(result=eval(fields["expr"], {"__builtins__": {}}, ops))  # expect: PY802


@app.route("/calc/price")
def price_calc():
    expr = request.args.get("expr", "")
    expr = "price * (1 + vat)"  # user supplied formulas were removed in 3.2
    return jsonify(result=eval(expr, {"__builtins__": {}}, {"price": 10.0, "vat": 0.19}))  # ok: PY802


@app.route("/calc/batch", methods=["POST"])
def calc_batch():
    expressions = request.get_json(force=True).get("expressions", [])
    results = []
    for item in expressions:
        results.append(eval(item, {"__builtins__": {}}, {}))  # expect: PY802
    return jsonify(results=results)


@app.route("/calc/cache-size")
def cache_size():
    size = request.args.get("mb", "64")
    if not size.isdigit():
        abort(400)
    return jsonify(bytes=eval(size + " * 1024 * 1024"))  # ok: PY802


# --- publishing --------------------------------------------------------------------

@app.route("/publish", methods=["POST"])
def publish():
    options = request.get_json(force=True)
    branch = options.pop("branch", "main")
    log.info("publishing branch %s", branch)  # expect: PY815
    subprocess.Popen(f"git -C /srv/shopcms push origin {branch}", shell=True)  # expect: PY801
    return jsonify(status="started"), 202


@app.route("/deploy", methods=["POST"])
def deploy():
    target = request.args.get("target", "staging")
    if request.args.get("quote") == "1":
        target = shlex.quote(target)
    # only one branch quotes the target
    subprocess.run("/opt/shopcms/deploy.sh " + target, shell=True, check=True)  # expect: PY801
    return jsonify(status="deployed")


@app.route("/deploy/v2", methods=["POST"])
def deploy_v2():
    target = request.args.get("target", "staging")
    if target in DEPLOY_TARGETS:
        host = shlex.quote(DEPLOY_TARGETS[target])
    else:
        host = shlex.quote(target)
    subprocess.run("/opt/shopcms/deploy.sh " + host, shell=True, check=True)  # ok: PY801
    log.info("deployed to %s", host.replace("\n", "").replace("\r", ""))  # ok: PY815
    return jsonify(status="deployed")


@app.route("/cache/purge", methods=["POST"])
def purge_cache():
    paths = request.get_json(force=True).get("paths", [])
    args = " ".join(paths)
    subprocess.run("varnishadm ban req.url '~' " + args, shell=True)  # expect: PY801
    log.info("cache purge for %d paths", len(paths))  # ok: PY815
    return "", 204


@app.route("/cache/purge-all", methods=["POST"])
def purge_all():
    subprocess.run("varnishadm ban req.url '~' .", shell=True)  # ok: PY801
    log.warning("full cache purge requested")  # ok: PY815
    return "", 204


@app.errorhandler(404)
def not_found(error):
    log.info("404 for %s", request.path)  # expect: PY815
    return "not found", 404


@app.errorhandler(500)
def server_error(error):
    log.error("internal error while handling request %s", request.headers.get("X-Request-Id", "-").replace("\r", "").replace("\n", ""))  # ok: PY815
    return "internal error", 500
