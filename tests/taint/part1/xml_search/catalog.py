"""Book catalog queries over an XML export (lxml)."""
import re

from lxml import etree

CATALOG_PATH = "/srv/catalog/books.xml"
SORTABLE_FIELDS = ("title", "author", "year", "price")

_tree = etree.parse(CATALOG_PATH)
price_query = etree.XPath("//book[@id=$book_id]/price/text()")  # ok: PY806


def books_by_author(author):
    return _tree.xpath(f"//book[author='{author}']/title/text()")  # expect: PY806


def books_by_author_bound(author):
    return _tree.xpath("//book[author=$author]/title/text()", author=author)  # ok: PY806


def book_by_isbn(isbn):
    if not re.fullmatch(r"(?:\d{9}[\dX]|\d{13})", isbn):
        raise ValueError("not an ISBN")
    return _tree.xpath("//book[@isbn='" + isbn + "']")  # ok: PY806


def price_for(book_id):
    result = price_query(_tree, book_id=book_id)
    return result[0] if result else None


def field_values(field):
    """Distinct values of one of the sortable fields."""
    if field in SORTABLE_FIELDS:
        return sorted(set(_tree.xpath("//book/%s/text()" % field)))  # ok: PY806
    return []


def matching(field, value):
    expr = etree.XPath("//book[%s='%s']" % (field, value))  # expect: PY806
    return expr(_tree)


def titles_published_after(year):
    return _tree.xpath("//book[year > %d]/title/text()" % int(year))  # ok: PY806
