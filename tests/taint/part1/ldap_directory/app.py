"""Staff directory web frontend (Flask + python-ldap)."""
import logging

import ldap
import ldap.filter
from flask import Flask, abort, jsonify, request

from ldap_client import (
    PEOPLE_BASE,
    PERSON_ATTRS,
    connect,
    dn_for_login,
    find_person,
    find_person_escaped,
    group_members,
    people_in_department,
    people_in_department_escaped,
)

app = Flask(__name__)
logger = logging.getLogger("directory")

SEARCHABLE_ATTRS = {"cn", "mail", "uid", "telephoneNumber", "title"}
OFFICES = {"berlin": "(l=Berlin)", "london": "(l=London)", "nyc": "(l=New York)"}


def _entries(results):
    return [
        {k: [v.decode() for v in vals] for k, vals in attrs.items()} | {"dn": dn}
        for dn, attrs in results
    ]


@app.route("/people/<uid>")
def person(uid):
    conn = connect()
    logger.info("directory lookup for %s", uid)  # expect: PY815
    logger.debug("raw lookup key %r", uid)  # ok: PY815
    logger.debug("key %r of %-8s", uid, uid)  # expect: PY815
    return jsonify(_entries(find_person(conn, uid)))


@app.route("/people/v2/<uid>")
def person_v2(uid):
    conn = connect()
    return jsonify(_entries(find_person_escaped(conn, uid)))


@app.route("/people/search")
def search_people():
    q = request.args.get("q", "")
    flt = "(|(cn=*" + q + "*)(mail=*" + q + "*))"
    conn = connect()
    results = conn.search_s(PEOPLE_BASE, ldap.SCOPE_SUBTREE, flt, PERSON_ATTRS)  # expect: PY805
    return jsonify(_entries(results))


@app.route("/people/search/safe")
def search_people_safe():
    q = ldap.filter.escape_filter_chars(request.args.get("q", ""))
    flt = "(|(cn=*" + q + "*)(mail=*" + q + "*))"
    conn = connect()
    results = conn.search_s(PEOPLE_BASE, ldap.SCOPE_SUBTREE, flt, PERSON_ATTRS)  # ok: PY805
    return jsonify(_entries(results))


@app.route("/people/by")
def people_by_attribute():
    attr = request.args.get("attr", "cn")
    value = request.args.get("value", "")
    if attr not in SEARCHABLE_ATTRS:
        abort(400)
    flt = f"({attr}={ldap.filter.escape_filter_chars(value)})"
    conn = connect()
    results = conn.search_s(PEOPLE_BASE, ldap.SCOPE_SUBTREE, flt, PERSON_ATTRS)  # ok: PY805
    return jsonify(_entries(results))


@app.route("/people/by/raw")
def people_by_attribute_raw():
    attr = request.args.get("attr", "cn")
    value = request.args.get("value", "")
    if attr not in SEARCHABLE_ATTRS:
        abort(400)
    # the attribute name is checked, the value is not
    flt = f"({attr}={value})"
    conn = connect()
    results = conn.search_s(PEOPLE_BASE, ldap.SCOPE_SUBTREE, flt, PERSON_ATTRS)  # expect: PY805
    return jsonify(_entries(results))


@app.route("/offices/<office>")
def office_people(office):
    if office not in OFFICES:
        abort(404)
    conn = connect()
    results = conn.search_s(PEOPLE_BASE, ldap.SCOPE_SUBTREE, OFFICES[office], PERSON_ATTRS)  # ok: PY805
    logger.info("office listing for %s", office)  # ok: PY815
    return jsonify(_entries(results))


@app.route("/groups/<group>/members")
def members(group):
    conn = connect()
    return jsonify(_entries(group_members(conn, group)))


@app.route("/departments/<department>")
def department(department):
    conn = connect()
    if request.args.get("strict") == "1":
        return jsonify(_entries(people_in_department_escaped(conn, department)))
    return jsonify(_entries(people_in_department(conn, department)))


@app.route("/login", methods=["POST"])
def login():
    username = request.form["username"]
    password = request.form["password"]
    conn = connect()
    user_dn = dn_for_login(conn, username)
    if user_dn is None:
        logger.warning("login failed: unknown user " + username)  # expect: PY815
        abort(401)
    try:
        ldap.initialize("ldaps://ldap.corp.example.com").simple_bind_s(user_dn, password)
    except ldap.INVALID_CREDENTIALS:
        safe_user = username.replace("\n", "").replace("\r", "")
        logger.warning("login failed: bad password for " + safe_user)  # ok: PY815
        abort(401)
    return jsonify(dn=user_dn)


@app.route("/people/advanced")
def advanced_search():
    """Combine several optional criteria into one AND filter."""
    parts = ["(objectClass=inetOrgPerson)"]
    for attr in ("cn", "mail", "title"):
        value = request.args.get(attr)
        if value:
            parts.append("(%s=%s)" % (attr, value))
    flt = "(&" + "".join(parts) + ")"
    conn = connect()
    results = conn.search_s(PEOPLE_BASE, ldap.SCOPE_SUBTREE, flt, PERSON_ATTRS)  # expect: PY805
    return jsonify(_entries(results))


@app.route("/people/advanced/safe")
def advanced_search_safe():
    parts = ["(objectClass=inetOrgPerson)"]
    for attr in ("cn", "mail", "title"):
        value = request.args.get(attr)
        if value:
            parts.append("(%s=%s)" % (attr, ldap.filter.escape_filter_chars(value)))
    flt = "(&" + "".join(parts) + ")"
    conn = connect()
    results = conn.search_s(PEOPLE_BASE, ldap.SCOPE_SUBTREE, flt, PERSON_ATTRS)  # ok: PY805
    return jsonify(_entries(results))


@app.route("/people/by-manager")
def people_by_manager():
    manager = {"uid": request.args.get("manager", "")}
    flt = "(manager=uid={uid},ou=people,dc=corp,dc=example,dc=com)".format(**manager)
    conn = connect()
    results = conn.search_s(PEOPLE_BASE, ldap.SCOPE_SUBTREE, flt, PERSON_ATTRS)  # expect: PY805
    return jsonify(_entries(results))
