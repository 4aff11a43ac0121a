//! C506 `weak-hash-for-security`: MD5 or SHA-1 (`QCryptographicHash`, OpenSSL) hashing
//! passwords, tokens or signatures.

use crate::rules::c::common::c_name;
use crate::rules::secrets::names::{is_secret_name, mentions_security};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{any_in, Call, Function, Op, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C506",
        name: "weak-hash-for-security",
        title: "MD5 or SHA-1 protecting a secret",
        cwe: 328,
        category: Category::Crypto,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds MD5 and SHA-1 digests used for security: `QCryptographicHash(Md5 | Sha1)` \
                   and `QCryptographicHash::hash(data, Md5 | Sha1)`, OpenSSL's `MD5`/`SHA1`/\
                   `MD5_Init`/`SHA1_Init`/`EVP_md5`/`EVP_sha1`, when the hashed data, the \
                   variable receiving the digest or the enclosing function is named after a \
                   password, token, secret, key, signature, salt or authentication. Checksums, \
                   cache keys and content ids without such a name are not reported, nor are \
                   HMAC constructions (functions named after HMAC), which do not need \
                   collision resistance.",
            why: "MD5 and SHA-1 collisions are cheap to compute and both are fast enough to \
                  brute-force password digests, so a digest made with them no longer proves \
                  integrity or protects a secret.",
            example: "QByteArray digest = QCryptographicHash::hash(password.toUtf8(), QCryptographicHash::Md5);",
            fix: "// passwords: a slow salted KDF (PBKDF2 via OpenSSL PKCS5_PBKDF2_HMAC, argon2, scrypt)\n// integrity: QCryptographicHash::hash(data, QCryptographicHash::Sha256)",
            references: &[
                "https://cwe.mitre.org/data/definitions/328.html",
                "https://doc.qt.io/qt-6/qcryptographichash.html#Algorithm-enum",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

/// The broken algorithm a call hashes with, if any.
fn weak_algorithm(call: &Call) -> Option<&'static str> {
    let named = |v: &Value, alg: &str| {
        v.qualname()
            .or_else(|| v.path())
            .is_some_and(|q| q.ends_with(&format!("::{alg}")) || q == alg)
    };
    let q = call.qualname();
    if q == "QCryptographicHash" || q == "QCryptographicHash::hash" {
        return call.args.iter().find_map(|a| {
            if named(a, "Md5") || named(a, "Md4") {
                Some("MD5")
            } else if named(a, "Sha1") {
                Some("SHA-1")
            } else {
                None
            }
        });
    }
    match c_name(call) {
        "MD5" | "MD5_Init" | "EVP_md5" | "MD4" => Some("MD5"),
        "SHA1" | "SHA1_Init" | "EVP_sha1" => Some("SHA-1"),
        _ => None,
    }
}

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    for op in &function.ops {
        let Op::Call(call) = op else {
            continue;
        };
        let Some(algorithm) = weak_algorithm(call) else {
            continue;
        };
        // HMAC-MD5/SHA-1 (NTLM, older protocols) does not rely on collision resistance.
        if function.name.to_ascii_lowercase().contains("hmac") {
            continue;
        }
        let Some(reason) = security_use(function, call) else {
            continue;
        };
        out.report(
            call.span,
            format!("`{}` hashes with {algorithm}, and {reason}: the digest protects a secret or an authentication decision.", ctx.code(call.span)),
            "Use SHA-256 or better for integrity (`QCryptographicHash::Sha256`, `EVP_sha256`), an HMAC for authentication, and a slow salted KDF (PBKDF2, scrypt, argon2) for passwords.",
        )
        .confidence(Confidence::High);
    }
}

/// Why the digest is security relevant: a secret-looking name among the hashed data (or the
/// data fed to the digest later), the variable receiving it, or the function's own name.
fn security_use(function: &Function, call: &Call) -> Option<String> {
    if let Some(name) = secret_in(&call.args) {
        return Some(format!("it hashes `{name}`"));
    }
    // `QCryptographicHash h(Md5); h.addData(password)`, `MD5_Update(&ctx, secret, n)`.
    let fed = function.ops.iter().find_map(|op| match op {
        Op::Call(update)
            if update.callee.method.as_deref() == Some("addData")
                || matches!(
                    c_name(update),
                    "MD5_Update" | "SHA1_Update" | "EVP_DigestUpdate"
                ) =>
        {
            secret_in(&update.args)
        }
        _ => None,
    });
    if let Some(name) = fed {
        return Some(format!("it is fed `{name}`"));
    }
    let target = function.ops.iter().find_map(|op| match op {
        Op::Assign(a) if a.value.span.contains(call.span) => a
            .targets
            .iter()
            .find(|t| mentions_security(t.path.rsplit('.').next().unwrap_or(&t.path)))
            .map(|t| t.path.clone()),
        _ => None,
    });
    if let Some(target) = target {
        return Some(format!("the digest is stored in `{target}`"));
    }
    mentions_security(&function.name).then(|| format!("it is used in `{}`", function.name))
}

/// The first name among `values` (nested ones included) that holds or describes a secret.
fn secret_in(values: &[Value]) -> Option<String> {
    let mut found = None;
    for value in values {
        any_in(value, &mut |v| {
            if let ValueKind::Ref { path, .. } = &v.kind {
                let last = path.rsplit('.').next().unwrap_or(path);
                if is_secret_name(last) || mentions_security(last) {
                    found = Some(path.to_string());
                    return true;
                }
            }
            false
        });
        if found.is_some() {
            break;
        }
    }
    found
}
