#!/usr/bin/env python3
"""Nightly job: pull group memberships and expired accounts out of LDAP.

    sync_job.py --group engineering
    sync_job.py --expired-before 19700
"""
import argparse
import logging

import ldap
import ldap.filter

from ldap_client import GROUP_BASE, PEOPLE_BASE, connect

log = logging.getLogger("directory.sync")

MANAGED_GROUPS = ("engineering", "support", "finance")
LEGACY_OU_FILTER = False


class GroupQuery:
    """Membership query for a single group."""

    def __init__(self, group, attrs=("member",)):
        self.group = group
        self.attrs = list(attrs)

    def ldap_filter(self):
        return f"(&(objectClass=groupOfNames)(cn={self.group}))"

    def run(self, conn):
        return conn.search_s(GROUP_BASE, ldap.SCOPE_ONELEVEL, self.ldap_filter(), self.attrs)  # expect: PY805


def managed_group_members(conn):
    results = []
    for group in MANAGED_GROUPS:
        results.extend(conn.search_s(GROUP_BASE, ldap.SCOPE_ONELEVEL, "(cn=%s)" % group, ["member"]))  # ok: PY805
    return results


def expired_accounts(conn, before):
    criteria = {"before": before, "cls": "inetOrgPerson"}
    flt = "(&(objectClass=%(cls)s)(shadowExpire<=%(before)s))" % criteria
    return conn.search_s(PEOPLE_BASE, ldap.SCOPE_SUBTREE, flt, ["uid"])  # expect: PY805


def expired_accounts_checked(conn, before):
    day = int(before)
    flt = "(&(objectClass=inetOrgPerson)(shadowExpire<=%d))" % day
    return conn.search_s(PEOPLE_BASE, ldap.SCOPE_SUBTREE, flt, ["uid"])  # ok: PY805


def people(conn, ou):
    flt = "(objectClass=inetOrgPerson)"
    if LEGACY_OU_FILTER:
        flt = "(&%s(ou=%s))" % (flt, ou)
    return conn.search_s(PEOPLE_BASE, ldap.SCOPE_SUBTREE, flt, ["uid", "ou"])  # ok: PY805


def people_escaped(conn, ou):
    flt = "(&(objectClass=inetOrgPerson)(ou=%s))" % ldap.filter.escape_filter_chars(ou)
    return conn.search_s(PEOPLE_BASE, ldap.SCOPE_SUBTREE, flt, ["uid"])  # ok: PY805


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--group")
    parser.add_argument("--ou", default="engineering")
    parser.add_argument("--expired-before")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()

    conn = connect()
    if args.group:
        members = GroupQuery(args.group).run(conn)
        log.info("fetched %d group entries", len(members))  # ok: PY815
    else:
        members = managed_group_members(conn)
    if args.expired_before:
        if args.strict:
            expired = expired_accounts_checked(conn, args.expired_before)
        else:
            expired = expired_accounts(conn, args.expired_before)
        log.info("found %d expired accounts", len(expired))  # ok: PY815
    everyone = people(conn, args.ou) + people_escaped(conn, args.ou)
    log.info("sync finished: %d people", len(everyone))  # ok: PY815


if __name__ == "__main__":
    main()
