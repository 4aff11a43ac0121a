//! PY301 `weak-hash`: MD5, SHA-1 and older digests created for use.

use super::util::{assigned_to, calls, under};
use crate::helpers::{call_name, is_falsy};
use crate::rules::secrets::names::{is_secret_name, mentions_security};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Function, Part, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY301",
        name: "weak-hash",
        title: "Broken hash function (MD5, SHA-1, MD4)",
        cwe: 328,
        category: Category::Crypto,
        severity: Severity::Medium,
        confidence: Confidence::Low,
        docs: RuleDocs {
            what: "Finds digests created with a broken algorithm: `hashlib.md5`/`sha1`, \
                   `hashlib.new(\"md5\" | \"sha1\" | \"md4\" | ...)`, pycryptodome's \
                   `Crypto.Hash.MD5/SHA1/MD4/MD2.new` (also under `Cryptodome`), and the \
                   `cryptography` `hashes.MD5()`/`hashes.SHA1()` objects. Calls that pass \
                   `usedforsecurity=False` are not reported, nor is `hashes.SHA1()` given to HMAC, \
                   OAEP/MGF1 or HOTP/TOTP, where SHA-1's collision weakness does not apply. MD5 is \
                   often used for non-security checksums (cache keys, ETags, file de-duplication), \
                   so a finding is medium severity and low confidence unless the code shows a \
                   security use: the hashed value, the variable receiving the digest, or the \
                   enclosing function is named after a password, token, secret, key, signature, \
                   nonce, salt or authentication. Those findings are high severity and high \
                   confidence.",
            why: "MD5 and SHA-1 collisions can be computed cheaply, so a digest no longer proves \
                  integrity or identity: two different documents, certificates or tokens can share \
                  one. Both are also very fast, which makes unsalted password digests crackable at \
                  billions of guesses per second.",
            example: "def store_password(user, password):\n    user.pw_hash = hashlib.md5(password.encode()).hexdigest()",
            fix: "def store_password(user, password):\n    user.pw_hash = argon2.PasswordHasher().hash(password)  # or hashlib.scrypt / pbkdf2_hmac with a salt",
            references: &[
                "https://cwe.mitre.org/data/definitions/328.html",
                "https://docs.python.org/3/library/hashlib.html#hashlib.new",
                "https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

const WEAK_NAMES: &[&str] = &["md5", "sha1", "sha", "md4", "md2", "sha-1", "md5-sha1"];

/// The broken algorithm a call creates a digest with, if any.
fn weak_algorithm(call: &Call) -> Option<String> {
    let q = call.qualname();
    match q {
        "hashlib.md5" => return Some("MD5".into()),
        "hashlib.sha1" => return Some("SHA-1".into()),
        "hashlib.new" => {
            let name = call.arg(0, "name")?.as_str()?.to_ascii_lowercase();
            return WEAK_NAMES
                .contains(&name.as_str())
                .then(|| name.to_uppercase());
        }
        _ => {}
    }
    if let Some(rest) = under(q, &["Crypto.Hash", "Cryptodome.Hash"]) {
        let algorithm = match rest {
            "MD5.new" => "MD5",
            "SHA1.new" | "SHA.new" => "SHA-1",
            "MD4.new" => "MD4",
            "MD2.new" => "MD2",
            _ => return None,
        };
        return Some(algorithm.into());
    }
    match under(q, &["cryptography.hazmat.primitives.hashes"])? {
        "MD5" => Some("MD5".into()),
        "SHA1" => Some("SHA-1".into()),
        _ => None,
    }
}

/// Calls that use SHA-1 as a building block where collisions do not matter.
const COLLISION_SAFE_USERS: &[&str] =
    &["HMAC", "OAEP", "MGF1", "HOTP", "TOTP", "PBKDF2HMAC", "HKDF"];

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    for call in calls(function) {
        let Some(algorithm) = weak_algorithm(call) else {
            continue;
        };
        if is_falsy(call.keyword("usedforsecurity")) || only_inspected(ctx, call) {
            continue;
        }
        if algorithm == "SHA-1" && used_by_collision_safe(function, call) {
            continue;
        }
        let name = call_name(call);
        let hashed = call.arg(0, "data").or_else(|| call.keyword("string"));
        let reason = hashed
            .and_then(|h| {
                secret_mention(h, is_secret_name).or_else(|| secret_mention(h, mentions_security))
            })
            .map(|n| format!("it hashes `{n}`"))
            .or_else(|| {
                assigned_to(function, call.span)
                    .find(|t| mentions_security(&t.name))
                    .map(|t| format!("the digest is stored in `{}`", t.path))
            })
            .or_else(|| updated_with_secret(function, call).map(|n| format!("it is fed `{n}`")))
            .or_else(|| {
                mentions_security(&function.name)
                    .then(|| format!("it is used in `{}`", function.name))
            });
        match reason {
            Some(reason) => {
                out.report(
                    call.span,
                    format!("`{name}` computes a broken {algorithm} digest, and {reason}, so the digest protects a secret or an authentication decision."),
                    format!("Replace `{name}` with a password hasher (argon2, bcrypt, `hashlib.scrypt`, `hashlib.pbkdf2_hmac` with a salt) for passwords, or `hashlib.sha256` / `hmac` with SHA-256 for tokens and signatures."),
                )
                .severity(Severity::High)
                .confidence(Confidence::High);
            }
            None => {
                out.report(
                    call.span,
                    format!("`{name}` computes a broken {algorithm} digest; if it is used for integrity, signatures or secrets, collisions can be forged."),
                    format!("Use `hashlib.sha256` instead of `{name}`, or pass `usedforsecurity=False` to `hashlib` if this digest is only a checksum or cache key."),
                );
            }
        }
    }
}

/// The name inside a hashed value that `matches` (`password`, `user.api_token`,
/// `f"{salt}{pw}"`).
fn secret_mention(value: &Value, matches: fn(&str) -> bool) -> Option<String> {
    let inner = |v: &Value| secret_mention(v, matches);
    match &value.kind {
        ValueKind::Ref { path, .. } => matches(path.rsplit('.').next()?).then(|| path.to_string()),
        ValueKind::Operation { operands, .. } => operands.iter().find_map(inner),
        ValueKind::Build { parts, .. } => parts.iter().find_map(|p| match p {
            Part::Hole(v) => inner(v),
            Part::Lit(_) => None,
        }),
        ValueKind::Call(call) => call
            .callee
            .receiver
            .as_deref()
            .and_then(inner)
            .or_else(|| call.args.iter().find_map(inner)),
        ValueKind::List(items) | ValueKind::Tuple(items) => items.iter().find_map(inner),
        _ => None,
    }
}

/// For `h = hashlib.md5(); h.update(password)`: a secret-looking name fed to the digest later.
fn updated_with_secret(function: &Function, call: &Call) -> Option<String> {
    let created = format!("{}().update", call.qualname());
    calls(function)
        .filter(|c| c.qualname() == created)
        .find_map(|c| {
            c.args
                .first()
                .and_then(|a| secret_mention(a, mentions_security))
        })
}

/// Whether the `hashes.SHA1()` call is an argument of HMAC, OAEP, MGF1, HOTP, TOTP, PBKDF2 or HKDF.
fn used_by_collision_safe(function: &Function, call: &Call) -> bool {
    calls(function).any(|outer| {
        let last = outer.qualname().rsplit('.').next().unwrap_or("");
        let last = if last.is_empty() {
            outer.callee.text.rsplit('.').next().unwrap_or("")
        } else {
            last
        };
        COLLISION_SAFE_USERS.contains(&last)
            && outer.span != call.span
            && outer.span.contains(call.span)
    })
}

/// Whether the digest object is only asked for a property (`hashlib.sha1().digest_size`).
fn only_inspected(ctx: &Context, call: &Call) -> bool {
    let end = call.span.end as usize;
    let rest = ctx.source.get(end..).unwrap_or("");
    [".digest_size", ".block_size", ".name"].iter().any(|p| {
        rest.starts_with(p)
            && !rest[p.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '(')
    })
}
