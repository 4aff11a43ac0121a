"""Hand written SQL for the heavier reporting queries."""
from django.db import connection

SORT_COLUMNS = {"amount": "amount", "issued": "issued", "number": "number"}


def invoices_for_status(status):
    with connection.cursor() as cursor:
        cursor.execute(  # ok: PY803
            "SELECT id, number, amount FROM reports_invoice WHERE status = %s",
            [status],
        )
        return cursor.fetchall()


def invoices_sorted(column):
    """Invoices ordered by one of the whitelisted columns."""
    order = SORT_COLUMNS.get(column, "issued")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, number, amount FROM reports_invoice ORDER BY {order}")  # ok: PY803
        return cursor.fetchall()


def search_customers(term):
    sql = "SELECT id, name FROM reports_customer WHERE name LIKE '%" + term + "%'"
    with connection.cursor() as cursor:
        cursor.execute(sql)  # expect: PY803
        return cursor.fetchall()


def region_totals(region):
    query = (
        "SELECT c.region, SUM(i.amount) FROM reports_invoice i "
        "JOIN reports_customer c ON c.id = i.customer_id "
        "WHERE c.region = '%s' GROUP BY c.region" % region
    )
    cursor = connection.cursor()
    try:
        cursor.execute(query)  # expect: PY803
        return cursor.fetchall()
    finally:
        cursor.close()


def count_for_customer(customer_id):
    with connection.cursor() as cursor:
        cursor.execute(  # ok: PY803
            "SELECT COUNT(*) FROM reports_invoice WHERE customer_id = %d" % int(customer_id)
        )
        return cursor.fetchone()[0]


def overdue_summary():
    with connection.cursor() as cursor:
        cursor.execute(  # ok: PY803
            "SELECT customer_id, SUM(amount) FROM reports_invoice "
            "WHERE status = 'overdue' GROUP BY customer_id"
        )
        return cursor.fetchall()
