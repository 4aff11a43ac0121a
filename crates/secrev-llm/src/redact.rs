//! Secrets are removed from the code before it leaves the machine. Three detectors: the lines
//! secrev's own secret rules reported (hard-coded passwords, keys, tokens: their string
//! literals), known token shapes (cloud keys, GitHub, Slack, OpenAI, JWTs, private-key blocks),
//! and long high-entropy literals. Redaction keeps every line where it was, so line numbers
//! stay true.

use regex::Regex;
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// What a secret becomes.
pub const REDACTED: &str = "<redacted>";

static STRING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'"#).expect("valid regex")
});
static TOKENS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"AKIA[0-9A-Z]{16}",
        r"|(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}",
        r"|github_pat_[A-Za-z0-9_]{30,}",
        r"|xox[abprs]-[A-Za-z0-9-]{10,}",
        r"|sk-[A-Za-z0-9_-]{20,}",
        r"|AIza[0-9A-Za-z_-]{35}",
        r"|glpat-[A-Za-z0-9_-]{20,}",
        r"|eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+",
    ))
    .expect("valid regex")
});
static NAMED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)(?:password|passwd|pwd|secret|token|api_?key|access_?key|private_?key|credential)\w*["']?\s*[:=]\s*[rbuf]*(?:"[^"\n]{4,}"|'[^'\n]{4,}')"#,
    )
    .expect("valid regex")
});
static BLOB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9+/=_\-]{24,}").expect("valid regex"));

/// Redacts `lines` in place; `reported` are the line numbers (1-based) where secrev's secret
/// rules found a secret. Returns how many lines changed.
pub fn redact(lines: &mut [String], reported: &BTreeSet<u32>) -> u32 {
    let mut changed = 0;
    let mut in_key = false;
    for (i, line) in lines.iter_mut().enumerate() {
        let before = line.clone();
        let n = i as u32 + 1;
        if line.contains("-----BEGIN") && line.contains("PRIVATE KEY") {
            in_key = true;
        }
        if in_key {
            let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
            in_key = !line.contains("-----END");
            *line = format!("{indent}{REDACTED}");
        } else {
            if reported.contains(&n) || NAMED.is_match(line) {
                *line = blank_strings(line);
            }
            *line = TOKENS.replace_all(line, REDACTED).into_owned();
            *line = STRING
                .replace_all(line, |c: &regex::Captures| {
                    let literal = &c[0];
                    if BLOB.find_iter(literal).any(|m| high_entropy(m.as_str())) {
                        format!("{}{REDACTED}{}", &literal[..1], &literal[..1])
                    } else {
                        literal.to_owned()
                    }
                })
                .into_owned();
        }
        if *line != before {
            changed += 1;
        }
    }
    changed
}

/// Every string literal's content replaced.
fn blank_strings(line: &str) -> String {
    STRING
        .replace_all(line, |c: &regex::Captures| {
            let quote = &c[0][..1];
            format!("{quote}{REDACTED}{quote}")
        })
        .into_owned()
}

/// Whether a token looks random: letters and digits mixed, over 4.2 bits of entropy per
/// character (English words and identifiers stay well below).
fn high_entropy(token: &str) -> bool {
    let has_digit = token.bytes().any(|b| b.is_ascii_digit());
    let has_alpha = token.bytes().any(|b| b.is_ascii_alphabetic());
    if !(has_digit && has_alpha) {
        return false;
    }
    let mut counts = [0u32; 256];
    for b in token.bytes() {
        counts[b as usize] += 1;
    }
    let len = token.len() as f64;
    let entropy: f64 = counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = f64::from(*c) / len;
            -p * p.log2()
        })
        .sum();
    entropy > 4.2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_go_and_code_stays() {
        let mut lines: Vec<String> = [
            "DB_PASSWORD = 'hunter2hunter2'",
            "aws = \"AKIAIOSFODNN7EXAMPLE\"",
            "KEY = \"-----BEGIN RSA PRIVATE KEY-----",
            "MIIEowIBAAKCAQEA",
            "-----END RSA PRIVATE KEY-----\"",
            "token = get_token()",
            "blob = \"q8Zr3kLm9XvT2pWn7YsB4dHj6Fc1Ga5E\"",
            "msg = \"Internationalization_is_long_but_plain\"",
            "conn = connect(user, 'literal-from-static-rule')",
        ]
        .map(String::from)
        .to_vec();
        let changed = redact(&mut lines, &BTreeSet::from([9]));
        assert_eq!(lines[0], "DB_PASSWORD = '<redacted>'");
        assert_eq!(lines[1], "aws = \"<redacted>\"");
        assert_eq!(lines[2..5], ["<redacted>", "<redacted>", "<redacted>"]);
        assert_eq!(lines[5], "token = get_token()");
        assert_eq!(lines[6], "blob = \"<redacted>\"");
        assert_eq!(lines[7], "msg = \"Internationalization_is_long_but_plain\"");
        assert_eq!(lines[8], "conn = connect(user, '<redacted>')");
        assert_eq!(changed, 7);
    }
}
