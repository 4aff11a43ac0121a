//! PY302 `weak-cipher`: DES, 3DES, RC4, Blowfish, IDEA, CAST5 or RC2 used to encrypt.

use super::util::under;
use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Call;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY302",
        name: "weak-cipher",
        title: "Broken or legacy block or stream cipher",
        cwe: 327,
        category: Category::Crypto,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds ciphers created with a broken or legacy algorithm: pycryptodome's \
                   `Crypto.Cipher.DES/DES3/ARC4/ARC2/Blowfish/CAST.new` (and `Cryptodome.Cipher`, \
                   and PyCrypto's `XOR`), `cryptography`'s `algorithms.TripleDES/ARC4/Blowfish/IDEA/\
                   CAST5/RC2` (under `hazmat.primitives` or `hazmat.decrepit`), and `pyDes`. DES, \
                   RC4, RC2 and XOR are reported at high severity; the 64-bit-block ciphers 3DES, \
                   Blowfish, IDEA and CAST5 at medium.",
            why: "DES keys are brute-forced in hours and RC4's keystream biases reveal plaintext; \
                  RC2 and XOR are weaker still. Ciphers with 64-bit blocks (3DES, Blowfish, IDEA, \
                  CAST5) leak plaintext through block collisions after a few tens of gigabytes \
                  under one key (Sweet32), and are deprecated by NIST and removed from TLS.",
            example: "cipher = DES.new(key, DES.MODE_CBC, iv)\nciphertext = cipher.encrypt(pad(data, 8))",
            fix: "cipher = AES.new(key, AES.MODE_GCM)  # 16- or 32-byte key\nciphertext, tag = cipher.encrypt_and_digest(data)",
            references: &[
                "https://cwe.mitre.org/data/definitions/327.html",
                "https://sweet32.info/",
                "https://cryptography.io/en/latest/hazmat/decrepit/ciphers/",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

/// The algorithm a call sets up and whether it is broken outright (rather than legacy).
fn weak_cipher(call: &Call) -> Option<(&'static str, bool)> {
    let q = call.qualname();
    if let Some(rest) = under(q, &["Crypto.Cipher", "Cryptodome.Cipher"]) {
        return match rest {
            "DES.new" => Some(("DES", true)),
            "DES3.new" => Some(("3DES", false)),
            "ARC4.new" => Some(("RC4", true)),
            "ARC2.new" => Some(("RC2", true)),
            "Blowfish.new" => Some(("Blowfish", false)),
            "CAST.new" => Some(("CAST5", false)),
            "XOR.new" => Some(("XOR", true)),
            _ => None,
        };
    }
    if let Some(rest) = under(
        q,
        &[
            "cryptography.hazmat.primitives.ciphers.algorithms",
            "cryptography.hazmat.decrepit.ciphers.algorithms",
        ],
    ) {
        return match rest {
            "TripleDES" => Some(("3DES", false)),
            "ARC4" => Some(("RC4", true)),
            "RC2" => Some(("RC2", true)),
            "Blowfish" => Some(("Blowfish", false)),
            "IDEA" => Some(("IDEA", false)),
            "CAST5" => Some(("CAST5", false)),
            _ => None,
        };
    }
    match q {
        "pyDes.des" => Some(("DES", true)),
        "pyDes.triple_des" => Some(("3DES", false)),
        _ => None,
    }
}

fn check(_ctx: &Context, call: &Call, out: &mut Reporter) {
    let Some((algorithm, broken)) = weak_cipher(call) else {
        return;
    };
    let name = call_name(call);
    let (message, severity) = if broken {
        (
            format!("`{name}` sets up {algorithm}, a broken cipher whose encryption can be undone without the key."),
            Severity::High,
        )
    } else {
        (
            format!("`{name}` sets up {algorithm}, a legacy 64-bit-block cipher that leaks plaintext through block collisions on long-lived keys."),
            Severity::Medium,
        )
    };
    out.report(
        call.span,
        message,
        format!("Replace `{name}` with AES in an authenticated mode (`AES.new(key, AES.MODE_GCM)`, or `cryptography`'s `AESGCM`) or ChaCha20-Poly1305, and re-encrypt stored data with the new key."),
    )
    .severity(severity);
}
