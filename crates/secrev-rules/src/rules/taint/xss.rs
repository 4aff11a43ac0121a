//! PY807 `tainted-html`: untrusted data is written into an HTML response without escaping.

use crate::{Hooks, Rule, TaintSpec};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY807",
        name: "tainted-html",
        title: "Untrusted data reaches an HTML response unescaped",
        cwe: 79,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Follows data from where it enters the program (request parameters, form \
                   fields, headers, route arguments, command-line arguments, environment, \
                   sockets) through assignments, string building, containers and function calls, \
                   across files, to an HTML response body: the string a Flask or Bottle route \
                   returns, `make_response`, Flask/Werkzeug `Response`, Django `HttpResponse` and \
                   its error subclasses, FastAPI/Starlette `HTMLResponse`, aiohttp responses with \
                   an HTML content type, and the wrappers that declare text already safe \
                   (`mark_safe`, `SafeString`, `Markup`, the format string of `format_html`). \
                   Responses with a non-HTML content type are not sinks. It stays silent when \
                   every path passes the value through `html.escape`, `markupsafe.escape`, \
                   Django's `escape`, `bleach.clean` or a similar escaper, or renders it through a \
                   template file with autoescaping (`render_template`, `render`, \
                   `render_to_string`), or serialises it as JSON.",
            why: "The browser cannot tell the page's markup from markup that arrived in the data. \
                  A `<script>` element or an event-handler attribute in a parameter runs in the \
                  victim's session on the site's origin: it can read the page, act as the user \
                  and steal tokens that are not HTTP-only.",
            example: "@app.route(\"/hello\")\ndef hello():\n    name = request.args.get(\"name\", \"\")\n    return \"<h1>Hello \" + name + \"</h1>\"",
            fix: "from markupsafe import escape\n\n@app.route(\"/hello\")\ndef hello():\n    name = request.args.get(\"name\", \"\")\n    return \"<h1>Hello \" + escape(name) + \"</h1>\"  # or render_template(\"hello.html\", name=name)",
            references: &[
                "https://cwe.mitre.org/data/definitions/79.html",
                "https://flask.palletsprojects.com/en/stable/security/#cross-site-scripting-xss",
            ],
        },
    },
    hooks: Hooks {
        taint: Some(&TaintSpec {
            kind: "xss",
            harm: "markup in it runs as script in the browser of whoever views the page",
            fix: "Escape untrusted values with `markupsafe.escape` or `html.escape` before they enter HTML, or render them through a template with autoescaping; never wrap them in `Markup` or `mark_safe`.",
        }),
        ..Hooks::NONE
    },
};
