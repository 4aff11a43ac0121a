"""Account area of the customer portal."""
from urllib.parse import quote

from flask import Blueprint, abort, jsonify, make_response, render_template, request, session

from sanitize import attachment_name, clean_header
from services import (
    build_welcome_banner,
    fetch_exchange_rate,
    fetch_partner_status,
    fresh_dashboard_layout,
    load_default_settings,
    parse_invoice_xml,
    render_comment_html,
    restore_draft,
)

account_bp = Blueprint("account", __name__, url_prefix="/account")

ASSIGNABLE_ROLES = {"viewer", "editor", "billing"}
SUPPORTED_LANGUAGES = ["en", "de", "fr"]


@account_bp.route("/welcome")
def welcome():
    display = request.args.get("display", "")
    return build_welcome_banner(display)  # expect: PY807


@account_bp.route("/comments", methods=["POST"])
def post_comment():
    author = request.form.get("author", "anonymous")
    text = request.form.get("text", "")
    return render_comment_html(author, text)  # ok: PY807


@account_bp.route("/dashboard")
def dashboard():
    layout = fresh_dashboard_layout()
    settings = load_default_settings()
    return render_template("dashboard.html", layout=layout, settings=settings)


@account_bp.route("/partners/check")
def check_partner():
    partner_url = request.args["partner_url"]
    result = fetch_partner_status(partner_url)
    return jsonify(result)


@account_bp.route("/rates/<currency>")
def rates(currency):
    table = fetch_exchange_rate(currency.upper())
    return jsonify(currency=currency, rates=table)  # ok: PY807


@account_bp.route("/drafts/restore")
def restore():
    blob = request.cookies.get("draft", "")
    if not blob:
        return jsonify(draft=None)
    draft = restore_draft(blob)
    return jsonify(draft=draft)


@account_bp.route("/invoices/import", methods=["POST"])
def import_invoice():
    summary = parse_invoice_xml(request.data)
    return jsonify(summary)


@account_bp.route("/role", methods=["POST"])
def choose_role():
    session["role"] = request.form["role"]  # expect: PY810
    return jsonify(ok=True)


@account_bp.route("/role/assign", methods=["POST"])
def assign_role():
    role = request.form.get("role", "")
    if role not in ASSIGNABLE_ROLES:
        abort(400)
    session["role"] = role  # ok: PY810
    return jsonify(ok=True, role=role)


@account_bp.route("/onboarding", methods=["POST"])
def onboarding():
    data = request.get_json(silent=True) or {}
    profile = {
        "company": data.get("company", ""),
        "size": data.get("size", "1-10"),
    }
    session["onboarding"] = profile  # expect: PY810
    session["onboarding_step"] = 2  # ok: PY810
    return jsonify(next_step=2)


@account_bp.route("/statements/<int:year>/download")
def download_statement(year):
    requested = request.args.get("name", "statement-%d.pdf" % year)
    resp = make_response(render_template("statement.html", year=year))
    resp.headers["Content-Disposition"] = attachment_name(requested)  # ok: PY814
    return resp


@account_bp.route("/reports/raw")
def raw_report():
    label = request.args.get("label", "report")
    resp = make_response(render_template("report.html"))
    resp.headers["X-Report-Label"] = clean_header(label)  # ok: PY814
    resp.headers["X-Report-Source"] = request.args.get("source", "portal")  # expect: PY814
    return resp


@account_bp.route("/track")
def track():
    request_id = request.headers.get("X-Request-Id", "")
    resp = make_response(jsonify(tracked=True))
    resp.headers["X-Correlation-Id"] = request_id  # expect: PY814
    return resp


@account_bp.route("/search")
def account_search():
    q = request.args.get("q", "")
    page = request.args.get("page", "1")
    resp = make_response(render_template("account_search.html", q=q))
    resp.headers["Link"] = "</account/search?q=%s>; rel=canonical" % quote(q)  # ok: PY814
    resp.headers["X-Page"] = str(int(page))  # ok: PY814
    return resp


@account_bp.route("/language", methods=["POST"])
def set_language():
    lang = request.form.get("lang", "en")
    resp = make_response(jsonify(lang=lang))
    if lang in SUPPORTED_LANGUAGES:
        resp.headers["Content-Language"] = lang  # ok: PY814
    return resp
