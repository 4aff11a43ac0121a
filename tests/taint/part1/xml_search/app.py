"""Search frontend for the book catalog and the legacy portal accounts."""
import logging

from flask import Flask, abort, jsonify, request
from lxml import etree

import catalog
import users_xml
from settings_store import SettingsStore

app = Flask(__name__)
logger = logging.getLogger("xml_search")

FEED_PATH = "/srv/catalog/feed.xml"
SETTINGS_SECTIONS = ("shipping", "payment", "tax")
LEGACY_QUERIES = False
FEED_FILTERS = {"new": "//item[@new='true']", "sale": "//item[@sale='true']", "all": "//item"}


def _requested_author():
    """Author name from the query string, trimmed."""
    return request.args.get("author", "").strip()


@app.route("/books/by-author/count")
def count_by_author():
    tree = etree.parse(catalog.CATALOG_PATH)
    total = tree.xpath("count(//book[author='%s'])" % _requested_author())  # expect: PY806
    return jsonify(count=total)


@app.route("/books/by-author")
def by_author():
    return jsonify(catalog.books_by_author(request.args.get("author", "")))


@app.route("/books/by-author/v2")
def by_author_v2():
    return jsonify(catalog.books_by_author_bound(request.args.get("author", "")))


@app.route("/books/isbn/<isbn>")
def by_isbn(isbn):
    try:
        nodes = catalog.book_by_isbn(isbn)
    except ValueError:
        abort(400)
    return jsonify([etree.tostring(n).decode() for n in nodes])


@app.route("/books/<book_id>/price")
def price(book_id):
    return jsonify(price=catalog.price_for(book_id))


@app.route("/books/fields/<field>")
def field_values(field):
    return jsonify(catalog.field_values(field))


@app.route("/books/match")
def match():
    field = request.args.get("field", "title")
    value = request.args.get("value", "")
    return jsonify([etree.tostring(n).decode() for n in catalog.matching(field, value)])


@app.route("/books/after/<year>")
def after(year):
    return jsonify(catalog.titles_published_after(year))


@app.route("/books/xpath", methods=["POST"])
def raw_xpath():
    """Expert search: clients send an XPath expression in the body."""
    expr = request.get_json(force=True)["xpath"]
    tree = etree.parse(catalog.CATALOG_PATH)
    logger.info("expert xpath query: %s", expr)  # expect: PY815
    results = tree.xpath(expr)  # expect: PY806
    return jsonify([str(r) for r in results])


@app.route("/feed/<kind>")
def feed(kind):
    if kind not in FEED_FILTERS:
        abort(404)
    tree = etree.parse(FEED_PATH)
    items = tree.xpath(FEED_FILTERS[kind])  # ok: PY806
    return jsonify([i.findtext("title") for i in items])  # ok: PY806


@app.route("/feed/search")
def feed_search():
    category = request.args.get("category", "")
    tree = etree.parse(FEED_PATH)
    items = tree.xpath("//item[category=$category]", category=category)  # ok: PY806
    logger.info("feed search returned %d items", len(items))  # ok: PY815
    return jsonify([etree.tostring(i).decode() for i in items])


@app.route("/feed/title")
def feed_by_title():
    title = request.args.get("title", "")
    find_items = etree.XPath(f"//item[title='{title}']")  # expect: PY806
    return jsonify([etree.tostring(i).decode() for i in find_items(etree.parse(FEED_PATH))])


@app.route("/accounts/<username>")
def account(username):
    node = users_xml.find_account(username)
    if node is None:
        abort(404)
    return jsonify(name=node.get("name"), email=users_xml.email_of(username))


@app.route("/accounts/<username>/exists")
def account_exists(username):
    return jsonify(exists=users_xml.account_exists(username))


@app.route("/accounts/sections/<section>")
def section(section):
    try:
        return jsonify(users_xml.section_members(section))
    except KeyError:
        abort(404)


@app.route("/accounts/admins")
def admins():
    return jsonify(users_xml.all_admins())


@app.route("/accounts/by-role")
def accounts_by_role():
    role = request.args.get("role", "viewer")
    root = users_xml.load_root()
    nodes = root.findall(f".//user[@role='{role}']")  # expect: PY806
    return jsonify([n.get("name") for n in nodes])


@app.route("/books/filter", methods=["POST"])
def filter_books():
    filters = request.get_json(force=True)
    author = filters.pop("author", "")
    year = int(filters.pop("year", "2000"))
    expr = "//book[author='" + author + "' and year >= " + str(year) + "]/title/text()"
    tree = etree.parse(catalog.CATALOG_PATH)
    return jsonify(tree.xpath(expr))  # expect: PY806


@app.route("/books/recent")
def recent_books():
    expr = "//book[year >= 2020]/title/text()"
    if LEGACY_QUERIES:
        expr = request.args.get("xpath", expr)
    tree = etree.parse(catalog.CATALOG_PATH)
    return jsonify(tree.xpath(expr))  # ok: PY806


@app.route("/settings/<section>/<key>")
def setting(section, key):
    if section not in SETTINGS_SECTIONS:
        abort(404)
    # section is allow-listed, key goes into the path expression unchecked
    return jsonify(value=SettingsStore().get(section, key))


@app.route("/settings/<section>")
def settings_section(section):
    store = SettingsStore()
    try:
        return jsonify(keys=store.section_keys(section))
    except KeyError:
        abort(404)
