//! C508 `hardcoded-credential`: passwords and keys written into C and C++ code.

use crate::rules::c::common::c_name;
use crate::rules::secrets::names::{credential_value, grade, hardcoded_secret, redact, reportable};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Assign, Call, Value};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C508",
        name: "hardcoded-credential",
        title: "Hard-coded password or key",
        cwe: 798,
        category: Category::ImproperAccess,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds credentials written in the code: a string literal given to a variable \
                   named like a password, secret, API key or token (`const char *db_password = \
                   \"...\"`, `QString apiKey = \"...\"`), and literals passed as the password of \
                   `QSqlDatabase::setPassword`, `QNetworkProxy::setPassword`, \
                   `QUrl::setPassword`, `QAuthenticator::setPassword`, `mysql_real_connect` and \
                   libcurl's `CURLOPT_PASSWORD`/`CURLOPT_USERPWD`/`CURLOPT_PROXYPASSWORD`. Empty \
                   strings, placeholders (a password that is just the word `secret` or \
                   `password`, as in documentation examples), masks and field labels are not \
                   reported, nor is test, documentation or example code (`doc/snippets`, \
                   `examples/`).",
            why: "A credential in the source is in every copy of the code and binary, cannot be \
                  rotated without a release, and is shared by every installation.",
            example: "db.setPassword(\"Sup3rS3cret!\");",
            fix: "db.setPassword(qEnvironmentVariable(\"APP_DB_PASSWORD\"));  // or a secret store / config file with tight permissions",
            references: &[
                "https://cwe.mitre.org/data/definitions/798.html",
                "https://doc.qt.io/qt-6/qsqldatabase.html#setPassword",
            ],
        },
    },
    hooks: Hooks {
        assign: Some(check_assign),
        call: Some(check_call),
        ..Hooks::NONE
    },
};

/// Whether a constant reads like a label or prompt rather than a value (`"Password:"`,
/// `"\nTracerPid:"`, `"token="`).
fn is_label(text: &str) -> bool {
    let trimmed = text.trim();
    trimmed.ends_with([':', '=']) || text.starts_with(['\n', ' '])
}

fn check_assign(ctx: &Context, assign: &Assign, out: &mut Reporter) {
    if assign.value.as_str().is_some_and(is_label) {
        return;
    }
    for target in &assign.targets {
        let Some(strength) = hardcoded_secret(&target.name, &assign.value, true) else {
            continue;
        };
        if !reportable(ctx, strength) {
            continue;
        }
        let hit = out.report(
            assign.value.span,
            format!("`{}` is set to the constant {}: a credential written into the code.", target.path, redact(&assign.value)),
            format!("Read `{}` from the environment, a configuration file with restricted permissions, or a secret store.", target.path),
        );
        grade(ctx, hit, strength);
    }
}

/// The password argument of a call that takes one, if any.
fn password_argument(call: &Call) -> Option<&Value> {
    if call.callee.method.as_deref() == Some("setPassword") {
        return call.args.first();
    }
    match c_name(call) {
        "mysql_real_connect" => call.args.get(3),
        "curl_easy_setopt" => {
            let option = call.args.get(1)?;
            let name = option.qualname().or_else(|| option.path())?;
            matches!(
                name,
                "CURLOPT_PASSWORD"
                    | "CURLOPT_USERPWD"
                    | "CURLOPT_PROXYPASSWORD"
                    | "CURLOPT_PROXYUSERPWD"
            )
            .then(|| call.args.get(2))
            .flatten()
        }
        _ => None,
    }
}

fn check_call(ctx: &Context, call: &Call, out: &mut Reporter) {
    let Some(password) = password_argument(call) else {
        return;
    };
    let Some(text) = password.as_str() else {
        return;
    };
    // `user:password` for CURLOPT_USERPWD: judge the password part.
    let secret = text.split_once(':').map_or(text, |(_, p)| p);
    if names_the_concept(secret) {
        return;
    }
    let Some(strength) = credential_value("", secret) else {
        return;
    };
    if !reportable(ctx, strength) {
        return;
    }
    let hit = out.report(
        password.span,
        format!("`{}` is given the constant password {}: a credential written into the code.", call.callee.text, redact(password)),
        "Read the password from the environment, a configuration file with restricted permissions, or a secret store.",
    );
    grade(ctx, hit, strength);
}

/// Whether a password is just the word for one (`"secret"`, `"password"`, `"login:secret"`):
/// the stand-in that examples and documentation use where the reader puts their own.
fn names_the_concept(secret: &str) -> bool {
    let word = secret.trim().trim_start_matches("my").to_ascii_lowercase();
    matches!(
        word.as_str(),
        "password" | "passwd" | "pass" | "pwd" | "secret" | "passphrase" | "pw"
    )
}
