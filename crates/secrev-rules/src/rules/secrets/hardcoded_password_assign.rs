//! PY401 `hardcoded-password-assign`: a credential written as a string literal into a secret-named variable, attribute or key.

use super::names::{grade, hardcoded_secret, is_upper_constant, redact, reportable, words};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Assign, Call, FunctionKind, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY401",
        name: "hardcoded-password-assign",
        title: "Password or secret assigned from a string literal",
        cwe: 259,
        category: Category::Crypto,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds a non-empty string literal stored in a variable, attribute, subscript or \
                   dictionary entry whose name says it holds a secret (`password`, `db_pass`, \
                   `secret_key`, `api_key`, `client_secret`, `auth_token`, `credentials`...). Names \
                   that describe a secret instead of holding it (`password_field`, `token_url`, \
                   `PASSWORD_MIN_LENGTH`, `secret_name`, `*_env`, `*_file`, `*_header`...) are left \
                   alone, and so are values that are not credentials: placeholders and masks \
                   (`<token>`, `****`, `your-key-here`), templates (`{}`, `%s`, `${VAR}`), environment \
                   variable names, paths, URLs, messages, and constants naming a field \
                   (`PASSWORD = \"password\"`, `API_KEY_HEADER = \"X-Api-Key\"`). A bare `token` must \
                   hold a token-like value (long, not a word), since lexers and paginators have \
                   tokens too. Weak defaults such as `\"changeme\"` or `\"admin\"` are reported: they \
                   are the passwords attackers try first. Test files (under `tests/`, `test_*.py`, `*_test.py`, \
                   `conftest.py`) are skipped: their credentials are fixtures; so are \
                   documentation and examples (`docs/`, `examples/`): theirs are placeholders.",
            why: "A credential in source code is readable by everyone with the repository, its \
                  history, its packages and its container images, and cannot be rotated without a \
                  release. Attackers scan public and leaked code for exactly these literals.",
            example: "DATABASES = {\"default\": {\"USER\": \"app\", \"PASSWORD\": \"s3cr3t-pw\"}}\napp.secret_key = \"dev-key-123\"",
            fix: "DATABASES = {\"default\": {\"USER\": \"app\", \"PASSWORD\": os.environ[\"DB_PASSWORD\"]}}\napp.secret_key = os.environ[\"FLASK_SECRET_KEY\"]",
            references: &[
                "https://cwe.mitre.org/data/definitions/259.html",
                "https://cwe.mitre.org/data/definitions/798.html",
                "https://owasp.org/www-project-top-ten/2017/A3_2017-Sensitive_Data_Exposure",
            ],
        },
    },
    hooks: Hooks {
        assign: Some(check_assign),
        call: Some(check_call),
        ..Hooks::NONE
    },
};

fn check_assign(ctx: &Context, assign: &Assign, out: &mut Reporter) {
    if assign.augmented {
        return;
    }
    for target in &assign.targets {
        if target.name.is_empty() {
            continue;
        }
        // `ACCESS_TOKEN = "access"` in a class body is an enum member, not a credential.
        if ctx.function.kind == FunctionKind::ClassBody
            && is_upper_constant(&target.name)
            && assign.value.as_str().is_some_and(|v| {
                let value = words(v);
                !value.is_empty() && value.iter().all(|w| words(&target.name).contains(w))
            })
        {
            continue;
        }
        let Some(strength) = hardcoded_secret(&target.name, &assign.value, true) else {
            continue;
        };
        if !reportable(ctx, strength) {
            continue;
        }
        let hit = out.report(
            assign.span,
            format!(
                "`{}` is assigned the hard-coded credential {}.",
                target.path,
                redact(&assign.value)
            ),
            format!(
                "Load `{}` at run time from the environment or a secret store (for example `os.environ[\"{}\"]`) and remove the literal from the code and its history.",
                target.path,
                env_name(&target.name)
            ),
        );
        grade(ctx, hit, strength);
    }
    scan_dicts(ctx, &assign.value, out);
}

fn check_call(ctx: &Context, call: &Call, out: &mut Reporter) {
    for arg in call
        .args
        .iter()
        .chain(call.keywords.iter().map(|k| &k.value))
    {
        scan_dicts(ctx, arg, out);
    }
}

/// Reports secret-named entries of dictionary literals in `value`, without entering calls (each
/// call is checked on its own).
fn scan_dicts(ctx: &Context, value: &Value, out: &mut Reporter) {
    match &value.kind {
        ValueKind::Dict(entries) if is_name_mapping(entries) => {}
        ValueKind::Dict(entries) => {
            for (key, item) in entries {
                if let Some(name) = key.as_ref().and_then(|k| match &k.kind {
                    ValueKind::Str(s) => Some(s.as_str()),
                    _ => None,
                }) {
                    if let Some(strength) =
                        hardcoded_secret(name, item, true).filter(|s| reportable(ctx, *s))
                    {
                        let hit = out.report(
                            item.span,
                            format!(
                                "The dictionary entry `\"{name}\"` holds the hard-coded credential {}.",
                                redact(item)
                            ),
                            format!(
                                "Fill the `\"{name}\"` entry at run time from the environment or a secret store (for example `os.environ[\"{}\"]`) instead of the literal.",
                                env_name(name)
                            ),
                        );
                        grade(ctx, hit, strength);
                    }
                }
                scan_dicts(ctx, item, out);
            }
        }
        ValueKind::List(items) | ValueKind::Tuple(items) | ValueKind::Set(items) => {
            items.iter().for_each(|i| scan_dicts(ctx, i, out));
        }
        _ => {}
    }
}

/// Whether a dictionary maps names to names (`{"password": "pass", "email": "mail", "name":
/// "name"}`, an LDAP attribute map): every value is a constant identifier and at least one entry
/// maps a name to itself. Its `"password"` entry names a field; it holds no credential.
fn is_name_mapping(entries: &[(Option<Value>, Value)]) -> bool {
    let identifier = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    entries.len() >= 3
        && entries
            .iter()
            .all(|(_, v)| v.as_str().is_some_and(identifier))
        && entries.iter().any(|(k, v)| {
            k.as_ref()
                .and_then(Value::as_str)
                .is_some_and(|k| Some(k) == v.as_str())
        })
}

/// An environment variable name for a secret name (`db_password` → `DB_PASSWORD`).
pub(super) fn env_name(name: &str) -> String {
    super::names::words(name).join("_").to_uppercase()
}
