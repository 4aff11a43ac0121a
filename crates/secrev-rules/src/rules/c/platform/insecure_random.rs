//! C505 `predictable-random-secret`: `rand`, `random`, `qrand` and `drand48` producing tokens,
//! keys, passwords, salts or nonces.

use crate::rules::c::common::c_name;
use crate::rules::secrets::names::{is_unguessable_name, mentions_security};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Function, Op};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C505",
        name: "predictable-random-secret",
        title: "Predictable random numbers for a secret",
        cwe: 338,
        category: Category::Crypto,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds `rand`, `random`, `rand_r`, `drand48`/`lrand48`/`mrand48` and Qt's \
                   `qrand` used to make something that must be unguessable: the result is \
                   stored in a variable or array named like a token, key, password, salt, nonce \
                   or session id, or the function itself generates one (`generate_token`, \
                   `makeSessionKey`). Random numbers for jitter, sampling, games or test data \
                   are not reported.",
            why: "These generators are seeded with little entropy (often the time) and their \
                  state can be recovered from a few outputs, so an attacker can predict the \
                  tokens, reset codes or keys they produce.",
            example: "for (i = 0; i < 32; i++)\n    token[i] = charset[rand() % 62];",
            fix: "if (getrandom(token_bytes, sizeof token_bytes, 0) != sizeof token_bytes)\n    abort();\n// OpenSSL: RAND_bytes(); Qt: QRandomGenerator::system()->generate(...)",
            references: &[
                "https://cwe.mitre.org/data/definitions/338.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/MSC30-C.+Do+not+use+the+rand%28%29+function+for+generating+pseudorandom+numbers",
                "https://doc.qt.io/qt-6/qrandomgenerator.html#system",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

const WEAK: &[&str] = &[
    "rand", "random", "rand_r", "drand48", "erand48", "lrand48", "nrand48", "mrand48", "jrand48",
    "qrand",
];

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    let own_purpose =
        mentions_security(&function.name) || is_unguessable_name(&function.name).is_some();
    for op in &function.ops {
        let Op::Call(call) = op else {
            continue;
        };
        if !WEAK.contains(&c_name(call)) {
            continue;
        }
        let stored = stored_in(function, call);
        let reason = match (stored, own_purpose) {
            (Some(target), _) => format!("its result goes into `{target}`"),
            (None, true) => format!("it is used in `{}`", function.name),
            (None, false) => continue,
        };
        out.report(
            call.span,
            format!("`{}` is predictable, and {reason}, which must be unguessable.", ctx.code(call.span)),
            "Use the operating system's generator: `getrandom`/`getentropy`, `/dev/urandom`, OpenSSL `RAND_bytes`, or `QRandomGenerator::system()` in Qt.",
        );
    }
}

/// The secret-looking variable or array the call's result is stored in.
fn stored_in(function: &Function, call: &Call) -> Option<String> {
    function.ops.iter().find_map(|op| match op {
        Op::Assign(assign) if assign.value.span.contains(call.span) => assign
            .targets
            .iter()
            .find(|t| {
                let last = t.path.rsplit(['.', '[']).next().unwrap_or(&t.path);
                let base = t.path.split(['[', '.']).next().unwrap_or(&t.path);
                is_unguessable_name(last).is_some() || is_unguessable_name(base).is_some()
            })
            .map(|t| t.path.clone()),
        _ => None,
    })
}
