#!/usr/bin/env python3
"""Export sales figures from the MySQL warehouse to CSV."""
import argparse
import csv
import sys

import pymysql

EXPORT_COLUMNS = {"region", "product", "channel"}


def connect():
    return pymysql.connect(host="warehouse.internal", user="reporter", database="sales", read_default_file="~/.my.cnf")


def export(group_by, since, out):
    conn = connect()
    with conn.cursor() as cur:
        cur.execute(  # ok: PY803
            f"SELECT {group_by}, SUM(total) FROM orders WHERE created >= %s GROUP BY {group_by}",
            (since,),
        )
        writer = csv.writer(out)
        writer.writerows(cur.fetchall())


def export_customer(customer, out):
    conn = connect()
    with conn.cursor() as cur:
        cur.execute("SELECT id, total, created FROM orders WHERE customer = '" + customer + "'")  # expect: PY803
        csv.writer(out).writerows(cur.fetchall())


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--group-by", default="region")
    parser.add_argument("--since", default="2024-01-01")
    parser.add_argument("--customer")
    parser.add_argument("--output")
    args = parser.parse_args()
    if args.group_by not in EXPORT_COLUMNS:
        parser.error("unsupported --group-by column")
    out = open(args.output, "w", newline="") if args.output else sys.stdout  # ok: PY804
    if args.customer:
        export_customer(args.customer, out)
    else:
        export(args.group_by, args.since, out)


if __name__ == "__main__":
    main()
