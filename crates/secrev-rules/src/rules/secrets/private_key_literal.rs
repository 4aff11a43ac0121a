//! PY405 `private-key-literal`: a PEM private key embedded in the source file.

use crate::helpers::is_test_path;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{ByteSpan, Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Unit;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY405",
        name: "private-key-literal",
        title: "Private key embedded in source code",
        cwe: 321,
        category: Category::Crypto,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds PEM private key blocks (`-----BEGIN RSA PRIVATE KEY-----`, `BEGIN EC \
                   PRIVATE KEY`, `BEGIN PRIVATE KEY`, `BEGIN OPENSSH PRIVATE KEY`, `BEGIN PGP \
                   PRIVATE KEY BLOCK`...) anywhere in a source file, strings and comments alike, \
                   and reports the line of the `BEGIN` marker. Markers with no key material after \
                   them (a header constant used to recognise PEM data, or a body elided as `...`) \
                   are not reported. Encrypted keys (`BEGIN ENCRYPTED PRIVATE KEY`, `Proc-Type: \
                   4,ENCRYPTED`) are reported at medium severity: they still need their passphrase.",
            why: "Whoever reads the repository, a wheel or a container image gets the key and can \
                  sign, decrypt or impersonate as its owner (a TLS server, a JWT issuer, an SSH \
                  identity). A leaked key has to be revoked and replaced everywhere it is trusted. \
                  Keys in test files are usually throwaway fixtures and are reported at low severity.",
            example: "SIGNING_KEY = \"\"\"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi...\n-----END RSA PRIVATE KEY-----\"\"\"",
            fix: "SIGNING_KEY = Path(os.environ[\"JWT_SIGNING_KEY_FILE\"]).read_text()  # key kept out of the repository",
            references: &[
                "https://cwe.mitre.org/data/definitions/321.html",
                "https://www.rfc-editor.org/rfc/rfc7468",
            ],
        },
    },
    hooks: Hooks {
        unit: Some(check),
        ..Hooks::NONE
    },
};

/// Base64 characters a real key body has at least this many of (a 256-bit EC key in PKCS#8 is
/// over 150).
const MIN_BODY: usize = 64;

fn check(ctx: &Context, _unit: &Unit, out: &mut Reporter) {
    let source = ctx.source;
    let mut from = 0;
    while let Some(found) = source[from..].find("-----BEGIN ") {
        let begin = from + found;
        let label_start = begin + "-----BEGIN ".len();
        from = label_start;
        let Some(label_len) = source[label_start..].find("-----") else {
            break;
        };
        let label = &source[label_start..label_start + label_len];
        if !(label.ends_with("PRIVATE KEY") || label.ends_with("PRIVATE KEY BLOCK"))
            || label.len() > 40
            || label.contains('\n')
        {
            continue;
        }
        let body_start = label_start + label_len + 5;
        let rest = &source[body_start..];
        let body_end = [rest.find("-----END"), rest.find("-----BEGIN")]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(rest.len())
            .min(8192);
        let body = &rest[..body_end];
        // Key material comes in long runs of base64 (64-character PEM lines, or one long line
        // with `\n` escapes); quotes, comment markers and indentation only separate them.
        let material: usize = body
            .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')))
            .filter(|run| run.len() >= 40)
            .map(str::len)
            .sum();
        if material < MIN_BODY {
            continue;
        }
        let encrypted = label.contains("ENCRYPTED") || body.contains("ENCRYPTED");
        let span = ByteSpan {
            start: u32::try_from(begin).unwrap_or(u32::MAX),
            end: u32::try_from(body_start).unwrap_or(u32::MAX),
        };
        let hit = out.report(
            span,
            format!("A `{label}` block is embedded in the source; anyone with the code holds the key."),
            "Remove the key from the file (and from version control history), revoke it, and load the replacement at run time from a file path or secret store given by configuration.",
        );
        if is_test_path(ctx.path) {
            hit.severity(Severity::Low).confidence(Confidence::Low);
        } else if encrypted {
            hit.severity(Severity::Medium);
        }
        from = body_start;
    }
}
