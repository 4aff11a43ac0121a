"""Persistence helpers: saved searches, widget state, imports, archives."""
import base64
import json
import os
import pickle
import shelve
import xml.etree.ElementTree as ET

import defusedxml.ElementTree as SafeET
import jsonpickle
import yaml
from lxml import etree

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
FLAGS_PATH = os.path.join(PACKAGE_DIR, "data", "feature_flags.xml")
ARCHIVE_DIR = "/srv/portal/archives"

SAMPLE_FEED = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Portal news</title>
<item><title>Welcome</title><link>https://portal.example.com/news/1</link></item>
</channel></rss>"""


def load_saved_search(blob):
    """Saved searches are stored in a cookie as urlsafe-base64 pickles."""
    return pickle.loads(base64.urlsafe_b64decode(blob))  # expect: PY811


def load_preferences(text):
    return yaml.safe_load(text) or {}  # ok: PY811


def decode_widget_state(raw):
    return jsonpickle.decode(raw)  # expect: PY811


def decode_widget_state_json(raw):
    return json.loads(raw)  # ok: PY811


def open_user_archive(name):
    return shelve.open(os.path.join(ARCHIVE_DIR, name), flag="r")  # expect: PY811


def snapshot_defaults(defaults):
    """Deep-copy the built-in defaults through a pickle round trip."""
    blob = pickle.dumps(defaults, protocol=pickle.HIGHEST_PROTOCOL)
    return pickle.loads(blob)  # ok: PY811


def import_contacts_xml(data):
    root = ET.fromstring(data)  # expect: PY812
    return [(c.findtext("name"), c.findtext("email")) for c in root.iter("contact")]


def import_contacts_xml_safe(data):
    root = SafeET.fromstring(data)  # ok: PY812
    return [(c.findtext("name"), c.findtext("email")) for c in root.iter("contact")]


def load_feature_flags():
    tree = ET.parse(FLAGS_PATH)  # ok: PY812
    return {f.get("name"): f.get("enabled") == "true" for f in tree.getroot().iter("flag")}


def parse_rss_feed(xml_bytes):
    root = etree.fromstring(xml_bytes)  # ok: PY812
    return [item.findtext("title") for item in root.iter("item")]
