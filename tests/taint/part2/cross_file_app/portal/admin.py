"""Operator-only routes. Uses absolute imports (portal.services ...)."""
from flask import Blueprint, abort, jsonify, make_response, request

from portal.responses import tag_response
from portal.services import ping_service
from portal.session_store import remember_tenant, remember_user
from portal.storage import open_user_archive

admin_bp = Blueprint("admin", __name__, url_prefix="/admin")


@admin_bp.before_request
def require_operator():
    if request.headers.get("X-Operator-Token") is None:
        abort(403)


@admin_bp.route("/ping")
def ping():
    host = request.args["host"]
    port = int(request.args.get("port", "8080"))
    return jsonify(host=host, alive=ping_service(host, port))


@admin_bp.route("/archives/<name>")
def read_archive(name):
    with open_user_archive(name) as archive:
        keys = sorted(archive.keys())
    resp = make_response(jsonify(keys=keys))
    tag_response(resp, request.headers.get("X-Request-Id", "admin"))
    return resp


@admin_bp.route("/impersonate", methods=["POST"])
def impersonate():
    remember_user(int(request.form["user_id"]))
    remember_tenant(request.form.get("tenant", "default"))
    return jsonify(ok=True)
