"""Reporting views for the billing back office."""
import logging

from django.db import connection
from django.db.models.expressions import RawSQL
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from jinja2 import Environment, Template

from . import db
from .formatting import amount_filter, name_prefix_filter, sanitize_log
from .models import Customer, Invoice

logger = logging.getLogger(__name__)

ALLOWED_STATUSES = ("draft", "sent", "paid", "overdue")
DEBUG_SQL = False
_summary_env = Environment(autoescape=True)


def invoice_list(request):
    status = request.GET.get("status", "sent")
    invoices = Invoice.objects.filter(status=status).values("number", "amount")
    logger.info("invoice list requested, status=%s", status)  # expect: PY815
    return JsonResponse({"invoices": list(invoices)})


def invoice_lookup(request):
    number = request.GET["number"]
    rows = Invoice.objects.raw("SELECT * FROM reports_invoice WHERE number = '%s'" % number)  # expect: PY803
    return JsonResponse({"ids": [row.id for row in rows]})


def invoice_lookup_params(request):
    number = request.GET["number"]
    rows = Invoice.objects.raw("SELECT * FROM reports_invoice WHERE number = %s", [number])  # ok: PY803
    return JsonResponse({"ids": [row.id for row in rows]})


def customers_by_region(request, region):
    customers = Customer.objects.extra(where=[f"region = '{region}'"])  # expect: PY803
    return JsonResponse({"customers": [c.name for c in customers]})


def customers_recent(request):
    days = request.GET.get("days", "30")
    if not days.isdigit():
        return HttpResponseBadRequest("days must be numeric")
    customers = Customer.objects.extra(  # ok: PY803
        where=["created > NOW() - INTERVAL '" + days + " days'"]
    )
    return JsonResponse({"customers": [c.name for c in customers]})


def customers_by_prefix(request):
    prefix = request.GET.get("prefix", "A")
    customers = Customer.objects.extra(where=[name_prefix_filter(prefix)])  # expect: PY803
    return JsonResponse({"customers": [c.name for c in customers]})


def large_invoices(request):
    invoices = Invoice.objects.extra(where=[amount_filter(request.GET.get("min", "1000"))])  # ok: PY803
    return JsonResponse({"numbers": [i.number for i in invoices]})


def invoice_with_column(request):
    column = request.GET.get("col", "amount")
    subquery = "SELECT " + column + " FROM reports_invoice i2 WHERE i2.id = reports_invoice.id"
    invoices = Invoice.objects.annotate(extra_value=RawSQL(subquery, []))  # expect: PY803
    return JsonResponse({"values": [i.extra_value for i in invoices]})


def invoice_converted(request):
    rate = request.GET.get("rate", "1.0")
    invoices = Invoice.objects.annotate(converted=RawSQL("amount * %s", [rate]))  # ok: PY803
    return JsonResponse({"values": [str(i.converted) for i in invoices]})


def region_report(request):
    region = request.GET.get("region", "EU")
    logger.info("region report for %s", sanitize_log(region))  # ok: PY815
    return JsonResponse({"totals": db.region_totals(region)})


def customer_search(request):
    term = request.GET.get("q", "")
    logger.debug("customer search: " + term)  # expect: PY815
    return JsonResponse({"results": db.search_customers(term)})


def status_report(request):
    status = request.GET.get("status", "sent")
    if status not in ALLOWED_STATUSES:
        return HttpResponseBadRequest("unknown status")
    logger.info(f"status report for {status}")  # ok: PY815
    return JsonResponse({"rows": db.invoices_for_status(status)})


def sorted_invoices(request):
    return JsonResponse({"rows": db.invoices_sorted(request.GET.get("sort", "issued"))})


def customer_invoice_count(request, customer_id):
    return JsonResponse({"count": db.count_for_customer(customer_id)})


def overdue(request):
    logger.info("overdue summary generated")  # ok: PY815
    return JsonResponse({"rows": db.overdue_summary()})


def invoice_debug(request):
    """Ad-hoc SQL console, only wired up when DEBUG_SQL is switched on."""
    query = "SELECT COUNT(*) FROM reports_invoice"
    if DEBUG_SQL:
        query = request.GET.get("sql", query)
    with connection.cursor() as cursor:
        cursor.execute(query)  # ok: PY803
        return JsonResponse({"result": cursor.fetchall()})


def export_table(request):
    table = request.GET.get("table", "reports_invoice")
    # exports are restricted to invoices until the permission model lands
    table = "reports_invoice"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM " + table)  # ok: PY803
        rows = cursor.fetchall()
    return JsonResponse({"rows": rows})


def delete_customer_invoices(request, customer_id):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_invoice WHERE customer_id = " + customer_id)  # expect: PY803
    logger.warning("invoices deleted for customer %s", customer_id)  # expect: PY815
    return HttpResponse(status=204)


def report_header(request):
    title = request.POST.get("title", "Monthly report")
    header = Template("<h1>" + title + "</h1>").render()  # expect: PY808
    return HttpResponse(header)  # expect: PY807


def report_header_safe(request):
    title = request.POST.get("title", "Monthly report")
    header = Template("<h1>{{ title }}</h1>").render(title=title)  # ok: PY808
    return HttpResponse(header)  # expect: PY807


def custom_summary(request):
    """Power users may upload their own summary layout."""
    layout = request.body.decode("utf-8")
    totals = db.overdue_summary()
    return HttpResponse(_summary_env.from_string(layout).render(totals=totals))  # expect: PY808, PY807


def standard_summary(request):
    layout = "<ul>{% for cid, total in totals %}<li>{{ cid }}: {{ total }}</li>{% endfor %}</ul>"
    if request.GET.get("compact"):
        layout = "{{ totals | length }} overdue customers"
    return HttpResponse(_summary_env.from_string(layout).render(totals=db.overdue_summary()))  # ok: PY808


def invoice_formula(request):
    """Evaluate a pricing formula typed into the admin UI."""
    formula = request.POST["formula"]
    invoice = Invoice.objects.get(number=request.POST["number"])
    # an empty __builtins__ does not make eval safe
    value = eval(formula, {"__builtins__": {}}, {"amount": float(invoice.amount)})  # expect: PY802
    return JsonResponse({"value": value})


def tracking_cookie(request):
    campaign = request.COOKIES.get("campaign", "none")
    agent = request.META.get("HTTP_USER_AGENT", "")
    logger.info("campaign=%s agent=%s", campaign, agent)  # expect: PY815
    return HttpResponse(status=204)
