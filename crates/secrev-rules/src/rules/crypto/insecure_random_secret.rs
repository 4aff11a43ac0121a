//! PY305 `insecure-random-secret`: the `random` module used to make a token, password or nonce.

use super::util::{assigned_to, calls};
use crate::helpers::call_name;
use crate::rules::secrets::names::{is_unguessable_name, words, SecretKind};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Function, Op, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY305",
        name: "insecure-random-secret",
        title: "Secret generated with the non-cryptographic `random` module",
        cwe: 338,
        category: Category::Crypto,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `random.random/randint/randrange/choice/choices/sample/getrandbits/\
                   uniform/randbytes/shuffle` (module functions, or methods of a `random.Random()` \
                   instance) whose result goes into something that must be unguessable: a \
                   variable, attribute or keyword argument named like a token, password, secret, \
                   key, nonce, salt, OTP, session id or reset/verification code, or anything \
                   computed in a function named for making one (`generate_token`, `make_password`, \
                   `new_session_id`, `create_reset_code`). `random` used for games, sampling, \
                   shuffling data or retry jitter is not reported. A bare `token` (a word in NLP \
                   code as often as a credential) counts only when the value is built as a string \
                   from a character set.",
            why: "`random` is a Mersenne Twister: its whole state can be recovered from 624 \
                  consecutive 32-bit outputs, after which every past and future value is known, \
                  and it is seeded from the clock on some platforms. Tokens, reset codes and \
                  session ids made with it can be predicted and forged.",
            example: "reset_code = \"\".join(random.choice(string.digits) for _ in range(6))",
            fix: "reset_code = \"\".join(secrets.choice(string.digits) for _ in range(6))  # or secrets.token_urlsafe(32)",
            references: &[
                "https://cwe.mitre.org/data/definitions/338.html",
                "https://docs.python.org/3/library/random.html",
                "https://docs.python.org/3/library/secrets.html",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

const RANDOM_FUNCTIONS: &[&str] = &[
    "random",
    "randint",
    "randrange",
    "choice",
    "choices",
    "sample",
    "getrandbits",
    "uniform",
    "randbytes",
    "shuffle",
];

/// The `random` function a call uses, when it is one of the predictable generators.
fn random_function(call: &Call) -> Option<&str> {
    let q = call.qualname();
    let rest = q
        .strip_prefix("random.Random().")
        .or_else(|| q.strip_prefix("random."))?;
    RANDOM_FUNCTIONS.contains(&rest).then_some(rest)
}

/// Verbs that make a function name a generator of what follows (`generate_token`).
const MAKING: &[&str] = &[
    "generate", "gen", "make", "create", "new", "random", "rand", "issue", "mint",
];

/// The secret a function is named for making, if its name is `<verb>_<secret>`.
fn makes_secret(function: &Function) -> bool {
    let ws = words(&function.name);
    let Some(first) = ws.first() else {
        return false;
    };
    if !MAKING.contains(&first.as_str()) || ws.len() < 2 {
        return false;
    }
    is_unguessable_name(&ws[1..].join("_")).is_some()
}

/// Whether the call is evidently building a secret string: it draws from a character set, or
/// asks for raw bits.
fn draws_characters(call: &Call, function_name: &str) -> bool {
    if matches!(function_name, "getrandbits" | "randbytes") {
        return true;
    }
    call.args.iter().any(|a| {
        a.resolved()
            .qualname()
            .or_else(|| a.qualname())
            .is_some_and(|q| q.starts_with("string."))
            || a.as_str().is_some_and(|s| s.chars().count() >= 10)
            || matches!(
                &a.resolved().kind,
                ValueKind::Build { .. } | ValueKind::Operation { op: "+", .. }
            )
    })
}

/// Whether the call sits inside a sleep or backoff call (retry jitter).
fn is_jitter(function: &Function, call: &Call) -> bool {
    calls(function).any(|outer| {
        outer.span != call.span
            && outer.span.contains(call.span)
            && call_name(outer).to_ascii_lowercase().contains("sleep")
    })
}

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    // Naming the function costs a word split: only pay for it when there is a random call.
    let making = std::cell::OnceCell::new();
    let mut reported_function = false;
    for call in calls(function) {
        let Some(used) = random_function(call) else {
            continue;
        };
        if is_jitter(function, call) {
            continue;
        }
        let name = call_name(call);
        // 1. The result is stored under a secret-looking name.
        let target = assigned_to(function, call.span).find_map(|t| {
            let kind = is_unguessable_name(&t.name)?;
            let evident = kind == SecretKind::Strong
                || draws_characters(call, used)
                || assigned_value_is_built(function, call);
            evident.then_some(t.path.clone())
        });
        // 2. ... or passed as a secret-looking keyword argument.
        let keyword = target.or_else(|| {
            calls(function).find_map(|outer| {
                outer
                    .keywords
                    .iter()
                    .find(|k| {
                        k.value.span.contains(call.span)
                            && is_unguessable_name(&k.name) == Some(SecretKind::Strong)
                    })
                    .map(|k| format!("{}=", k.name))
            })
        });
        if let Some(holder) = keyword {
            out.report(
                call.span,
                format!("`{}` makes `{holder}` with `{name}`, whose output can be predicted from earlier outputs, so the secret can be guessed.", ctx.code(call.span)),
                format!("Produce `{holder}` with the `secrets` module (`secrets.token_urlsafe(32)`, `secrets.choice(...)`, `secrets.randbelow(...)`) or `random.SystemRandom()` instead of `{name}`."),
            );
            continue;
        }
        // 3. Anything random in a function named for making a secret (reported once).
        if *making.get_or_init(|| makes_secret(function))
            && !reported_function
            && !matches!(used, "random" | "uniform")
        {
            reported_function = true;
            out.report(
                call.span,
                format!("`{}` uses the predictable `{name}` to make a secret, so its output can be guessed.", function.name),
                format!("Use the `secrets` module (`secrets.token_urlsafe`, `secrets.choice`, `secrets.randbelow`) in `{}` instead of `{name}`.", function.name),
            )
            .confidence(Confidence::Medium);
        }
    }
}

/// Whether the statement assigning the call's result builds a string (`"".join(...)`,
/// `f"..."`, `str(...)`), as token generation does.
fn assigned_value_is_built(function: &Function, call: &Call) -> bool {
    function.ops.iter().any(|op| match op {
        Op::Assign(assign) if assign.span.contains(call.span) => is_built_string(&assign.value),
        _ => false,
    })
}

fn is_built_string(value: &Value) -> bool {
    match &value.kind {
        ValueKind::Build { .. } => true,
        ValueKind::Call(call) => matches!(call.qualname(), "builtins.str" | "builtins.hex"),
        _ => false,
    }
}
