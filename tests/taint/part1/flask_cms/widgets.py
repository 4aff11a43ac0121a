"""Sidebar widgets: built-in ones and merchant supplied ones."""
import logging
import re

from jinja2 import Template

log = logging.getLogger("cms.widgets")

WIDGET_SOURCES = {
    "clock": "<time>{{ now }}</time>",
    "weather": "<div class='weather'>{{ city }}: {{ temp }}&deg;C</div>",
    "counter": "<span>{{ visits }} visits</span>",
}
VISIBILITY_RULE = r"(visits|hour|weekday) (==|!=|<|>) [0-9]{1,4}"
ALLOW_CUSTOM_CODE = False


def render_widget(name, **context):
    if name in WIDGET_SOURCES:
        return Template(WIDGET_SOURCES[name]).render(**context)  # ok: PY808
    log.warning("unknown widget requested")  # ok: PY815
    return ""


class CustomWidget:
    """A widget whose template and visibility rule are typed in by a merchant."""

    def __init__(self, source, condition="True"):
        self.source = source
        self.condition = condition

    def visible(self, context):
        return bool(eval(self.condition, {"__builtins__": {}}, context))  # expect: PY802

    def render(self, **context):
        return Template(self.source).render(**context)  # expect: PY808


def rule_matches(rule, context):
    """Evaluate a simple visibility rule such as ``hour > 17``."""
    if not re.fullmatch(VISIBILITY_RULE, rule):
        raise ValueError("unsupported rule")
    return eval(rule, {"__builtins__": {}}, context)  # ok: PY802


def run_widget_hook(code, context):
    if ALLOW_CUSTOM_CODE:
        exec(code, {"__builtins__": {}}, context)  # ok: PY802
    return context
