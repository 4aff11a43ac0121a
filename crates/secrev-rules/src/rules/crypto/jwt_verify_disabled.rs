//! PY309 `jwt-verify-disabled`: a JWT decoded without checking its signature.

use super::util::{calls, is_false_literal};
use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Function, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY309",
        name: "jwt-verify-disabled",
        title: "JWT decoded without signature verification",
        cwe: 347,
        category: Category::Crypto,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds JSON Web Tokens decoded with their signature check turned off: PyJWT's \
                   `jwt.decode(..., verify=False)` (1.x), `options={\"verify_signature\": False}` \
                   and `algorithms=[\"none\"]`, and python-jose's `jose.jwt.decode(..., \
                   options={\"verify_signature\": False})`. When the same function also decodes \
                   the token with verification (reading the claims first to pick the key, then \
                   verifying), the unverified decode is reported at low severity and confidence.",
            why: "A token's claims (user id, roles, expiry) are only trustworthy once its \
                  signature is checked. Without that check anyone can write a token with any \
                  claims, for example `\"role\": \"admin\"`, and the application accepts it.",
            example: "claims = jwt.decode(token, options={\"verify_signature\": False})\nuser = User.get(claims[\"sub\"])",
            fix: "claims = jwt.decode(token, PUBLIC_KEY, algorithms=[\"RS256\"], audience=\"api\")\nuser = User.get(claims[\"sub\"])",
            references: &[
                "https://cwe.mitre.org/data/definitions/347.html",
                "https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

const DECODERS: &[&str] = &[
    "jwt.decode",
    "jwt.decode_complete",
    "jwt.api_jwt.decode",
    "jwt.PyJWT().decode",
    "jwt.PyJWT().decode_complete",
    "jose.jwt.decode",
];

/// How a decode call turns verification off, if it does.
fn unverified(ctx: &Context, call: &Call) -> Option<String> {
    if let Some(verify) = call.keyword("verify").filter(|v| is_false_literal(Some(v))) {
        return Some(format!("`verify={}`", ctx.code(verify.span)));
    }
    if let Some(options) = call.keyword("options") {
        if let ValueKind::Dict(entries) = &options.resolved().kind {
            for (key, value) in entries {
                if key.as_ref().and_then(Value::as_str) == Some("verify_signature")
                    && is_false_literal(Some(value))
                {
                    return Some("`\"verify_signature\": False`".to_owned());
                }
            }
        }
    }
    if let Some(algorithms) = call.keyword("algorithms") {
        if let ValueKind::List(items) | ValueKind::Tuple(items) = &algorithms.resolved().kind {
            if items
                .iter()
                .any(|i| i.as_str().is_some_and(|s| s.eq_ignore_ascii_case("none")))
            {
                return Some("the `\"none\"` algorithm".to_owned());
            }
        }
    }
    None
}

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    let decodes: Vec<&Call> = calls(function).filter(|c| c.is_any(DECODERS)).collect();
    for call in &decodes {
        let Some(how) = unverified(ctx, call) else {
            continue;
        };
        let name = call_name(call);
        let verified_later = decodes.iter().any(|other| {
            other.span != call.span && unverified(ctx, other).is_none() && !other.args.is_empty()
        });
        let hit = out.report(
            call.span,
            format!("`{name}` decodes the token with {how}, so its claims are accepted without checking who signed them."),
            format!("Call `{name}` with the issuer's key and an explicit `algorithms=[\"RS256\"]` (or the algorithm you issue) and keep signature verification on."),
        );
        if verified_later {
            hit.severity(Severity::Low).confidence(Confidence::Low);
        }
    }
}
