"""JSON directory API built on ldap3 (used by the mobile app)."""
import logging

from fastapi import FastAPI, HTTPException
from ldap3 import ALL, SUBTREE, Connection, Server
from ldap3.utils.conv import escape_filter_chars

PEOPLE_BASE = "ou=people,dc=corp,dc=example,dc=com"
DEVICE_BASE = "ou=devices,dc=corp,dc=example,dc=com"
DEVICE_KINDS = ("laptop", "phone", "tablet")

api = FastAPI(title="directory-api")
log = logging.getLogger("directory.api")
server = Server("ldaps://ldap.corp.example.com", get_info=ALL)


class Directory:
    """Wraps a bound ldap3 connection."""

    def __init__(self):
        self.conn = Connection(server, auto_bind=True, read_only=True)

    def by_mail(self, mail):
        self.conn.search(PEOPLE_BASE, f"(mail={mail})", search_scope=SUBTREE, attributes=["cn", "uid"])  # expect: PY805
        return self.conn.entries

    def by_uid(self, uid):
        self.conn.search(  # ok: PY805
            PEOPLE_BASE,
            "(uid=%s)" % escape_filter_chars(uid),
            search_scope=SUBTREE,
            attributes=["cn", "mail"],
        )
        return self.conn.entries

    def managers(self):
        self.conn.search(PEOPLE_BASE, "(title=*Manager*)", attributes=["cn", "mail"])  # ok: PY805
        return self.conn.entries


@api.get("/people/by-mail/{mail}")
def people_by_mail(mail: str):
    return [e.entry_to_json() for e in Directory().by_mail(mail)]


@api.get("/people/by-uid/{uid}")
def people_by_uid(uid: str):
    return [e.entry_to_json() for e in Directory().by_uid(uid)]


@api.get("/people/managers")
def managers():
    return [e.entry_to_json() for e in Directory().managers()]


@api.get("/devices")
def devices(owner: str, kind: str = "laptop"):
    if kind not in DEVICE_KINDS:
        raise HTTPException(status_code=400, detail="unknown device kind")
    conn = Connection(server, auto_bind=True, read_only=True)
    search_filter = "(&(objectClass=device)(deviceKind=" + kind + ")(owner=" + owner + "))"
    conn.search(DEVICE_BASE, search_filter, attributes=["cn", "serialNumber"])  # expect: PY805
    log.info("device search by owner=%s kind=%s", owner, kind)  # expect: PY815
    return [e.entry_to_json() for e in conn.entries]


@api.get("/devices/mine")
def my_devices(owner: str, kind: str = "laptop"):
    if kind not in DEVICE_KINDS:
        raise HTTPException(status_code=400, detail="unknown device kind")
    conn = Connection(server, auto_bind=True, read_only=True)
    search_filter = "(&(objectClass=device)(deviceKind={})(owner={}))".format(kind, escape_filter_chars(owner))
    conn.search(DEVICE_BASE, search_filter, attributes=["cn", "serialNumber"])  # ok: PY805
    log.info("device search for kind=%s", kind)  # ok: PY815
    return [e.entry_to_json() for e in conn.entries]


@api.get("/people/in/{ou}")
def people_in_ou(ou: str):
    conn = Connection(server, auto_bind=True, read_only=True)
    conn.search(f"ou={ou},{PEOPLE_BASE}", "(objectClass=inetOrgPerson)", attributes=["cn"])  # expect: PY805
    return [e.entry_to_json() for e in conn.entries]
