"""Tiny diagnostics server for the build farm (stdlib only + a few libs).

Usage: python server.py --port 8088
"""
import argparse
import json
import os
import pickle
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit
from urllib.request import urlopen
from xml.dom import minidom

import defusedxml.minidom
import jsonpickle
import requests
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TEMPLATE = os.path.join(HERE, "templates", "job-default.xml")
ARTIFACT_MIRROR = "https://artifacts.example.com/health"
AVATAR_BASE = "https://avatars.example.com/u/"


class DiagnosticsHandler(BaseHTTPRequestHandler):
    server_version = "BuildDiag/1.3"

    def _send_json(self, code, payload):
        data = json.dumps(payload).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _read_body(self):
        length = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(length)

    def _relay(self, url):
        with urlopen(url, timeout=10) as resp:  # expect: PY813
            return resp.status, resp.read(4096)

    def do_GET(self):
        parts = urlsplit(self.path)
        params = parse_qs(parts.query)
        if parts.path == "/fetch":
            status, head = self._relay(params["url"][0])
            self._send_json(200, {"status": status, "head": head.decode("latin-1")})
        elif parts.path == "/mirror":
            with urlopen(ARTIFACT_MIRROR, timeout=10) as resp:  # ok: PY813
                self._send_json(200, {"mirror": resp.status})
        elif parts.path == "/avatar":
            user = params.get("user", ["anonymous"])[0]
            with urlopen(AVATAR_BASE + quote(user, safe=""), timeout=10) as resp:  # ok: PY813
                self._send_json(200, {"bytes": len(resp.read())})
        elif parts.path == "/template":
            tree = ET.parse(DEFAULT_TEMPLATE)  # ok: PY812
            self._send_json(200, {"steps": [s.get("name") for s in tree.getroot().iter("step")]})
        else:
            self._send_json(404, {"error": "unknown path"})

    def do_POST(self):
        body = self._read_body()
        if self.path == "/ingest/junit":
            doc = minidom.parseString(body)  # expect: PY812
            failures = doc.getElementsByTagName("failure")
            self._send_json(200, {"failures": len(failures)})
        elif self.path == "/ingest/junit-safe":
            doc = defusedxml.minidom.parseString(body)  # ok: PY812
            self._send_json(200, {"failures": len(doc.getElementsByTagName("failure"))})
        elif self.path == "/sync/state":
            state = pickle.loads(body)  # expect: PY811
            self._send_json(200, {"workers": len(state)})
        elif self.path == "/sync/objects":
            objects = jsonpickle.decode(body.decode("utf-8"))  # expect: PY811
            self._send_json(200, {"objects": len(objects)})
        elif self.path == "/sync/config":
            config = yaml.safe_load(body)  # ok: PY811
            self._send_json(200, {"keys": sorted(config or {})})
        elif self.path == "/hooks/finished":
            callback = self.headers.get("X-Callback-Url")
            if callback:
                requests.post(callback, json={"event": "build-finished"}, timeout=5)  # expect: PY813
            self._send_json(202, {"queued": True})
        else:
            self._send_json(404, {"error": "unknown path"})


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument("--bind", default="127.0.0.1")
    args = parser.parse_args()
    ThreadingHTTPServer((args.bind, args.port), DiagnosticsHandler).serve_forever()


if __name__ == "__main__":
    main()
