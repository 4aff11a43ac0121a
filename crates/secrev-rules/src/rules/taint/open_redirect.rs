//! PY809 `open-redirect`: untrusted data chooses where a redirect sends the browser.

use crate::{Hooks, Rule, TaintSpec};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY809",
        name: "open-redirect",
        title: "Untrusted data chooses the target of a redirect",
        cwe: 601,
        category: Category::InputValidation,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Follows data from where it enters the program (request parameters, form \
                   fields, headers, route arguments, command-line arguments, environment, \
                   sockets) through assignments, string building, containers and function calls, \
                   across files, to the location of a redirect: Flask/Werkzeug and Bottle \
                   `redirect`, Django `redirect`, `HttpResponseRedirect` and \
                   `HttpResponsePermanentRedirect`, FastAPI/Starlette `RedirectResponse`, \
                   aiohttp's redirect exceptions and Tornado's `RequestHandler.redirect`. It \
                   stays silent when the value is checked with Django's \
                   `url_has_allowed_host_and_scheme` (or the older `is_safe_url`), compared with \
                   a constant or looked up in a constant allow-list, built by `url_for`, or \
                   appended to a literal that fixes the target: a local path such as `/profile/` \
                   or a scheme and host such as `https://example.com/`.",
            why: "A link on the trusted domain that forwards to any address lends the site's \
                  reputation to phishing pages: `https://example.com/login?next=https://evil.test` \
                  looks genuine, and after logging in the victim lands on a copy that asks for \
                  the password again. In OAuth-style flows the forward can also leak tokens \
                  carried in the URL.",
            example: "target = request.args.get(\"next\", \"/\")\nreturn redirect(target)",
            fix: "from django.utils.http import url_has_allowed_host_and_scheme\n\ntarget = request.GET.get(\"next\", \"/\")\nif not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):\n    target = \"/\"\nreturn redirect(target)",
            references: &[
                "https://cwe.mitre.org/data/definitions/601.html",
                "https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html",
            ],
        },
    },
    hooks: Hooks {
        taint: Some(&TaintSpec {
            kind: "open-redirect",
            harm: "the sender can send users from this site to any other site",
            fix: "Redirect only to local paths or to hosts on an allow-list: check the target with `url_has_allowed_host_and_scheme`, or map a key from the request to a fixed URL.",
        }),
        ..Hooks::NONE
    },
};
