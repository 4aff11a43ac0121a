"""Mako based rendering helpers for the guestbook."""
from html import escape

from mako.template import Template

ENTRY_TEMPLATE = Template("<li><b>${author | h}</b>: ${message | h}</li>")  # ok: PY808


def render_entry(author, message):
    return ENTRY_TEMPLATE.render(author=author, message=message)


def greeting_page(name):
    # html.escape() does not neutralise ${...} expressions
    page = "<h1>Hello " + escape(name) + "!</h1>"
    return Template(page).render()  # expect: PY808
