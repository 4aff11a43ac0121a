"""Product master data delivered by the ERP as XML."""
from lxml import etree

PRODUCTS_XML = "/srv/shop/erp/products.xml"


def product_nodes(sku):
    tree = etree.parse(PRODUCTS_XML)
    return tree.xpath("//product[@sku='%s']" % sku)  # expect: PY806


def product_nodes_bound(sku):
    tree = etree.parse(PRODUCTS_XML)
    return tree.xpath("//product[@sku=$sku]", sku=sku)  # ok: PY806
