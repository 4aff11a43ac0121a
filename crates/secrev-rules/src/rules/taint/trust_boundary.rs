//! PY810 `tainted-session`: request data is stored in the server-side session unchecked.

use crate::{Hooks, Rule, TaintSpec};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY810",
        name: "tainted-session",
        title: "Untrusted data is stored in the session without validation",
        cwe: 501,
        category: Category::InputValidation,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Follows data from where it enters the program (request parameters, form \
                   fields, headers, route arguments, command-line arguments, environment, \
                   sockets) through assignments, string building, containers and function calls, \
                   across files, to a store into the session: `flask.session[...] = ...`, and \
                   `request.session[...]` in Django and Starlette/FastAPI (also \
                   `self.request.session` in class-based views). It stays silent when every path \
                   converts the value to a number, compares it with a constant, checks it against \
                   an allow-list or a full regular-expression match, or tests it with a \
                   character-class method such as `isalnum`.",
            why: "Code that reads the session treats its contents as facts the server \
                  established itself, such as a user id, a role or a completed verification \
                  step. Copying a request value there unchecked lets the sender set those facts, \
                  and every later request trusts them: a `role` or `user_id` parameter stored \
                  this way becomes a privilege escalation.",
            example: "session[\"role\"] = request.form[\"role\"]",
            fix: "role = request.form[\"role\"]\nif role not in ALLOWED_ROLES.get(current_user.level, ()):\n    abort(403)\nsession[\"role\"] = role  # or store current_user.role, looked up on the server",
            references: &[
                "https://cwe.mitre.org/data/definitions/501.html",
                "https://docs.djangoproject.com/en/stable/topics/http/sessions/",
            ],
        },
    },
    hooks: Hooks {
        taint: Some(&TaintSpec {
            kind: "trust-boundary",
            harm: "later requests trust a value the sender chose as if the server had set it",
            fix: "Validate the value (allow-list, type conversion, authorisation check) before storing it in the session, or store only what the server derived itself.",
        }),
        ..Hooks::NONE
    },
};
