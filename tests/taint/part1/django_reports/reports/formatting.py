"""Small helpers that build SQL fragments and log-safe strings for reports."""


def sanitize_log(value):
    """Remove CR/LF so user input cannot start a new log record."""
    return str(value).replace("\r", "").replace("\n", "")


def amount_filter(min_amount):
    """SQL fragment selecting invoices above a minimum amount."""
    return "amount >= %d" % int(min_amount)


def name_prefix_filter(prefix):
    """SQL fragment selecting customers whose name starts with ``prefix``."""
    return "name LIKE '" + prefix + "%'"
