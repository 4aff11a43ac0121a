"""HTML fragments rendered without a template engine (legacy widgets)."""
from markupsafe import Markup

from .security import escape_html


def render_badge(name, level):
    return f"<span class='badge badge-{level}'>{name}</span>"


def render_badge_safe(name, level):
    return f"<span class='badge badge-{escape_html(level)}'>{escape_html(name)}</span>"


def highlight(term):
    return Markup("<mark>%s</mark>" % term)  # expect: PY807


def highlight_safe(term):
    return Markup("<mark>%s</mark>" % escape_html(term))  # ok: PY807


def render_profile(profile):
    parts = ["<section class='profile'>", "<h2>" + profile.display_name + "</h2>"]
    if profile.bio:
        parts.append("<p>" + escape_html(profile.bio) + "</p>")
    parts.append("</section>")
    return "\n".join(parts)
