"""Minimal WSGI upload service used by the lab instruments.

Run with: gunicorn app:application
"""
import json
import marshal
import os
import pickle
import shelve
import xml.etree.ElementTree as ET
import xml.sax
from urllib.parse import parse_qs
from urllib.request import Request, urlopen

import defusedxml.sax
import yaml

DATA_DIR = "/var/lib/instrument-upload"
AUDIT_STORE = os.path.join(DATA_DIR, "audit")
NOTIFY_URL = "https://hooks.lab.example.com/uploads"
EMPTY_REPORT = "<report><samples/></report>"


class SampleCounter(xml.sax.ContentHandler):
    def __init__(self):
        super().__init__()
        self.count = 0

    def startElement(self, name, attrs):
        if name == "sample":
            self.count += 1


def read_body(environ):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length)


def query(environ):
    return parse_qs(environ.get("QUERY_STRING", ""))


def respond(start_response, status, payload):
    body = json.dumps(payload).encode("utf-8")
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def upload_calibration(environ, start_response):
    body = read_body(environ)
    calibration = pickle.loads(body)  # expect: PY811
    return respond(start_response, "200 OK", {"points": len(calibration)})


def upload_calibration_json(environ, start_response):
    body = read_body(environ)
    calibration = json.loads(body.decode("utf-8"))  # ok: PY811
    return respond(start_response, "200 OK", {"points": len(calibration)})


def upload_filter(environ, start_response):
    code = marshal.loads(read_body(environ))  # expect: PY811
    return respond(start_response, "200 OK", {"filter": code.co_name})


def upload_metadata(environ, start_response):
    meta = yaml.safe_load(read_body(environ))  # ok: PY811
    return respond(start_response, "200 OK", {"fields": sorted(meta)})


def archive_run(environ, start_response):
    params = query(environ)
    store_name = params.get("store", ["default"])[0]
    db = shelve.open(os.path.join(DATA_DIR, store_name))  # expect: PY811
    try:
        db["last_run"] = read_body(environ).decode("utf-8", "replace")
    finally:
        db.close()
    audit = shelve.open(AUDIT_STORE)  # ok: PY811
    try:
        audit["runs"] = audit.get("runs", 0) + 1
    finally:
        audit.close()
    return respond(start_response, "201 Created", {"store": "ok"})


def upload_report(environ, start_response):
    handler = SampleCounter()
    xml.sax.parseString(read_body(environ), handler)  # expect: PY812
    return respond(start_response, "200 OK", {"samples": handler.count})


def upload_report_safe(environ, start_response):
    handler = SampleCounter()
    defusedxml.sax.parseString(read_body(environ), handler)  # ok: PY812
    return respond(start_response, "200 OK", {"samples": handler.count})


def upload_plate_map(environ, start_response):
    raw = read_body(environ)
    root = ET.fromstring(raw)  # expect: PY812
    wells = [w.get("id") for w in root.iter("well")]
    return respond(start_response, "200 OK", {"wells": wells})


def empty_report(environ, start_response):
    root = ET.fromstring(EMPTY_REPORT)  # ok: PY812
    return respond(start_response, "200 OK", {"samples": len(root.find("samples"))})


def notify(environ, start_response):
    params = query(environ)
    callback = params.get("callback", [NOTIFY_URL])[0]
    req = Request(callback, data=b'{"event": "uploaded"}', method="POST")
    with urlopen(req, timeout=5) as resp:  # expect: PY813
        status = resp.status
    with urlopen(NOTIFY_URL, timeout=5) as resp:  # ok: PY813
        status = max(status, resp.status)
    return respond(start_response, "200 OK", {"notified": status})


ROUTES = {
    "/calibration": upload_calibration,
    "/calibration.json": upload_calibration_json,
    "/filter": upload_filter,
    "/metadata": upload_metadata,
    "/archive": archive_run,
    "/report": upload_report,
    "/report-safe": upload_report_safe,
    "/plate-map": upload_plate_map,
    "/report/empty": empty_report,
    "/notify": notify,
}


def application(environ, start_response):
    handler = ROUTES.get(environ.get("PATH_INFO", ""))
    if handler is None:
        return respond(start_response, "404 Not Found", {"error": "not found"})
    return handler(environ, start_response)
