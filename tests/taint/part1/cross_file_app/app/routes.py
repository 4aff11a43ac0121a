"""Back office HTTP routes."""
import logging
import os

from flask import Blueprint, abort, jsonify, request

from app.db import (
    bulk_tag,
    count_rows,
    find_user,
    find_user_by_id,
    list_orders,
    orders_by_status,
    update_email,
)
from .directory import staff_lookup, staff_lookup_escaped
from .files import REPORT_DIR, read_report, remove_avatar, save_avatar
from .helpers import (
    build_flags,
    disk_usage,
    git_checkout,
    ping_host,
    prune_logs,
    resolve_host,
    run_backup,
    run_backup_quoted,
)
from .jobs import ExportJob
from .logutil import audit, audit_clean
from .requests_util import current_username, json_field, requested_report
from .rules import discount_function, evaluate_rule, field_value
from .sanitize import as_int, clean_sort, safe_component, strip_newlines
from .templating import render_banner, render_greeting, render_receipt, render_snippet
from .xmlstore import product_nodes, product_nodes_bound

bp = Blueprint("backoffice", __name__)
logger = logging.getLogger(__name__)

MOUNTS = ("/", "/srv", "/var/lib/postgresql")
WELCOME_SNIPPET = "Welcome back, {{ name }}! You have {{ count }} open orders."
REPORT_FORMATS = {"pdf", "html", "csv"}


# --- maintenance -----------------------------------------------------------

@bp.route("/admin/backup/<project>", methods=["POST"])
def backup(project):
    audit("backup", project)
    return jsonify(status=run_backup(project))


@bp.route("/admin/backup-safe/<project>", methods=["POST"])
def backup_safe(project):
    audit_clean("backup", project)
    return jsonify(status=run_backup_quoted(project))


@bp.route("/admin/ping")
def ping():
    return jsonify(output=ping_host(request.args.get("host", "localhost")))


@bp.route("/admin/df")
def df():
    mount = request.args.get("mount", "/")
    if mount not in MOUNTS:
        abort(400)
    return jsonify(output=disk_usage(mount))


@bp.route("/admin/df/all")
def df_all():
    return jsonify(output={m: disk_usage(m) for m in MOUNTS})


@bp.route("/admin/prune", methods=["POST"])
def prune():
    prune_logs(as_int(request.form.get("days"), default=30))
    return "", 204


@bp.route("/admin/prune/default", methods=["POST"])
def prune_default():
    prune_logs(30)
    return "", 204


@bp.route("/admin/deploy", methods=["POST"])
def deploy():
    ref = json_field("ref", "main")
    output = git_checkout("/srv/shop/app", ref)
    return jsonify(output=output.decode())


@bp.route("/admin/resolve")
def resolve():
    return jsonify(output=resolve_host(request.args["host"]))


@bp.route("/reports/generate", methods=["POST"])
def generate_report():
    fmt = request.form.get("format", "pdf")
    options = {"format": fmt, "requested-by": current_username()}
    status = os.system("shop-report " + build_flags(options))  # expect: PY801
    return jsonify(status=status)


@bp.route("/reports/generate/standard", methods=["POST"])
def generate_standard_report():
    fmt = request.form.get("format", "pdf")
    if fmt not in REPORT_FORMATS:
        abort(400)
    status = os.system("shop-report " + build_flags({"format": fmt, "scope": "all"}))  # ok: PY801
    return jsonify(status=status)


# --- users and orders --------------------------------------------------------

@bp.route("/me")
def me():
    return jsonify(user=find_user(current_username()))


@bp.route("/users/<user_id>")
def user_detail(user_id):
    return jsonify(user=find_user_by_id(user_id))


@bp.route("/users/<user_id>/email", methods=["POST"])
def change_email(user_id):
    email = request.form["email"]
    update_email(user_id, email)
    logger.info("email changed for user %s to %s", user_id, email)  # expect: PY815
    return "", 204


@bp.route("/orders")
def orders():
    customer = request.args.get("customer", "")
    sort = clean_sort(request.args.get("sort", "created"))
    return jsonify(orders=list_orders(customer, sort))


@bp.route("/orders/status/<status>")
def orders_with_status(status):
    return jsonify(orders=orders_by_status(status))


@bp.route("/orders/tag", methods=["POST"])
def tag_orders():
    ids = [int(i) for i in json_field("ids", [])]
    tag = json_field("tag", "")
    bulk_tag(ids, tag)
    audit("tag", tag)
    return "", 204


@bp.route("/stats/<table>")
def stats(table):
    return jsonify(count=count_rows(table))


# --- files ---------------------------------------------------------------------

@bp.route("/reports/view")
def view_report():
    logger.info("report %s viewed by %s", requested_report(), current_username())  # expect: PY815
    return read_report(requested_report())


@bp.route("/reports/raw")
def raw_report():
    name = safe_component(requested_report())
    with open(os.path.join(REPORT_DIR, name)) as fh:  # ok: PY804
        return fh.read()


@bp.route("/avatar", methods=["PUT"])
def upload_avatar():
    save_avatar(current_username(), request.get_data())
    logger.info("avatar updated for %s", strip_newlines(current_username()))  # ok: PY815
    return "", 204


@bp.route("/avatar", methods=["DELETE"])
def delete_avatar():
    remove_avatar(current_username())
    return "", 204


@bp.route("/exports", methods=["POST"])
def create_export():
    job = ExportJob(request.form["name"], fmt="csv")
    job.write(list_orders(request.form.get("customer", ""), "created"))
    job.compress()
    job.clear_scratch()
    job.announce()
    return jsonify(path=job.output_path()), 201


# --- templates, rules, directory, products ---------------------------------------

@bp.route("/banner", methods=["POST"])
def banner():
    return render_banner(request.form["message"])  # expect: PY807


@bp.route("/hello")
def hello():
    return render_greeting(request.args.get("name", "there"))  # ok: PY807


@bp.route("/welcome")
def welcome():
    user = current_username()
    return render_snippet(WELCOME_SNIPPET, name=user, count=len(list_orders(user, "created")))


@bp.route("/snippets/preview", methods=["POST"])
def preview_snippet():
    return render_snippet(request.form["source"], name=current_username(), count=0)  # expect: PY807


@bp.route("/receipt/<order_id>")
def receipt(order_id):
    return render_receipt(order_id, float(request.args.get("total", "0")))  # expect: PY807


@bp.route("/pricing/evaluate", methods=["POST"])
def evaluate_pricing():
    order = {"total": 120.0, "quantity": 3, "discount": 0.1}
    return jsonify(result=evaluate_rule(json_field("rule", "total"), order))


@bp.route("/pricing/field/<field>")
def pricing_field(field):
    order = {"total": 120.0, "quantity": 3, "discount": 0.1}
    return jsonify(result=field_value(field, order))


@bp.route("/pricing/discount")
def pricing_discount():
    fn = discount_function(request.args.get("percent", "10"))
    return jsonify(result=fn(float(request.args.get("total", "100"))))


@bp.route("/staff/<uid>")
def staff(uid):
    return jsonify([e.entry_to_json() for e in staff_lookup(uid)])


@bp.route("/staff/v2/<uid>")
def staff_v2(uid):
    return jsonify([e.entry_to_json() for e in staff_lookup_escaped(uid)])


@bp.route("/products/<sku>")
def product(sku):
    return jsonify(count=len(product_nodes(sku)))


@bp.route("/products/v2/<sku>")
def product_v2(sku):
    return jsonify(count=len(product_nodes_bound(sku)))
