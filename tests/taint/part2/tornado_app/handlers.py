"""Request handlers for the link-preview / import service."""
import json
import xml.etree.ElementTree as ET
from urllib.parse import urlparse

import defusedxml.ElementTree as SafeET
import jsonpickle
import requests
import tornado.web
import yaml

PREVIEW_HOSTS = {"www.example.com", "blog.example.com", "docs.example.com"}
AVATAR_SERVICE = "https://avatars.example.com/v2/"
DEFAULT_PROBE_TARGET = "https://probe.example.com/ok"


class BaseHandler(tornado.web.RequestHandler):
    def get_current_user(self):
        return self.get_secure_cookie("user")

    @property
    def is_admin(self):
        user = self.current_user
        return user is not None and user.startswith(b"admin:")

    def write_json(self, payload, status=200):
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload))


class FetchHandler(BaseHandler):
    def get(self):
        url = self.get_argument("url")
        resp = requests.get(url, timeout=10, allow_redirects=False)  # expect: PY813
        self.write_json({"status": resp.status_code, "length": len(resp.content)})


class LinkPreviewHandler(BaseHandler):
    def get(self):
        url = self.get_argument("url")
        if urlparse(url).hostname in PREVIEW_HOSTS:
            resp = requests.get(url, timeout=10)  # ok: PY813
            self.write_json({"title": resp.text[:200]})
        else:
            self.write_json({"error": "host not allowed"}, status=400)


class AvatarHandler(BaseHandler):
    def get(self, user_id):
        resp = requests.get(AVATAR_SERVICE + "users/" + user_id + "/avatar", timeout=5)  # ok: PY813
        self.write_json({"found": resp.ok})


class ProbeHandler(BaseHandler):
    def get(self):
        target = self.get_argument("target", DEFAULT_PROBE_TARGET)
        if not self.is_admin:
            target = DEFAULT_PROBE_TARGET
        resp = requests.head(target, timeout=5)  # expect: PY813
        self.write_json({"target": target, "status": resp.status_code})


class WorkflowImportHandler(BaseHandler):
    def post(self):
        workflow = yaml.load(self.request.body, Loader=yaml.UnsafeLoader)  # expect: PY811
        self.write_json({"steps": len(workflow.get("steps", []))})


class WorkflowImportSafeHandler(BaseHandler):
    def post(self):
        workflow = yaml.load(self.request.body, Loader=yaml.SafeLoader)  # ok: PY811
        self.write_json({"steps": len(workflow.get("steps", []))})


class SessionRestoreHandler(BaseHandler):
    def post(self):
        state = jsonpickle.decode(self.get_body_argument("state"))  # expect: PY811
        self.write_json({"restored": bool(state)})


class PreferencesHandler(BaseHandler):
    def post(self):
        prefs = json.loads(self.request.body)  # ok: PY811
        self.write_json({"saved": sorted(prefs)})


class OpmlImportHandler(BaseHandler):
    def post(self):
        root = ET.fromstring(self.request.body)  # expect: PY812
        feeds = [o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")]
        self.write_json({"feeds": feeds})


class OpmlImportSafeHandler(BaseHandler):
    def post(self):
        upload = self.request.files["opml"][0]
        root = SafeET.fromstring(upload["body"])  # ok: PY812
        feeds = [o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")]
        self.write_json({"feeds": feeds})
