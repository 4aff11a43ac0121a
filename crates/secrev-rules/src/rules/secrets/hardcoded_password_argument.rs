//! PY403 `hardcoded-password-argument`: a credential literal passed as a secret-named keyword argument.

use super::names::{grade, hardcoded_secret, redact, reportable};
use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Call;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY403",
        name: "hardcoded-password-argument",
        title: "Password or secret passed to a call as a literal",
        cwe: 259,
        category: Category::Crypto,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds calls that pass a non-empty string literal to a keyword argument named \
                   like a secret (`connect(password=\"hunter2\")`, `Client(api_key=\"sk_live_...\")`, \
                   `create_user(..., password=\"admin\")`). A literal reached through a name is \
                   reported here only when that name does not look secret itself (its assignment \
                   is reported by PY401 instead). Placeholders, templates and field names are not \
                   reported, and a bare `token=` argument only when the value looks like a token. Test files (under `tests/`, `test_*.py`, `*_test.py`, \
                   `conftest.py`) are skipped: their credentials are fixtures; so are \
                   documentation and examples (`docs/`, `examples/`): theirs are placeholders.",
            why: "The credential is fixed in the code: anyone who can read the repository, a \
                  package or an image can use it, and changing it needs a release.",
            example: "conn = psycopg2.connect(host=\"db\", user=\"app\", password=\"Winter2024!\")",
            fix: "conn = psycopg2.connect(host=\"db\", user=\"app\", password=os.environ[\"DB_PASSWORD\"])",
            references: &[
                "https://cwe.mitre.org/data/definitions/259.html",
                "https://cwe.mitre.org/data/definitions/798.html",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    for keyword in &call.keywords {
        let Some(strength) = hardcoded_secret(&keyword.name, &keyword.value, false) else {
            continue;
        };
        if !reportable(ctx, strength) {
            continue;
        }
        let name = call_name(call);
        let hit = out.report(
            keyword.span,
            format!(
                "`{name}` is called with the hard-coded credential `{}={}`.",
                keyword.name,
                redact(&keyword.value)
            ),
            format!(
                "Pass `{}` from configuration read at run time (for example `os.environ[\"{}\"]` or a secret manager) instead of the literal.",
                keyword.name,
                super::hardcoded_password_assign::env_name(&keyword.name)
            ),
        );
        grade(ctx, hit, strength);
    }
}
