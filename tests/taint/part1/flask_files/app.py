"""docshare: a small internal document sharing service.

Users upload documents, download them again, generate previews and keep
short markdown notes next to their files.
"""
import logging
import os
import shlex
import shutil
import subprocess
from pathlib import Path

from flask import Flask, abort, jsonify, request, send_file, send_from_directory
from werkzeug.utils import secure_filename

from storage import (
    UPLOAD_ROOT,
    delete_document,
    list_notes,
    read_document,
    resolve_inside,
    save_note,
    user_folder,
)
from utils import clean_for_log, requested_filename, safe_name

app = Flask(__name__)
logger = logging.getLogger(__name__)

THUMB_DIR = "/srv/docshare/thumbs"
EXPORT_DIR = Path("/srv/docshare/exports")
TRASH_DIR = "/srv/docshare/trash"
ALLOWED_REPORTS = {"daily.csv", "weekly.csv", "monthly.csv"}
PREVIEW_SIZES = ("64x64", "128x128", "256x256")


@app.route("/")
def index():
    return jsonify(notes=list_notes())


@app.route("/files/<path:name>")
def download(name):
    """Stream a stored upload back to the client."""
    path = os.path.join(UPLOAD_ROOT, name)
    return send_file(path)  # expect: PY804


@app.route("/files/by-dir/<path:name>")
def download_from_directory(name):
    """send_from_directory refuses paths that escape UPLOAD_ROOT."""
    return send_from_directory(UPLOAD_ROOT, name)  # ok: PY804


@app.route("/raw")
def raw_view():
    filename = request.args.get("file", "")
    with open(os.path.join(UPLOAD_ROOT, filename)) as fh:  # expect: PY804
        return fh.read()


@app.route("/raw/clean")
def raw_view_clean():
    filename = secure_filename(request.args.get("file", ""))
    with open(os.path.join(UPLOAD_ROOT, filename)) as fh:  # ok: PY804
        return fh.read()


@app.route("/raw/checked")
def raw_view_checked():
    filename = request.args.get("file", "")
    full = os.path.realpath(os.path.join(UPLOAD_ROOT, filename))
    if not full.startswith(UPLOAD_ROOT + os.sep):
        abort(403)
    with open(full) as fh:  # ok: PY804
        return fh.read()


@app.route("/raw/guarded")
def raw_view_guarded():
    """Same idea as raw_view_checked, with the check delegated to storage."""
    try:
        full = resolve_inside(UPLOAD_ROOT, requested_filename())
    except PermissionError:
        abort(403)
    return send_file(full)  # ok: PY804


@app.route("/raw/text")
def raw_text():
    name = requested_filename()
    content = Path(UPLOAD_ROOT, name).read_text(encoding="utf-8")  # expect: PY804
    return content, 200, {"Content-Type": "text/plain; charset=utf-8"}


@app.route("/upload", methods=["POST"])
def upload():
    document = request.files["document"]
    name = os.path.basename(document.filename)
    with open(os.path.join(UPLOAD_ROOT, name), "wb") as out:  # ok: PY804
        out.write(document.read())
    # basename() keeps embedded newlines, so the name can still forge log lines
    logger.info("stored upload %s", name)  # expect: PY815
    return jsonify(stored=name), 201


@app.route("/reports/<name>")
def report(name):
    if name not in ALLOWED_REPORTS:
        abort(404)
    return send_file(EXPORT_DIR / name)  # ok: PY804


@app.route("/reports/legacy")
def legacy_report():
    name = request.args.get("name", "daily.csv")
    if name in ALLOWED_REPORTS:
        logger.info("legacy report requested")  # ok: PY815
    # the membership test above only guards the log call, not the download
    return send_file(EXPORT_DIR / name)  # expect: PY804


@app.route("/notes", methods=["POST"])
def create_note():
    title = request.form["title"]
    body = request.form.get("body", "")
    save_note(title, body)
    logger.info("note created: %s", clean_for_log(title))  # ok: PY815
    return jsonify(status="created"), 201


@app.route("/documents/<doc_id>", methods=["DELETE"])
def remove_document(doc_id):
    delete_document(doc_id)
    logger.warning("document removed on request: " + doc_id)  # expect: PY815
    return "", 204


@app.route("/documents/<doc_id>")
def show_document(doc_id):
    return read_document(safe_name(doc_id))


@app.route("/documents/<doc_id>/history")
def document_history(doc_id):
    logger.info("history requested for document %d", int(doc_id))  # ok: PY815
    return read_document(safe_name(doc_id) + ".history")


@app.route("/users/<username>/files")
def list_user_files(username):
    return jsonify(files=os.listdir(user_folder(username)))  # expect: PY804


@app.route("/users/<username>/init", methods=["POST"])
def init_user_folder(username):
    folder = os.path.join(UPLOAD_ROOT, "users", secure_filename(username))
    os.makedirs(folder, exist_ok=True)  # ok: PY804
    return "", 204


@app.route("/users/<username>/purge", methods=["POST"])
def purge_user(username):
    shutil.rmtree(os.path.join(UPLOAD_ROOT, "users", username))  # expect: PY804
    return "", 204


@app.route("/trash/<name>", methods=["POST"])
def trash(name):
    target = secure_filename(name)
    shutil.move(os.path.join(UPLOAD_ROOT, target), os.path.join(TRASH_DIR, target))  # ok: PY804
    return "", 204


@app.route("/copy", methods=["POST"])
def copy_document():
    src = request.form["src"]
    dst_name = secure_filename(request.form["dst"])
    shutil.copy(os.path.join(UPLOAD_ROOT, src), os.path.join(UPLOAD_ROOT, dst_name))  # expect: PY804
    return "", 204


@app.route("/preview/<name>")
def preview(name):
    size = request.args.get("size", "128x128")
    if size not in PREVIEW_SIZES:
        abort(400)
    src = shlex.quote(os.path.join(UPLOAD_ROOT, name))
    thumb = os.path.join(THUMB_DIR, secure_filename(name) + ".png")
    subprocess.run(f"convert {src} -resize {size} {shlex.quote(thumb)}", shell=True, check=True)  # ok: PY801
    return send_file(thumb)  # ok: PY804


@app.route("/preview/custom/<name>")
def preview_custom(name):
    size = request.args.get("size", "128x128")
    src = shlex.quote(os.path.join(UPLOAD_ROOT, secure_filename(name)))
    cmd = "convert " + src + " -resize " + size + " png:-"
    return subprocess.check_output(cmd, shell=True)  # expect: PY801


@app.route("/preview/info/<name>")
def preview_info(name):
    path = os.path.join(UPLOAD_ROOT, name)
    out = subprocess.run(  # ok: PY801
        ["identify", "-format", "%wx%h", path],
        capture_output=True,
        text=True,
    )
    return jsonify(dimensions=out.stdout.strip())
