"""Helpers shared by the shop views."""
from urllib.parse import quote

import requests
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe

SUPPLIER_API = "https://supplier.example.net/api/"


def remember_last_search(request, term):
    """Keep the last search term so the search box can be pre-filled."""
    request.session["last_search"] = term  # expect: PY810


def set_download_headers(response, filename):
    """Mark a response as a download; the name is stripped of CR/LF."""
    cleaned = filename.replace("\r", "").replace("\n", "")
    response["Content-Disposition"] = 'attachment; filename="%s"' % cleaned  # ok: PY814
    return response


def tag_order_response(response, reference):
    """Echo the order reference so the support tooling can correlate."""
    response["X-Order-Ref"] = reference  # expect: PY814
    return response


def render_price_tag(amount, currency):
    return format_html('<span class="price">{} {}</span>', amount, currency)


def build_blurb(product_name, tagline):
    """Marketing blurb shown under the product title."""
    return mark_safe("<p><b>%s</b> %s</p>" % (product_name, tagline))  # expect: PY807


def fetch_supplier_stock(sku):
    """Ask the supplier how many units of a SKU are in stock."""
    resp = requests.get(SUPPLIER_API + "stock/" + quote(sku, safe=""), timeout=10)  # ok: PY813
    resp.raise_for_status()
    return resp.json()


def download_feed(feed_url):
    """Download a supplier product feed."""
    resp = requests.get(feed_url, timeout=30)  # expect: PY813
    resp.raise_for_status()
    return resp.text


def clean_next(request, candidate):
    """Return candidate if it points back to this site, else the home page."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return candidate
    return reverse("shop:home")
