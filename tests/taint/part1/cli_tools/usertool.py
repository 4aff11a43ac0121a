#!/usr/bin/env python3
"""Command line maintenance for the accounts database.

    usertool.py find alice@example.com
    usertool.py find-id 42
    usertool.py delete alice@example.com
    usertool.py purge-before 2023-01-01
    usertool.py sql "SELECT count(*) FROM users"
"""
import re
import sqlite3
import sys

DB_PATH = "/var/lib/accounts/accounts.db"


def usage():
    print(__doc__, file=sys.stderr)
    sys.exit(2)


def find_by_email(cur, email):
    cur.execute("SELECT id, email, created FROM users WHERE email = '%s'" % email)  # expect: PY803
    return cur.fetchall()


def main(argv):
    if len(argv) < 3:
        usage()
    command, value = argv[1], argv[2]
    conn = sqlite3.connect(DB_PATH)
    cur = conn.cursor()
    if command == "find":
        rows = find_by_email(cur, value)
    elif command == "find-id":
        cur.execute("SELECT id, email, created FROM users WHERE id = %d" % int(value))  # ok: PY803
        rows = cur.fetchall()
    elif command == "delete":
        cur.execute("DELETE FROM users WHERE email = ?", (value,))  # ok: PY803
        rows = []
    elif command == "purge-before":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            sys.exit("purge-before expects a date like 2024-01-31")
        cur.execute(f"DELETE FROM sessions WHERE created < '{value}'")  # ok: PY803
        rows = []
    elif command == "sql":
        cur.execute(value)  # expect: PY803
        rows = cur.fetchall()
    else:
        usage()
    conn.commit()
    for row in rows:
        print(*row, sep="\t")


if __name__ == "__main__":
    main(sys.argv)
