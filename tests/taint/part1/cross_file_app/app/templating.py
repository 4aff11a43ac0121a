"""Jinja helpers for banners and e-mail snippets."""
from jinja2 import Environment, PackageLoader, Template, select_autoescape

env = Environment(loader=PackageLoader("app"), autoescape=select_autoescape())


def render_banner(message):
    return env.from_string('<div class="banner">' + message + "</div>").render()  # expect: PY808


def render_greeting(name):
    return env.from_string("<p>Hello {{ name }}!</p>").render(name=name)  # ok: PY808


def render_snippet(source, **context):
    """Render an e-mail snippet; used for built-in and customer supplied snippets."""
    return Template(source).render(**context)  # expect: PY808


def render_receipt(order_id, total):
    return Template("Order {{ order_id }}: {{ '%.2f' % total }} EUR").render(order_id=order_id, total=total)  # ok: PY808
