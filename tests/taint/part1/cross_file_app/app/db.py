"""PostgreSQL access for the back office."""
import psycopg2
from psycopg2 import sql as pgsql


def get_conn():
    return psycopg2.connect(dbname="shop", user="backoffice", host="db.internal")


def find_user(username):
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute("SELECT id, email FROM users WHERE username = '" + username + "'")  # expect: PY803
        return cur.fetchone()


def find_user_by_id(user_id):
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute("SELECT id, email FROM users WHERE id = %s", (user_id,))  # ok: PY803
        return cur.fetchone()


def list_orders(customer, sort):
    """``sort`` must already be a whitelisted column name."""
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(f"SELECT id, total, status FROM orders WHERE customer = %s ORDER BY {sort}", (customer,))  # ok: PY803
        return cur.fetchall()


def orders_by_status(status):
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute("SELECT id, total FROM orders WHERE status = '{}'".format(status))  # expect: PY803
        return cur.fetchall()


def update_email(user_id, email):
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute("UPDATE users SET email = %s WHERE id = %s", (email, user_id))  # ok: PY803


def bulk_tag(order_ids, tag):
    with get_conn() as conn, conn.cursor() as cur:
        cur.executemany(  # expect: PY803
            "UPDATE orders SET tag = '" + tag + "' WHERE id = %s",
            [(order_id,) for order_id in order_ids],
        )


def count_rows(table):
    with get_conn() as conn, conn.cursor() as cur:
        cur.execute(pgsql.SQL("SELECT count(*) FROM {}").format(pgsql.Identifier(table)))  # ok: PY803
        return cur.fetchone()[0]
