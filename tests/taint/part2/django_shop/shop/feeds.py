"""Supplier feed and bulk import endpoints (staff only)."""
import base64
import json
import os
import pickle
import xml.etree.ElementTree as ET
from xml.dom import minidom

import requests
import yaml
from defusedxml import minidom as safe_minidom
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.decorators.http import require_POST

from .models import Product
from .utils import download_feed, fetch_supplier_stock

SUPPLIER_HOST = "supplier.example.net"
CATEGORY_FILE = os.path.join(settings.BASE_DIR, "shop", "fixtures", "categories.xml")


def _known_categories():
    tree = ET.parse(CATEGORY_FILE)  # ok: PY812
    return {node.get("code") for node in tree.getroot().iter("category")}


@staff_member_required
@require_POST
def import_supplier_feed(request):
    feed_url = request.POST["feed_url"]
    text = download_feed(feed_url)
    items = json.loads(text)  # ok: PY811
    created = 0
    for item in items:
        _, was_created = Product.objects.get_or_create(
            sku=item["sku"], defaults={"name": item["name"], "price": item["price"]}
        )
        created += int(was_created)
    return JsonResponse({"created": created})


@staff_member_required
@require_POST
def import_catalog_xml(request):
    doc = minidom.parseString(request.body)  # expect: PY812
    names = [n.getAttribute("name") for n in doc.getElementsByTagName("product")]
    return JsonResponse({"products": names, "categories": sorted(_known_categories())})


@staff_member_required
@require_POST
def import_catalog_xml_v2(request):
    doc = safe_minidom.parseString(request.body)  # ok: PY812
    names = [n.getAttribute("name") for n in doc.getElementsByTagName("product")]
    return JsonResponse({"products": names})


@staff_member_required
@require_POST
def upload_pricing_rules(request):
    upload = request.FILES["rules"]
    rules = yaml.unsafe_load(upload.read())  # expect: PY811
    return JsonResponse({"rules": len(rules)})


@staff_member_required
@require_POST
def upload_pricing_rules_v2(request):
    upload = request.FILES["rules"]
    rules = yaml.safe_load(upload.read())  # ok: PY811
    return JsonResponse({"rules": len(rules)})


@staff_member_required
@require_POST
def upload_pricing_rules_v3(request):
    since = request.POST.get("since", "")
    resp = requests.get(  # ok: PY813
        f"https://{SUPPLIER_HOST}/v2/pricing-rules",
        params={"since": since},
        timeout=10,
    )
    resp.raise_for_status()
    return JsonResponse({"rules": len(resp.json())})


def supplier_stock(request, sku):
    return JsonResponse(fetch_supplier_stock(sku))


def restore_saved_cart(request):
    token = request.COOKIES.get("saved_cart")
    if not token:
        return HttpResponseBadRequest("no saved cart")
    cart = pickle.loads(base64.b64decode(token))  # expect: PY811
    return JsonResponse({"items": list(cart)})
