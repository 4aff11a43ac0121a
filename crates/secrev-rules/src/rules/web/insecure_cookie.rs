//! PY606 `insecure-cookie`: a cookie set without the `Secure` or `HttpOnly` attribute.

use super::common::{flask_app, imports_any, is_dev_settings_file};
use crate::helpers::{is_falsy, quote};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Assign, Call, FunctionKind, Value};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY606",
        name: "insecure-cookie",
        title: "Cookie without `Secure` / `HttpOnly`",
        cwe: 614,
        category: Category::InsecureConfig,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds `set_cookie(...)` / `set_signed_cookie(...)` calls, in a module that \
                   imports a web framework (Flask, Django, Werkzeug, Starlette, FastAPI, Bottle, \
                   aiohttp, Tornado, Quart), that do not pass `secure=True`, `httponly=True`, or \
                   both; one finding per call names what is missing. A non-constant value counts \
                   as set, `**options` hides the flags and is skipped, and a cookie being expired \
                   (`max_age=0`) is not reported. Also finds `SESSION_COOKIE_SECURE = False`, \
                   `CSRF_COOKIE_SECURE = False` and `SESSION_COOKIE_HTTPONLY = False` in settings \
                   modules and in a Flask `app.config[...]`. Whether a given cookie is sensitive \
                   cannot be told from the code, hence medium confidence.",
            why: "A cookie without `Secure` is also sent over plain HTTP, where anyone on the \
                  network path reads it (session hijacking); one without `HttpOnly` can be read \
                  by any script in the page, so a single XSS bug leaks it.",
            example: "resp.set_cookie(\"session_id\", token)",
            fix: "resp.set_cookie(\"session_id\", token, secure=True, httponly=True, samesite=\"Lax\")",
            references: &[
                "https://cwe.mitre.org/data/definitions/614.html",
                "https://cwe.mitre.org/data/definitions/1004.html",
                "https://flask.palletsprojects.com/en/stable/security/#set-cookie-options",
                "https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-secure",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check_call),
        assign: Some(check_assign),
        ..Hooks::NONE
    },
};

const FRAMEWORKS: &[&str] = &[
    "flask",
    "django",
    "werkzeug",
    "starlette",
    "fastapi",
    "bottle",
    "aiohttp",
    "tornado",
    "quart",
];

const COOKIE_SETTINGS: &[(&str, &str)] = &[
    (
        "SESSION_COOKIE_SECURE",
        "the session cookie is also sent over plain HTTP",
    ),
    (
        "CSRF_COOKIE_SECURE",
        "the CSRF cookie is also sent over plain HTTP",
    ),
    (
        "SESSION_COOKIE_HTTPONLY",
        "scripts in the page can read the session cookie",
    ),
];

/// Whether a cookie flag argument is missing or a constant false.
fn flag_off(value: Option<&Value>) -> bool {
    value.is_none() || is_falsy(value)
}

fn check_call(ctx: &Context, call: &Call, out: &mut Reporter) {
    let Some(method) = call.callee.method.as_deref() else {
        return;
    };
    if !matches!(method, "set_cookie" | "set_signed_cookie") || call.star_kwargs {
        return;
    }
    // Expiring a cookie by hand (`max_age=0`) sends no value worth protecting.
    if call.arg(2, "max_age").and_then(Value::as_int) == Some(0) {
        return;
    }
    if !imports_any(ctx, FRAMEWORKS) {
        return;
    }
    let no_secure = flag_off(call.arg(6, "secure"));
    let no_httponly = flag_off(call.arg(7, "httponly"));
    let missing = match (no_secure, no_httponly) {
        (true, true) => "`secure=True` and `httponly=True`",
        (true, false) => "`secure=True`",
        (false, true) => "`httponly=True`",
        (false, false) => return,
    };
    let cookie = call
        .arg(0, "key")
        .or_else(|| call.keyword("name"))
        .map_or_else(
            || "the cookie".to_owned(),
            |v| format!("cookie {}", quote(ctx, v)),
        );
    let consequence = match (no_secure, no_httponly) {
        (true, true) => "it is sent over plain HTTP and readable by scripts in the page",
        (true, false) => "it is also sent over plain HTTP, where the network can read it",
        _ => "any script in the page (an XSS payload included) can read it",
    };
    out.report(
        call.span,
        format!("`{}` sets {cookie} without {missing}, so {consequence}.", ctx.code(call.callee.span)),
        format!("Add {missing} to this `{method}` call (and `samesite=\"Lax\"` if the cookie authenticates requests)."),
    );
}

fn check_assign(ctx: &Context, assign: &Assign, out: &mut Reporter) {
    if assign.augmented || !is_falsy(Some(&assign.value)) {
        return;
    }
    for target in &assign.targets {
        let Some((name, consequence)) = COOKIE_SETTINGS
            .iter()
            .find(|(name, _)| *name == target.name)
        else {
            continue;
        };
        let applies = if target.path == *name {
            // A module-level setting (Django settings, a Flask `from_pyfile` config).
            ctx.function.kind == FunctionKind::Module && !is_dev_settings_file(ctx)
        } else if let Some(at) = target.path.find(".config[") {
            let owner = target
                .owner
                .as_deref()
                .map(|o| o.strip_suffix(".config").unwrap_or(o));
            flask_app(ctx, &target.path[..at], owner).is_some()
        } else {
            false
        };
        if !applies {
            continue;
        }
        let flag = if name.ends_with("HTTPONLY") {
            "`True`"
        } else {
            "`True` (and serve the site over HTTPS)"
        };
        out.report(
            assign.span,
            format!(
                "`{} = {}` turns the cookie protection off: {consequence}.",
                target.path,
                ctx.code(assign.value.span)
            ),
            format!("Set `{}` to {flag}.", target.path),
        )
        .confidence(Confidence::High);
    }
}
