from django.urls import path

from . import views

urlpatterns = [
    path("invoices/", views.invoice_list),
    path("invoices/lookup/", views.invoice_lookup),
    path("invoices/lookup/params/", views.invoice_lookup_params),
    path("invoices/large/", views.large_invoices),
    path("invoices/column/", views.invoice_with_column),
    path("invoices/converted/", views.invoice_converted),
    path("invoices/sorted/", views.sorted_invoices),
    path("invoices/debug/", views.invoice_debug),
    path("invoices/export/", views.export_table),
    path("invoices/formula/", views.invoice_formula),
    path("customers/region/<str:region>/", views.customers_by_region),
    path("customers/recent/", views.customers_recent),
    path("customers/prefix/", views.customers_by_prefix),
    path("customers/search/", views.customer_search),
    path("customers/<str:customer_id>/count/", views.customer_invoice_count),
    path("customers/<str:customer_id>/invoices/delete/", views.delete_customer_invoices),
    path("reports/region/", views.region_report),
    path("reports/status/", views.status_report),
    path("reports/overdue/", views.overdue),
    path("reports/header/", views.report_header),
    path("reports/header/safe/", views.report_header_safe),
    path("reports/summary/custom/", views.custom_summary),
    path("reports/summary/", views.standard_summary),
    path("track/", views.tracking_cookie),
]
