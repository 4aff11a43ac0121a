//! PY813 `ssrf`: untrusted data chooses the URL or host of an outgoing request.

use crate::{Hooks, Rule, TaintSpec};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY813",
        name: "ssrf",
        title: "Untrusted data chooses where the server sends a request",
        cwe: 918,
        category: Category::ImproperAccess,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Follows data from where it enters the program (request parameters, form \
                   fields, headers, route arguments, command-line arguments, environment, \
                   sockets) through assignments, string building, URL parsing, containers and \
                   function calls, across files, to the URL or host of an outgoing request: \
                   `requests` and `httpx` functions, sessions and clients, `urllib3`, \
                   `urllib.request.urlopen`, `Request` and `urlretrieve`, `http.client` \
                   connections, aiohttp `ClientSession` methods and Tornado's HTTP clients. It \
                   stays silent when the value is appended to a literal that fixes the scheme and \
                   host (`\"https://api.example.com/\" + path`), compared with a constant, or when \
                   it (or its parsed host, as in `urlparse(url).hostname in ALLOWED_HOSTS`) is \
                   checked against a constant allow-list.",
            why: "The request leaves from inside the network, with the server's address and \
                  credentials. A sender who picks the URL reaches admin interfaces and databases \
                  that are not exposed, cloud metadata endpoints such as \
                  `http://169.254.169.254/` that hand out access keys, and `file://` URLs with \
                  urllib; the response, or its timing, tells them what they found.",
            example: "url = request.args[\"url\"]\npreview = requests.get(url, timeout=5).text",
            fix: "url = request.args[\"url\"]\nif urlparse(url).hostname not in ALLOWED_HOSTS:\n    abort(400)\npreview = requests.get(url, timeout=5, allow_redirects=False).text",
            references: &[
                "https://cwe.mitre.org/data/definitions/918.html",
                "https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html",
            ],
        },
    },
    hooks: Hooks {
        taint: Some(&TaintSpec {
            kind: "ssrf",
            harm: "the sender can make the server send requests to internal hosts and services",
            fix: "Fix the scheme and host in the code and let the request choose only a path or parameter, or check the parsed host against an allow-list before sending (and do not follow redirects to other hosts).",
        }),
        ..Hooks::NONE
    },
};
