"""Output encoding and allow-lists used across the portal."""
import html

ALLOWED_PLANS = frozenset({"free", "team", "business"})
ALLOWED_AVATAR_HOSTS = frozenset({"avatars.example.com", "secure.gravatar.com"})
ALLOWED_RETURN_PATHS = frozenset({"/portal/", "/portal/projects", "/portal/billing"})


def strip_crlf(value):
    """Remove characters that would allow splitting an HTTP header."""
    return str(value).replace("\r", "").replace("\n", "")


def escape_html(value):
    return html.escape(str(value), quote=True)
