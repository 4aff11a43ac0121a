"""Partner-facing routes.  Request values are read here (or via .inputs)
and handed to the helpers in the sibling modules."""
import secrets
import xml.sax

import requests
from flask import Blueprint, abort, jsonify, make_response, redirect, render_template, request, session, url_for

from . import inputs
from .html_views import highlight, highlight_safe, render_badge, render_badge_safe, render_profile
from .models import UserProfile, WebhookConfig
from .responses import attach_filename, attach_filename_safe, go_back, go_back_checked, set_cache_region, tag_response
from .security import strip_crlf
from .services import (
    fetch_avatar,
    fetch_avatar_checked,
    fetch_gravatar,
    lookup_geo,
    notify_webhook,
    partner_api_url,
    sync_catalog,
)
from .session_store import remember_plan, remember_tenant, remember_user, store_cart_note
from .storage import (
    SAMPLE_FEED,
    decode_widget_state,
    decode_widget_state_json,
    import_contacts_xml,
    import_contacts_xml_safe,
    load_feature_flags,
    load_preferences,
    load_saved_search,
    parse_rss_feed,
    snapshot_defaults,
)

portal_bp = Blueprint("portal", __name__, url_prefix="/portal")

DEFAULT_WIDGETS = {"left": ["projects", "invoices"], "right": ["news"]}


class ElementCounter(xml.sax.ContentHandler):
    def __init__(self):
        super().__init__()
        self.elements = 0

    def startElement(self, name, attrs):
        self.elements += 1


@portal_bp.route("/")
def home():
    flags = load_feature_flags()
    widgets = snapshot_defaults(DEFAULT_WIDGETS)
    return render_template("portal/home.html", flags=flags, widgets=widgets)  # ok: PY807


@portal_bp.route("/news/sample")
def news_preview():
    return jsonify(titles=parse_rss_feed(SAMPLE_FEED))


@portal_bp.route("/badge")
def badge():
    return render_badge(request.args["name"], "info")  # expect: PY807


@portal_bp.route("/badge/safe")
def badge_safe():
    return render_badge_safe(request.args["name"], request.args.get("level", "info"))  # ok: PY807


@portal_bp.route("/search")
def search():
    term = inputs.search_term()
    return render_template("portal/search.html", term=term, snippet=highlight(term))


@portal_bp.route("/search/safe")
def search_safe():
    term = inputs.search_term()
    return render_template("portal/search.html", term=term, snippet=highlight_safe(term))


@portal_bp.route("/search/legacy")
def search_legacy():
    return "<p>No results for <em>" + inputs.search_term() + "</em></p>"  # expect: PY807


@portal_bp.route("/profile/preview", methods=["POST"])
def profile_preview():
    profile = UserProfile(
        display_name=request.form["display_name"],
        homepage=request.form.get("homepage", ""),
        bio=request.form.get("bio", ""),
    )
    return render_profile(profile)  # expect: PY807


@portal_bp.route("/profile/guest")
def profile_guest():
    profile = UserProfile(display_name="Guest user", bio=request.args.get("bio", ""))
    return render_profile(profile)  # ok: PY807


@portal_bp.route("/avatar", methods=["POST"])
def update_avatar():
    image = fetch_avatar(request.form["avatar_url"])
    return jsonify(size=len(image))


@portal_bp.route("/avatar/checked", methods=["POST"])
def update_avatar_checked():
    try:
        image = fetch_avatar_checked(request.form["avatar_url"])
    except ValueError:
        abort(400)
    return jsonify(size=len(image))


@portal_bp.route("/avatar/gravatar")
def gravatar():
    image = fetch_gravatar(request.args.get("hash", ""))
    return jsonify(found=image is not None)


@portal_bp.route("/geo")
def geo():
    return jsonify(country=lookup_geo(request.remote_addr or request.args.get("ip", "")))


@portal_bp.route("/webhooks", methods=["POST"])
def create_webhook():
    data = request.get_json(force=True)
    config = WebhookConfig(name=data["name"], webhook_url=data["url"], events=["created"])
    status = notify_webhook(config, "created", {"name": config.name})
    return jsonify(status=status)


