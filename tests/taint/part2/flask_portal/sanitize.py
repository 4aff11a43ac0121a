"""Small output-encoding helpers shared by the portal views."""
import html
from urllib.parse import quote


def clean_header(value):
    """Strip CR/LF so a value can be placed in a response header."""
    return value.replace("\r", "").replace("\n", "")


def attachment_name(filename):
    """Build a Content-Disposition value from a user supplied file name."""
    return 'attachment; filename="%s"' % quote(filename, safe="")


def escape_text(value):
    """HTML-escape a value, including quotes, for use in markup."""
    return html.escape(value, quote=True)
