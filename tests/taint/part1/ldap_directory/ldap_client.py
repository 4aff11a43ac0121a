"""python-ldap helpers for the staff directory."""
import os

import ldap
import ldap.dn
import ldap.filter

LDAP_URI = "ldaps://ldap.corp.example.com"
SERVICE_DN = "cn=directory-web,ou=services,dc=corp,dc=example,dc=com"
PEOPLE_BASE = "ou=people,dc=corp,dc=example,dc=com"
GROUP_BASE = "ou=groups,dc=corp,dc=example,dc=com"
PERSON_ATTRS = ["cn", "mail", "telephoneNumber", "title"]


def connect():
    conn = ldap.initialize(LDAP_URI)
    conn.set_option(ldap.OPT_REFERRALS, 0)
    conn.simple_bind_s(SERVICE_DN, os.environ.get("LDAP_BIND_PASSWORD", ""))
    return conn


def find_person(conn, uid):
    """Look a person up by login name."""
    return conn.search_s(PEOPLE_BASE, ldap.SCOPE_SUBTREE, f"(uid={uid})", PERSON_ATTRS)  # expect: PY805


def find_person_escaped(conn, uid):
    flt = "(uid=%s)" % ldap.filter.escape_filter_chars(uid)
    return conn.search_s(PEOPLE_BASE, ldap.SCOPE_SUBTREE, flt, PERSON_ATTRS)  # ok: PY805


def group_members(conn, group):
    flt = ldap.filter.filter_format("(&(objectClass=groupOfNames)(cn=%s))", [group])
    return conn.search_s(GROUP_BASE, ldap.SCOPE_ONELEVEL, flt, ["member"])  # ok: PY805


def people_in_department(conn, department):
    base = "ou=%s,%s" % (department, PEOPLE_BASE)
    return conn.search_s(base, ldap.SCOPE_SUBTREE, "(objectClass=inetOrgPerson)", PERSON_ATTRS)  # expect: PY805


def people_in_department_escaped(conn, department):
    base = "ou=%s,%s" % (ldap.dn.escape_dn_chars(department), PEOPLE_BASE)
    return conn.search_s(base, ldap.SCOPE_SUBTREE, "(objectClass=inetOrgPerson)", PERSON_ATTRS)  # ok: PY805


def all_groups(conn):
    return conn.search_s(GROUP_BASE, ldap.SCOPE_ONELEVEL, "(objectClass=groupOfNames)", ["cn"])  # ok: PY805


def dn_for_login(conn, login):
    """Resolve the DN of a user so we can bind as them."""
    results = conn.search_s(  # ok: PY805
        PEOPLE_BASE,
        ldap.SCOPE_SUBTREE,
        "(uid=" + ldap.filter.escape_filter_chars(login) + ")",
        ["dn"],
    )
    return results[0][0] if results else None
