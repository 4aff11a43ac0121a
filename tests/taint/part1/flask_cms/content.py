"""Page drafts and layouts for the CMS."""
LAYOUTS = {
    "article": "<article><h1>{{ title }}</h1>{{ body | safe }}</article>",
    "landing": "<section class='hero'><h1>{{ title }}</h1></section>{{ body | safe }}",
    "plain": "{{ body }}",
}
DEFAULT_LAYOUT = "plain"


class PageDraft:
    """A page that has not been published yet."""

    def __init__(self, title, body, author):
        self.title = title
        self.body = body
        self.author = author
        self.layout = DEFAULT_LAYOUT

    def summary(self):
        return f"{self.title} by {self.author}"


def load_layout(name):
    """Return the layout source for ``name`` (unknown names fall back to plain)."""
    if name in LAYOUTS:
        return LAYOUTS[name]
    return LAYOUTS[DEFAULT_LAYOUT]


def clean_title(title):
    return title.replace("\n", " ").replace("\r", " ").strip()