@portal_bp.route("/partners/status")
def partner_status():
    url = partner_api_url(request.args["partner"], "status")
    resp = requests.get(url, timeout=5)  # expect: PY813
    return jsonify(resp.json())


@portal_bp.route("/partners/docs")
def partner_docs():
    url = partner_api_url("partners.example.com", request.args.get("page", "index"))
    resp = requests.get(url, timeout=5)  # ok: PY813
    return jsonify(length=len(resp.text))


@portal_bp.route("/catalog/refresh", methods=["POST"])
def refresh_catalog():
    return jsonify(size=len(sync_catalog()))


@portal_bp.route("/tenant", methods=["POST"])
def select_tenant():
    remember_tenant(request.form["tenant"])
    return jsonify(ok=True)


@portal_bp.route("/plan", methods=["POST"])
def select_plan():
    remember_plan(request.form.get("plan", "free"))
    return jsonify(ok=True)


@portal_bp.route("/login/token", methods=["POST"])
def token_login():
    user_id = int(request.form["user_id"])
    remember_user(user_id)
    session["csrf_seed"] = secrets.token_hex(16)  # ok: PY810
    session["locale"] = inputs.requested_locale()  # expect: PY810
    return jsonify(ok=True)


@portal_bp.route("/cart/note", methods=["POST"])
def cart_note():
    store_cart_note(request.get_json(force=True).get("note", ""))
    return jsonify(ok=True)


@portal_bp.route("/searches/saved")
def saved_search():
    blob = request.cookies.get("saved_search")
    if blob is None:
        return jsonify(search=None)
    return jsonify(search=load_saved_search(blob))


@portal_bp.route("/preferences", methods=["POST"])
def preferences():
    prefs = load_preferences(request.get_data(as_text=True))
    return jsonify(prefs=prefs)


@portal_bp.route("/widgets/state", methods=["POST"])
def widget_state():
    raw = request.form["state"]
    if request.form.get("format") == "json":
        state = decode_widget_state_json(raw)
    else:
        state = decode_widget_state(raw)
    return jsonify(widgets=sorted(state))


@portal_bp.route("/contacts/import", methods=["POST"])
def import_contacts():
    contacts = import_contacts_xml(inputs.uploaded_document())
    return jsonify(imported=len(contacts))


@portal_bp.route("/contacts/import-safe", methods=["POST"])
def import_contacts_safe():
    contacts = import_contacts_xml_safe(inputs.uploaded_document())
    return jsonify(imported=len(contacts))


@portal_bp.route("/documents/validate", methods=["POST"])
def validate_document():
    handler = ElementCounter()
    xml.sax.parseString(inputs.uploaded_document(), handler)  # expect: PY812
    return jsonify(elements=handler.elements)


@portal_bp.route("/exports/<int:export_id>")
def download_export(export_id):
    resp = make_response(render_template("portal/export.txt", export_id=export_id))
    attach_filename(resp, request.args.get("filename", "export-%d.txt" % export_id))
    tag_response(resp, request.headers.get("X-Request-Id", ""))
    set_cache_region(resp, request.args.get("region", "0"))
    return resp


@portal_bp.route("/exports/<int:export_id>/safe")
def download_export_safe(export_id):
    resp = make_response(render_template("portal/export.txt", export_id=export_id))
    attach_filename_safe(resp, request.args.get("filename", "export-%d.txt" % export_id))
    resp.headers["Content-Language"] = strip_crlf(inputs.requested_locale())  # ok: PY814
    return resp


@portal_bp.route("/locale/echo")
def locale_echo():
    resp = make_response(jsonify(ok=True))
    resp.headers["X-Client-Locale"] = inputs.requested_locale()  # expect: PY814
    return resp


@portal_bp.route("/back")
def back():
    return go_back(inputs.client_return_url())


@portal_bp.route("/back/checked")
def back_checked():
    return go_back_checked(request.args.get("return_url", "/portal/"))


@portal_bp.route("/done")
def done():
    target = redirect(inputs.client_return_url())  # expect: PY809
    return target


@portal_bp.route("/projects/<slug>")
def project_shortcut(slug):
    target = redirect(url_for("portal.home") + "projects/" + slug)  # ok: PY809
    return target
