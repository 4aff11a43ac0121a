//! PY303 `ecb-mode`: a block cipher used in ECB mode.

use super::util::{ref_qualname, under};
use crate::helpers::call_name;
use crate::rules::secrets::names::words;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Call;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY303",
        name: "ecb-mode",
        title: "Block cipher in ECB mode",
        cwe: 327,
        category: Category::Crypto,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds ciphers set up in electronic-codebook mode: pycryptodome's \
                   `<Cipher>.new(key, <Cipher>.MODE_ECB)` for any cipher module under \
                   `Crypto.Cipher` or `Cryptodome.Cipher` (the mode passed positionally, as \
                   `mode=`, or as the constant `1`), and `cryptography`'s `modes.ECB()`. ECB inside \
                   functions named for key wrapping (`wrap`, `unwrap`) is not reported: RFC 3394 \
                   key wrap is built on single-block ECB encryptions.",
            why: "ECB encrypts equal plaintext blocks to equal ciphertext blocks, so the structure \
                  of the data shows through the encryption (the well-known ECB penguin), and an \
                  attacker can cut, reorder and replay blocks without detection. It is never the \
                  right mode for data larger than one block.",
            example: "cipher = AES.new(key, AES.MODE_ECB)\ntoken = cipher.encrypt(pad(payload, 16))",
            fix: "cipher = AES.new(key, AES.MODE_GCM)\nciphertext, tag = cipher.encrypt_and_digest(payload)\ntoken = cipher.nonce + tag + ciphertext",
            references: &[
                "https://cwe.mitre.org/data/definitions/327.html",
                "https://en.wikipedia.org/wiki/Block_cipher_mode_of_operation#Electronic_codebook_(ECB)",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

/// AES key wrap (RFC 3394) is built on single-block ECB encryptions, which is sound.
fn in_key_wrap(ctx: &Context) -> bool {
    words(&ctx.function.name)
        .iter()
        .any(|w| matches!(w.as_str(), "wrap" | "unwrap" | "keywrap"))
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let q = call.qualname();
    if !q.contains("Cipher") && !q.contains("ciphers") {
        return;
    }
    if in_key_wrap(ctx) {
        return;
    }
    let name = call_name(call);
    if under(q, &["cryptography.hazmat.primitives.ciphers.modes"]) == Some("ECB") {
        out.report(
            call.span,
            format!("`{name}()` selects ECB mode, which encrypts equal blocks to equal ciphertext and lets the data's structure show through."),
            "Use `modes.GCM(nonce)` (or `AESGCM` from `cryptography.hazmat.primitives.ciphers.aead`) with a fresh random nonce per message instead of `modes.ECB()`.",
        );
        return;
    }
    let Some(rest) = under(q, &["Crypto.Cipher", "Cryptodome.Cipher"]) else {
        return;
    };
    let Some(module) = rest.strip_suffix(".new") else {
        return;
    };
    let Some(mode) = call.arg(1, "mode") else {
        return;
    };
    let ecb = ref_qualname(mode).is_some_and(|m| m.ends_with(".MODE_ECB"))
        || mode.path().is_some_and(|p| p.ends_with(".MODE_ECB"))
        || mode.as_int() == Some(1);
    if !ecb {
        return;
    }
    out.report(
        call.span,
        format!("`{name}` sets up {module} in ECB mode (`{}`), which encrypts equal blocks to equal ciphertext and lets the data's structure show through.", ctx.code(mode.span)),
        if module == "AES" {
            format!("Pass `AES.MODE_GCM` (or `MODE_EAX`) to `{name}` instead of ECB and store the nonce and tag with the ciphertext.")
        } else {
            format!("Replace `{name}` in ECB mode with `AES.new(key, AES.MODE_GCM)` and store the nonce and tag with the ciphertext.")
        },
    );
}
