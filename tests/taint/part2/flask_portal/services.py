"""Business logic for the customer portal (no request handling here)."""
import base64
import html
import os
import pickle
import sqlite3
import xml.etree.ElementTree as ET

import requests

BASE_DIR = os.path.dirname(os.path.abspath(__file__))
DB_PATH = os.path.join(BASE_DIR, "portal.sqlite3")
RATES_API = "https://api.exchangerate.example.com/latest"

DEFAULT_DASHBOARD = {"widgets": ["orders", "tickets", "invoices"], "columns": 2}
_DEFAULT_DASHBOARD_BLOB = pickle.dumps(DEFAULT_DASHBOARD)


def get_db():
    conn = sqlite3.connect(DB_PATH)
    conn.row_factory = sqlite3.Row
    return conn


def load_account(account_id):
    """Return the account row for a numeric id, or None."""
    with get_db() as conn:
        row = conn.execute(
            "SELECT id, name, plan FROM accounts WHERE id = ?", (account_id,)
        ).fetchone()
    return dict(row) if row else None


def fetch_partner_status(partner_url):
    """Ask a partner system whether it is reachable."""
    resp = requests.get(partner_url, timeout=5)  # expect: PY813
    return {"url": partner_url, "status": resp.status_code}


def fetch_exchange_rate(currency):
    """Look up the current exchange rate for a currency code."""
    resp = requests.get(RATES_API, params={"base": currency}, timeout=5)  # ok: PY813
    resp.raise_for_status()
    return resp.json().get("rates", {})


def build_welcome_banner(display_name):
    """Return the banner markup shown on the account landing page."""
    greeting = "Welcome back"
    return f"<div class='banner'>{greeting}, {display_name}!</div>"


def render_comment_html(author, text):
    """Render a single comment; both fields are encoded here."""
    return "<article><h4>%s</h4><p>%s</p></article>" % (
        html.escape(author),
        html.escape(text),
    )


def restore_draft(cookie_value):
    """Drafts are kept client side as base64(pickle(dict))."""
    raw = base64.b64decode(cookie_value)
    return pickle.loads(raw)  # expect: PY811


def fresh_dashboard_layout():
    """Return a deep copy of the default dashboard layout."""
    return pickle.loads(_DEFAULT_DASHBOARD_BLOB)  # ok: PY811


def parse_invoice_xml(payload):
    """Parse an uploaded invoice document and return its total."""
    root = ET.fromstring(payload)  # expect: PY812
    total = 0.0
    for line in root.iter("line"):
        total += float(line.get("amount", "0"))
    return {"number": root.get("number"), "total": round(total, 2)}


def load_default_settings():
    """Read the settings file that ships with the application."""
    tree = ET.parse(os.path.join(BASE_DIR, "defaults.xml"))  # ok: PY812
    return {child.tag: child.text for child in tree.getroot()}
