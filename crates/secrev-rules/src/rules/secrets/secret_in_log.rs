//! PY406 `secret-in-log`: a password, token or other secret passed to a logging call.

use super::names::{secret_kind, words, SecretKind};
use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Part, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY406",
        name: "secret-in-log",
        title: "Secret written to a log",
        cwe: 532,
        category: Category::InfoLeak,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds logging calls (`logging.info(...)` and the other level functions, and \
                   `debug`/`info`/`warning`/`error`/`exception`/`critical`/`log` on a logger such as \
                   `logger`, `log`, `LOG`, `self.logger`, `app.logger`) whose arguments carry a \
                   value named like a secret: a variable, attribute, subscript or `.get()` lookup \
                   called `password`, `token`, `api_key`, `secret`, `credentials`, `auth_header`, \
                   `authorization`..., passed directly, as a `%s`/`{}` argument, inside an f-string \
                   or `.format()` hole, or in the `extra` mapping. A secret name that only appears \
                   in the literal message text is not reported, nor are values that hide the secret \
                   (`len(token)`, `token[:4]`, `mask(token)`, `token is None`).",
            why: "Logs are kept for a long time, copied to aggregators and ticket systems, and read \
                  by far more people than the secret's owner. A password or bearer token in a log \
                  line lets anyone with log access log in as the user or the service.",
            example: "logger.info(\"login for %s with password %s\", username, password)",
            fix: "logger.info(\"login for %s\", username)",
            references: &[
                "https://cwe.mitre.org/data/definitions/532.html",
                "https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const LEVELS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
    "fatal",
    "log",
];

/// Whether the call is a logging call: a `logging` level function, or a level method on a
/// receiver named like a logger.
fn is_log_call(call: &Call) -> bool {
    let Some(method) = call.callee.method.as_deref() else {
        return false;
    };
    if !LEVELS.contains(&method) {
        return false;
    }
    let q = call.qualname();
    if q.starts_with("logging.") || q.starts_with("structlog.") || q.starts_with("loguru.") {
        return true;
    }
    let Some(receiver) = call.callee.receiver.as_deref() else {
        return false;
    };
    let name = match &receiver.kind {
        ValueKind::Ref { path, .. } => path.rsplit('.').next().unwrap_or(path),
        ValueKind::Call(inner) => inner.callee.method.as_deref().unwrap_or(&inner.callee.text),
        _ => return false,
    };
    words(name).iter().any(|w| {
        matches!(
            w.as_str(),
            "log" | "logger" | "logging" | "getlogger" | "logs"
        )
    }) || name.eq_ignore_ascii_case("getLogger")
}

/// Whether a name holds a secret that must not reach a log (the secret names, plus headers and
/// values that carry credentials).
fn log_secret(name: &str) -> Option<SecretKind> {
    if let Some(kind) = secret_kind(name) {
        return Some(kind);
    }
    let ws = words(name);
    let auth_header = ws.iter().any(|w| w == "authorization")
        || ws.windows(2).any(|p| p[0] == "auth" && p[1] == "header");
    auth_header.then_some(SecretKind::Strong)
}

/// Finds, in a logged value, a part that carries a secret; returns its name and kind.
fn secret_in(value: &Value) -> Option<(&Value, &str, SecretKind)> {
    match &value.kind {
        ValueKind::Ref { path, qualname, .. } => {
            // A module (`secrets`) or a constant is not a secret value.
            if qualname.as_deref() == Some(path.as_str()) || value.is_constant() {
                return None;
            }
            let name = path.rsplit('.').next()?;
            log_secret(name).map(|k| (value, name, k))
        }
        ValueKind::Operation { op: "[]", operands } => {
            let name = operands.get(1).and_then(|k| match &k.kind {
                ValueKind::Str(s) => Some(s.as_str()),
                _ => None,
            })?;
            log_secret(name).map(|k| (value, name, k))
        }
        ValueKind::Operation {
            op: "or" | "and" | "one of",
            operands,
        } => operands.iter().find_map(secret_in),
        ValueKind::Build { parts, .. } => parts.iter().find_map(|p| match p {
            Part::Hole(v) => secret_in(v),
            Part::Lit(_) => None,
        }),
        ValueKind::List(items) | ValueKind::Tuple(items) => items.iter().find_map(secret_in),
        ValueKind::Dict(entries) => entries.iter().find_map(|(k, v)| {
            let key = k.as_ref().and_then(|k| match &k.kind {
                ValueKind::Str(s) => Some(s.as_str()),
                _ => None,
            });
            match key.and_then(|k| log_secret(k).map(|kind| (k, kind))) {
                Some((k, kind)) if !v.is_constant() && passes_through(v) => Some((v, k, kind)),
                _ => secret_in(v),
            }
        }),
        ValueKind::Call(call) => {
            let method = call.callee.method.as_deref();
            match (call.qualname(), method) {
                ("builtins.str" | "builtins.repr" | "builtins.format", _) => {
                    call.args.first().and_then(secret_in)
                }
                (_, Some("get" | "getlist" | "pop")) => {
                    let name = call.args.first().and_then(|k| match &k.kind {
                        ValueKind::Str(s) => Some(s.as_str()),
                        _ => None,
                    })?;
                    log_secret(name).map(|k| (value, name, k))
                }
                (_, Some("decode" | "encode" | "strip" | "hex" | "lower" | "upper")) => {
                    call.callee.receiver.as_deref().and_then(secret_in)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether a value shows the text of what it is built from (not a length, a slice, a mask).
fn passes_through(value: &Value) -> bool {
    matches!(
        value.kind,
        ValueKind::Ref { .. } | ValueKind::Build { .. } | ValueKind::Operation { op: "[]", .. }
    )
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    if !is_log_call(call) {
        return;
    }
    // `log(level, msg, *args)`: the level is not logged text.
    let skip = usize::from(call.callee.method.as_deref() == Some("log"));
    let logged = call.args.iter().skip(skip).chain(
        call.keywords
            .iter()
            .filter(|k| k.name == "extra")
            .map(|k| &k.value),
    );
    for arg in logged {
        let Some((part, name, kind)) = secret_in(arg) else {
            continue;
        };
        let logger = call_name(call);
        let hit = out.report(
            call.span,
            format!(
                "`{logger}` writes `{}` to the log, which exposes the `{name}` secret to everyone who can read the logs.",
                ctx.code(part.span)
            ),
            format!(
                "Drop `{}` from the `{logger}` arguments, or log only a non-secret stand-in such as whether it is set or a short hash prefix.",
                ctx.code(part.span)
            ),
        );
        if kind == SecretKind::BareToken {
            hit.confidence(Confidence::Medium);
        }
        return;
    }
}
