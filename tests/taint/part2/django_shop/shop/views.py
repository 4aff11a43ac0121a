"""Storefront views."""
from decimal import Decimal
from urllib.parse import quote

from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from .models import Cart, Order, Product
from .utils import (
    build_blurb,
    clean_next,
    remember_last_search,
    render_price_tag,
    set_download_headers,
    tag_order_response,
)

SUPPORTED_CURRENCIES = {"EUR", "USD", "GBP", "CHF"}
SUPPORTED_LOCALES = ("en", "de", "fr", "it")
CAMPAIGNS = ("spring-sale", "black-friday", "free-shipping")
TRACK_AFFILIATES = False
DEBUG_HEADERS = False


def home(request):
    featured = Product.objects.order_by("-id")[:8]
    return render(request, "shop/home.html", {"featured": featured})


def product_search(request):
    term = request.GET.get("q", "")
    remember_last_search(request, term)
    products = Product.objects.filter(name__icontains=term)[:20]
    rows = "".join(format_html("<li>{}</li>", p.name) for p in products)
    return HttpResponse("<h2>Results for " + term + "</h2><ul>" + rows + "</ul>")  # expect: PY807


def product_search_v2(request):
    term = request.GET.get("q", "")
    remember_last_search(request, term)
    products = Product.objects.filter(name__icontains=term)[:20]
    return render(request, "shop/search.html", {"term": term, "products": products})  # ok: PY807


def product_detail(request, pk):
    product = get_object_or_404(Product, pk=pk)
    ref = request.GET.get("ref", "")
    price = render_price_tag(product.price, request.session.get("currency", "EUR"))
    return HttpResponse(format_html("<h1>{}</h1><p>via {}</p>{}", product.name, ref, price))  # ok: PY807


def product_blurb(request, pk):
    product = get_object_or_404(Product, pk=pk)
    tagline = request.GET.get("tagline", "")
    blurb = build_blurb(product.name, tagline)
    return render(request, "shop/blurb.html", {"blurb": blurb})


@require_POST
def review_preview(request):
    review = request.POST.get("review", "")
    if request.POST.get("format") == "html":
        body = mark_safe(review)  # expect: PY807
    else:
        body = mark_safe(escape(review).replace("\n", "<br>"))  # ok: PY807
    return render(request, "shop/review_preview.html", {"body": body})


def promo_banner(request):
    campaign = request.GET.get("campaign", "")
    if campaign not in CAMPAIGNS:
        return HttpResponseBadRequest("unknown campaign")
    return HttpResponse("<div class='promo promo-%s'>Limited offer</div>" % campaign)  # ok: PY807


def price_api(request):
    sku = request.GET.get("sku", "")
    product = Product.objects.filter(sku=sku).first()
    price = str(product.price) if product else None
    return JsonResponse({"sku": sku, "price": price})  # ok: PY807


@require_POST
def add_to_cart(request):
    pk = int(request.POST["product"])
    qty = int(request.POST.get("qty", "1"))
    request.session["last_qty"] = qty  # ok: PY810
    if "cart_id" not in request.session:
        cart = Cart.objects.create(currency="EUR")
        request.session["cart_id"] = cart.pk  # ok: PY810
    source = "direct"
    if TRACK_AFFILIATES:
        source = request.GET.get("aff", "direct")
    request.session["traffic_source"] = source  # ok: PY810
    return redirect("shop:product_detail", pk=pk)  # ok: PY809


@require_POST
def set_currency(request):
    currency = request.POST.get("currency", "EUR").upper()
    if currency in SUPPORTED_CURRENCIES:
        request.session["currency"] = currency  # ok: PY810
    return JsonResponse({"currency": request.session.get("currency", "EUR")})


@require_POST
def apply_coupon(request):
    request.session["coupon"] = request.POST.get("coupon", "").strip().upper()  # expect: PY810
    return JsonResponse({"applied": True})


@require_POST
def set_shipping(request):
    country = request.POST.get("country", "")
    zip_code = request.POST.get("zip", "")
    request.session["shipping"] = {"country": country, "zip": zip_code}  # expect: PY810
    return JsonResponse({"ok": True})


def impersonate(request):
    if not request.user.is_staff:
        return HttpResponseBadRequest("staff only")
    request.session["user_id"] = request.GET["uid"]  # expect: PY810
    return redirect("shop:home")


def checkout_done(request):
    request.session["referrer"] = request.META.get("HTTP_REFERER", "")  # expect: PY810
    return redirect(request.GET["next"])  # expect: PY809


@require_POST
def checkout_cancel(request):
    return HttpResponseRedirect(request.POST.get("return_url", "/"))  # expect: PY809


def continue_shopping(request):
    target = clean_next(request, request.GET.get("next", ""))
    return HttpResponseRedirect(target)  # ok: PY809


def after_login(request):
    next_url = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)  # ok: PY809
    return redirect("shop:home")  # ok: PY809


def switch_locale(request):
    lang = request.GET.get("lang", "en")
    if lang not in SUPPORTED_LOCALES:
        return HttpResponseBadRequest("unsupported locale")
    response = HttpResponseRedirect(request.META.get("HTTP_REFERER", "/"))  # expect: PY809
    response["Content-Language"] = lang  # ok: PY814
    return response


def invoice_download(request, pk):
    order = get_object_or_404(Order, pk=pk)
    name = request.GET.get("filename", "invoice-%s.pdf" % order.reference)
    response = HttpResponse(bytes(order.invoice_pdf), content_type="application/pdf")
    response["Content-Disposition"] = "attachment; filename=" + name  # expect: PY814
    return response


def invoice_download_v2(request, pk):
    order = get_object_or_404(Order, pk=pk)
    name = request.GET.get("filename", "invoice-%s.pdf" % order.reference)
    response = HttpResponse(bytes(order.invoice_pdf), content_type="application/pdf")
    return set_download_headers(response, name)


def export_orders(request):
    limit = int(request.GET.get("limit", "100"))
    orders = Order.objects.order_by("-id")[:limit]
    lines = ["%s;%s" % (o.reference, o.total) for o in orders]
    response = HttpResponse("\n".join(lines), content_type="text/csv")
    response["X-Export-Count"] = str(limit)  # ok: PY814
    fname = request.GET.get("name", "orders.csv")
    response["Content-Disposition"] = 'attachment; filename="%s"' % quote(fname)  # ok: PY814
    tag_order_response(response, request.GET.get("ref", ""))
    debug_info = "disabled"
    if DEBUG_HEADERS:
        debug_info = request.META.get("QUERY_STRING", "")
    response["X-Debug-Info"] = debug_info  # ok: PY814
    extra = {"X-Campaign": request.GET.get("utm_campaign", "none")}
    for header, value in extra.items():
        response[header] = value  # expect: PY814
    response["X-Total"] = str(sum((o.total for o in orders), Decimal("0")))
    return response
