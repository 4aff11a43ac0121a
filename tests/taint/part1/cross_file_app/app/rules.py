"""Pricing rules typed in by merchandisers."""
SAFE_FIELDS = {"total", "quantity", "discount"}


def evaluate_rule(expression, order):
    return eval(expression, {"__builtins__": {}}, dict(order))  # expect: PY802


def field_value(field, order):
    if field not in SAFE_FIELDS:
        raise ValueError(f"unknown field {field!r}")
    return eval(field, {"__builtins__": {}}, dict(order))  # ok: PY802


def discount_function(percent):
    pct = int(percent)
    return eval(f"lambda total: total * (100 - {pct}) / 100")  # ok: PY802
