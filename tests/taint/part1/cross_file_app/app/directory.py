"""Customer service staff lookups (ldap3)."""
from ldap3 import SUBTREE, Connection, Server
from ldap3.utils.conv import escape_filter_chars

SERVER = Server("ldaps://ldap.shop.internal")
STAFF_BASE = "ou=staff,dc=shop,dc=internal"


def staff_lookup(uid):
    conn = Connection(SERVER, auto_bind=True, read_only=True)
    conn.search(STAFF_BASE, f"(&(objectClass=person)(uid={uid}))", search_scope=SUBTREE, attributes=["cn", "mail"])  # expect: PY805
    return conn.entries


def staff_lookup_escaped(uid):
    conn = Connection(SERVER, auto_bind=True, read_only=True)
    flt = "(&(objectClass=person)(uid=" + escape_filter_chars(uid) + "))"
    conn.search(STAFF_BASE, flt, search_scope=SUBTREE, attributes=["cn", "mail"])  # ok: PY805
    return conn.entries
