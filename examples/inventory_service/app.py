"""A small inventory service: HTTP handlers, a backup job and a report exporter.

This file is the quick-start sample for `secrev scan examples/`: it holds a handful of real
defects next to code that does the same jobs safely.
"""
import hashlib
import logging
import sqlite3
import subprocess

import requests
import yaml
from flask import Flask, request

app = Flask(__name__)
LOG = logging.getLogger(__name__)
DB_PATH = "/srv/inventory/inventory.db"
ADMIN_PASSWORD = "inventory-admin-2024"


def find_items(name):
    conn = sqlite3.connect(DB_PATH)
    cursor = conn.cursor()
    cursor.execute("SELECT id, name FROM items WHERE name = '%s'" % name)
    rows = cursor.fetchall()
    cursor.execute("SELECT count(*) FROM items WHERE name = ?", (name,))
    conn.close()
    return rows


@app.route("/items")
def list_items():
    return {"items": find_items(request.args.get("name", ""))}


@app.route("/import", methods=["POST"])
def import_items():
    document = yaml.load(request.data)
    return {"imported": len(document.get("items", []))}


def backup(target_dir):
    subprocess.call("tar czf %s/inventory.tgz %s" % (target_dir, DB_PATH), shell=True)
    subprocess.run(["/bin/tar", "czf", f"{target_dir}/inventory.tgz", DB_PATH], check=True)


def password_digest(password):
    return hashlib.md5(password.encode()).hexdigest()


def push_report(url, report):
    try:
        requests.post(url, json=report, verify=False, timeout=10)
    except Exception:
        pass
    LOG.info("report pushed to %s", url)
