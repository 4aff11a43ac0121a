//! PY304 `weak-key-size`: RSA, DSA or elliptic-curve keys generated too small.

use super::util::{ref_qualname, under};
use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Value};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY304",
        name: "weak-key-size",
        title: "Asymmetric key generated with too few bits",
        cwe: 326,
        category: Category::Crypto,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds key generation with a constant size below current minimums: RSA and DSA \
                   under 2048 bits (`cryptography`'s `rsa.generate_private_key(key_size=...)` and \
                   `dsa.generate_private_key(...)`, keyword or positional; pycryptodome's \
                   `RSA.generate(bits)` and `DSA.generate(bits)`; `paramiko.RSAKey.generate`; \
                   pyOpenSSL's `PKey().generate_key(TYPE_RSA, bits)`), and elliptic curves under \
                   224 bits (`ec.generate_private_key(ec.SECP192R1())`, `SECT163K1`, `SECT163R2`, \
                   pycryptodome's `ECC.generate(curve=\"P-192\")`). Sizes that are not known \
                   constants are not reported.",
            why: "RSA-1024 and DSA-1024 are within reach of well-funded attackers and are \
                  disallowed by NIST SP 800-131A; 512-bit RSA is factored on a laptop. Curves \
                  under 224 bits give less than 112 bits of security. Anything signed or \
                  encrypted with such a key can be forged or read once the key is broken.",
            example: "key = rsa.generate_private_key(public_exponent=65537, key_size=1024)",
            fix: "key = rsa.generate_private_key(public_exponent=65537, key_size=3072)",
            references: &[
                "https://cwe.mitre.org/data/definitions/326.html",
                "https://csrc.nist.gov/pubs/sp/800/131/a/r2/final",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const MIN_BITS: i128 = 2048;
const WEAK_CURVES: &[&str] = &["SECP192R1", "SECT163K1", "SECT163R2"];
const WEAK_CURVE_NAMES: &[&str] = &["p-192", "p192", "nist p-192", "secp192r1", "prime192v1"];

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let q = call.qualname();
    let name = call_name(call);
    let (bits, algorithm) =
        if let Some(rest) = under(q, &["cryptography.hazmat.primitives.asymmetric"]) {
            match rest {
                "rsa.generate_private_key" => (call.arg(1, "key_size"), "RSA"),
                "dsa.generate_private_key" => (call.arg(0, "key_size"), "DSA"),
                "ec.generate_private_key" => {
                    if let Some(curve) = call.arg(0, "curve") {
                        report_curve(ctx, call, curve, out);
                    }
                    return;
                }
                _ => return,
            }
        } else if let Some(rest) = under(q, &["Crypto.PublicKey", "Cryptodome.PublicKey"]) {
            match rest {
                "RSA.generate" => (call.arg(0, "bits"), "RSA"),
                "DSA.generate" => (call.arg(0, "bits"), "DSA"),
                "ElGamal.generate" => (call.arg(0, "bits"), "ElGamal"),
                "ECC.generate" => {
                    if let Some(curve) = call.keyword("curve") {
                        report_curve(ctx, call, curve, out);
                    }
                    return;
                }
                _ => return,
            }
        } else {
            match q {
                "paramiko.RSAKey.generate" => (call.arg(0, "bits"), "RSA"),
                "paramiko.DSSKey.generate" => (call.arg(0, "bits"), "DSA"),
                "OpenSSL.crypto.PKey().generate_key" => (call.arg(1, "bits"), "RSA/DSA"),
                _ => return,
            }
        };
    let Some(bits) = bits else {
        return;
    };
    let Some(size) = bits.as_int() else {
        return;
    };
    if size >= MIN_BITS || size <= 0 {
        return;
    }
    out.report(
        call.span,
        format!(
            "`{name}` generates a {size}-bit {algorithm} key{}; keys under {MIN_BITS} bits can be broken by well-resourced attackers.",
            match ctx.code(bits.span) {
                code if code == size.to_string() => String::new(),
                code => format!(" (`{code}`)"),
            }
        ),
        format!("Generate the key with at least 3072 bits (2048 as an absolute minimum) in `{name}`, and replace keys already issued at {size} bits."),
    );
}

fn report_curve(ctx: &Context, call: &Call, curve: &Value, out: &mut Reporter) {
    let curve_name = match curve.as_call() {
        Some(inner) => inner.qualname().rsplit('.').next().map(str::to_owned),
        None => ref_qualname(curve)
            .and_then(|q| q.rsplit('.').next())
            .map(str::to_owned)
            .or_else(|| curve.as_str().map(str::to_owned)),
    };
    let Some(curve_name) = curve_name else {
        return;
    };
    let weak = WEAK_CURVES.contains(&curve_name.as_str())
        || WEAK_CURVE_NAMES.contains(&curve_name.to_ascii_lowercase().as_str());
    if !weak {
        return;
    }
    let name = call_name(call);
    out.report(
        call.span,
        format!("`{name}` generates a key on the curve `{}`, which gives less than 112 bits of security.", ctx.code(curve.span)),
        format!("Generate the key on P-256 or stronger in `{name}` (`ec.SECP256R1()`, `curve=\"P-256\"`), or use Ed25519."),
    );
}
