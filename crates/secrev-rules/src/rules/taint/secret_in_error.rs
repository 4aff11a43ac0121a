//! PY817 `secret-in-error-response`: a password, token or key flows into an error or response
//! sent to the API client.

use crate::{Hooks, Rule, TaintSpec};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY817",
        name: "secret-in-error-response",
        title: "A password, token or key flows into an error returned to the client",
        cwe: 209,
        category: Category::InfoLeak,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Follows secret data (the same sources as PY816: attributes, keys and \
                   parameters named like a password, token or key, database URLs, \
                   `getpass.getpass()`) to the text of an error that the service returns to its \
                   client: `webob.exc.HTTP*(explanation=...)`, `pecan.abort`, `flask.abort`, \
                   Werkzeug and FastAPI HTTP exceptions, `JsonResponse`, and the OpenStack \
                   exception classes (`nova.exception.*`, `neutron_lib.exceptions.*`) whose \
                   formatted message becomes the API fault. Masking, hashing, lengths and slices \
                   stop it.",
            why: "An error message is shown to whoever sent the request, copied into client \
                  logs and bug reports, and often cached by proxies. A service password, a \
                  database URL or another user's token in it hands the secret to someone who \
                  was never meant to see it, typically an unauthenticated or low-privilege \
                  caller provoking the error on purpose.",
            example: "msg = \"cannot reach %s\" % CONF.database.connection\nraise exc.HTTPServiceUnavailable(explanation=msg)",
            fix: "LOG.error(\"cannot reach the database: %s\", strutils.mask_password(CONF.database.connection))\nraise exc.HTTPServiceUnavailable(explanation=\"the database is unavailable\")",
            references: &[
                "https://cwe.mitre.org/data/definitions/209.html",
                "https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html",
            ],
        },
    },
    hooks: Hooks {
        taint: Some(&TaintSpec {
            kind: "secret-in-error-response",
            harm: "the client that provoked the error receives the secret",
            fix: "Build the client-facing message without `{secret}` (say what failed, not with which credentials); log details server-side, masked with `oslo_utils.strutils.mask_password`.",
        }),
        ..Hooks::NONE
    },
};
