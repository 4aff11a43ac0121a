//! PY404 `hardcoded-password-compare`: a secret-named value compared with a credential literal.

use super::names::{grade, hardcoded_secret, redact, reportable, value_name};
use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY404",
        name: "hardcoded-password-compare",
        title: "Password or token checked against a literal",
        cwe: 798,
        category: Category::ImproperAccess,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds comparisons (`==`, `!=`, `in` a literal list, `hmac.compare_digest`) \
                   between a value named like a secret (`password`, `request.form[\"password\"]`, \
                   `data.get(\"api_key\")`, `self.token`) and a non-empty string literal that looks \
                   like a credential. Comparisons with empty strings, placeholders, masks and \
                   words that merely repeat the name are not reported. Test files (under `tests/`, `test_*.py`, `*_test.py`, \
                   `conftest.py`) are skipped: their credentials are fixtures; so are \
                   documentation and examples (`docs/`, `examples/`): theirs are placeholders.",
            why: "Authentication that compares input with a literal is a built-in backdoor: the \
                  credential is the same everywhere the code runs, anyone who reads the code or \
                  the package can log in, and it cannot be changed or revoked without a release.",
            example: "if request.form[\"password\"] == \"letmein\":\n    session[\"admin\"] = True",
            fix: "if check_password_hash(user.password_hash, request.form[\"password\"]):\n    session[\"admin\"] = True",
            references: &[
                "https://cwe.mitre.org/data/definitions/798.html",
                "https://cwe.mitre.org/data/definitions/259.html",
            ],
        },
    },
    hooks: Hooks {
        compare: Some(check_compare),
        call: Some(check_call),
        ..Hooks::NONE
    },
};

fn check_compare(ctx: &Context, value: &Value, out: &mut Reporter) {
    let ValueKind::Operation { op, operands } = &value.kind else {
        return;
    };
    let [left, right] = operands.as_slice() else {
        return;
    };
    match *op {
        "==" | "!=" => {
            for (named, literal) in [(left, right), (right, left)] {
                if report(ctx, value, named, literal, out) {
                    return;
                }
            }
        }
        "in" => {
            if let ValueKind::List(items) | ValueKind::Tuple(items) | ValueKind::Set(items) =
                &right.kind
            {
                for item in items {
                    if report(ctx, value, left, item, out) {
                        return;
                    }
                }
            }
        }
        _ => {}
    }
}

fn check_call(ctx: &Context, call: &Call, out: &mut Reporter) {
    if !call.is_any(&["hmac.compare_digest", "secrets.compare_digest"]) {
        return;
    }
    if let [a, b] = call.args.as_slice() {
        let name = call_name(call);
        for (named, literal) in [(a, b), (b, a)] {
            let Some(secret) = value_name(named) else {
                continue;
            };
            if let Some(strength) =
                hardcoded_secret(secret, literal, true).filter(|s| reportable(ctx, *s))
            {
                let hit = out.report(
                    call.span,
                    format!(
                        "`{name}` checks `{}` against the hard-coded credential {}.",
                        ctx.code(named.span),
                        redact(literal)
                    ),
                    format!(
                        "Compare `{}` with a value loaded at run time (a stored hash checked with a password hasher, or a secret from the environment) instead of the literal.",
                        ctx.code(named.span)
                    ),
                );
                grade(ctx, hit, strength);
                return;
            }
        }
    }
}

fn report(
    ctx: &Context,
    compare: &Value,
    named: &Value,
    literal: &Value,
    out: &mut Reporter,
) -> bool {
    let Some(secret) = value_name(named) else {
        return false;
    };
    let Some(strength) = hardcoded_secret(secret, literal, true) else {
        return false;
    };
    if !reportable(ctx, strength) {
        return false;
    }
    let hit = out.report(
        compare.span,
        format!(
            "`{}` is checked against the hard-coded credential {}, which works as a built-in password.",
            ctx.code(named.span),
            redact(literal)
        ),
        format!(
            "Check `{}` against a credential stored outside the code (a salted hash verified with `hmac.compare_digest` or a password hasher, or a secret from the environment).",
            ctx.code(named.span)
        ),
    );
    grade(ctx, hit, strength);
    true
}
