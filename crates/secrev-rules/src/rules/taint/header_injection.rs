//! PY814 `tainted-header`: untrusted data is written into an HTTP response header.

use crate::{Hooks, Rule, TaintSpec};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY814",
        name: "tainted-header",
        title: "Untrusted data reaches an HTTP response header",
        cwe: 113,
        category: Category::Injection,
        severity: Severity::Low,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Follows data from where it enters the program (request parameters, form \
                   fields, headers, the request path, command-line arguments, environment, \
                   sockets) through assignments, string building, containers and function calls, \
                   across files, to the name or value of a response header written without a \
                   check for line breaks, such as `send_header` of an `http.server` request \
                   handler. Header stores on Werkzeug (Flask) and Django responses are not sinks: \
                   current versions of both reject a value containing CR or LF, so the finding \
                   matters for `http.server`, older framework versions and other servers. It \
                   stays silent when every path removes line breaks (`.replace(\"\\n\", ...)`), \
                   percent-encodes the value with `urllib.parse.quote`, or checks it against an \
                   allow-list or a full regular-expression match.",
            why: "Headers are separated by CR LF. A value containing `\\r\\n` ends the header early \
                  and starts new ones the sender wrote, such as `Set-Cookie` to fix a victim's \
                  session, or, with a blank line, a second response body the browser or a \
                  shared cache takes as the page (response splitting, cache poisoning).",
            example: "lang = parse_qs(urlparse(self.path).query)[\"lang\"][0]\nself.send_header(\"Content-Language\", lang)",
            fix: "lang = parse_qs(urlparse(self.path).query)[\"lang\"][0]\nif lang not in SUPPORTED_LANGUAGES:\n    lang = \"en\"\nself.send_header(\"Content-Language\", lang)",
            references: &[
                "https://cwe.mitre.org/data/definitions/113.html",
                "https://docs.python.org/3/library/http.server.html#http.server.BaseHTTPRequestHandler.send_header",
            ],
        },
    },
    hooks: Hooks {
        taint: Some(&TaintSpec {
            kind: "header-injection",
            harm: "a CR LF in it can add headers of the sender's choosing or split the response",
            fix: "Reject or strip CR and LF from untrusted values before they go into a header, or check them against an allow-list or a strict pattern.",
        }),
        ..Hooks::NONE
    },
};
