//! PY402 `hardcoded-password-default`: a secret-named parameter whose default is a credential literal.

use super::names::{grade, hardcoded_secret, redact, reportable};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Function;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY402",
        name: "hardcoded-password-default",
        title: "Password or secret parameter with a literal default",
        cwe: 259,
        category: Category::Crypto,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds function and method parameters whose name says they hold a secret \
                   (`password`, `api_key`, `token`, `secret`...) and whose default value is a \
                   non-empty string literal that looks like a credential. Empty strings, `None`, \
                   placeholders, templates and names of fields are not reported; a bare `token` \
                   parameter is reported only when its default looks like a real token. Test files (under `tests/`, `test_*.py`, `*_test.py`, \
                   `conftest.py`) are skipped: their credentials are fixtures; so are \
                   documentation and examples (`docs/`, `examples/`): theirs are placeholders.",
            why: "Every caller that leaves the argument out silently authenticates with the \
                  built-in credential, which ships with the code, cannot be rotated and is usually \
                  the same in every installation.",
            example: "def connect(host, user=\"admin\", password=\"admin123\"):\n    return pymysql.connect(host=host, user=user, password=password)",
            fix: "def connect(host, user=\"admin\", password=None):\n    password = password or os.environ[\"DB_PASSWORD\"]\n    return pymysql.connect(host=host, user=user, password=password)",
            references: &[
                "https://cwe.mitre.org/data/definitions/259.html",
                "https://cwe.mitre.org/data/definitions/1393.html",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    for param in &function.params {
        let Some(default) = &param.default else {
            continue;
        };
        let Some(strength) = hardcoded_secret(&param.name, default, true) else {
            continue;
        };
        if !reportable(ctx, strength) {
            continue;
        }
        let hit = out.report(
            param.span,
            format!(
                "Parameter `{}` of `{}` defaults to the hard-coded credential {}.",
                param.name,
                function.name,
                redact(default)
            ),
            format!(
                "Default `{}` to `None` and, when no value is passed, read it from the environment or a secret store (for example `os.environ[\"{}\"]`).",
                param.name,
                super::hardcoded_password_assign::env_name(&param.name)
            ),
        );
        grade(ctx, hit, strength);
    }
}
