from django.urls import path

from . import feeds, views

app_name = "shop"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.product_search, name="search"),
    path("search/v2/", views.product_search_v2, name="search_v2"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("products/<int:pk>/blurb/", views.product_blurb, name="product_blurb"),
    path("reviews/preview/", views.review_preview, name="review_preview"),
    path("banner/", views.promo_banner, name="promo_banner"),
    path("api/price/", views.price_api, name="price_api"),
    path("cart/add/", views.add_to_cart, name="add_to_cart"),
    path("cart/currency/", views.set_currency, name="set_currency"),
    path("cart/coupon/", views.apply_coupon, name="apply_coupon"),
    path("cart/shipping/", views.set_shipping, name="set_shipping"),
    path("login/as/", views.impersonate, name="impersonate"),
    path("checkout/done/", views.checkout_done, name="checkout_done"),
    path("checkout/cancel/", views.checkout_cancel, name="checkout_cancel"),
    path("continue/", views.continue_shopping, name="continue_shopping"),
    path("after-login/", views.after_login, name="after_login"),
    path("locale/", views.switch_locale, name="switch_locale"),
    path("orders/<int:pk>/invoice/", views.invoice_download, name="invoice"),
    path("orders/<int:pk>/invoice/v2/", views.invoice_download_v2, name="invoice_v2"),
    path("orders/export/", views.export_orders, name="export_orders"),
    path("feeds/import/", feeds.import_supplier_feed, name="import_feed"),
    path("feeds/catalog/", feeds.import_catalog_xml, name="import_catalog"),
    path("feeds/catalog/v2/", feeds.import_catalog_xml_v2, name="import_catalog_v2"),
    path("feeds/rules/", feeds.upload_pricing_rules, name="pricing_rules"),
    path("feeds/rules/v2/", feeds.upload_pricing_rules_v2, name="pricing_rules_v2"),
    path("feeds/rules/v3/", feeds.upload_pricing_rules_v3, name="pricing_rules_v3"),
    path("feeds/stock/<str:sku>/", feeds.supplier_stock, name="supplier_stock"),
    path("feeds/saved-cart/", feeds.restore_saved_cart, name="restore_saved_cart"),
]
