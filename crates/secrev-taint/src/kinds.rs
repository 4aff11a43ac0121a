//! The kinds of sink the engine knows: each is reported by one rule.

/// A sink kind, as an index into [`KINDS`].
pub type Kind = u8;

/// The sink kinds, in the order of the rules that report them (PY801 onwards).
pub const KINDS: &[&str] = &[
    "command-injection",
    "code-injection",
    "sql-injection",
    "path-injection",
    "ldap-injection",
    "xpath-injection",
    "xss",
    "template-injection",
    "open-redirect",
    "trust-boundary",
    "unsafe-deserialization",
    "xxe",
    "ssrf",
    "header-injection",
    "log-injection",
    "cleartext-secret-logged",
    "secret-in-error-response",
];

/// The kinds that report *secret* data exposed (sources of threat `secret`): passwords, tokens
/// and keys where they are revealed. Secret data reaches only these kinds, and untrusted data
/// only the others: a password in a shell command is no injection, and a request parameter in a
/// log is no leak of a secret.
pub const EXPOSURE_KINDS: KindSet = (1 << 15) | (1 << 16);

/// A set of sink kinds, one bit per kind.
pub type KindSet = u32;

/// Every kind at once.
pub const ALL_KINDS: KindSet = (1 << KINDS.len()) - 1;

/// The kind with this name.
pub fn kind(name: &str) -> Option<Kind> {
    KINDS.iter().position(|k| *k == name).map(|i| i as Kind)
}

/// The name of a kind.
pub fn kind_name(kind: Kind) -> &'static str {
    KINDS.get(usize::from(kind)).copied().unwrap_or("unknown")
}

/// The set of kinds named in a model row; `all` stands for every kind.
pub fn kind_set(names: &[String]) -> Result<KindSet, String> {
    let mut set = 0;
    for name in names {
        if name == "all" {
            set |= ALL_KINDS;
        } else {
            set |= 1 << kind(name).ok_or_else(|| format!("unknown kind `{name}`"))?;
        }
    }
    Ok(set)
}

/// The kinds that report untrusted data (every kind but the exposure kinds).
pub const INJECTION_KINDS: KindSet = ALL_KINDS & !EXPOSURE_KINDS;

/// The kinds that report data from whoever starts the program (arguments, environment, standard
/// input). Log injection is not among them: the person who runs the program writes its log
/// anyway, so a forged line from them crosses no trust boundary.
pub const LOCAL_KINDS: KindSet = INJECTION_KINDS & !(1 << 14);

/// The path-injection kind: local data reaches it only when placed under a fixed directory.
pub const PATH_INJECTION: Kind = 3;

/// Whether `set` contains `kind`.
pub fn has(set: KindSet, kind: Kind) -> bool {
    set & (1 << kind) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposure_kinds_are_the_secret_kinds() {
        assert_eq!(
            EXPOSURE_KINDS,
            kind_set(&[
                "cleartext-secret-logged".to_owned(),
                "secret-in-error-response".to_owned()
            ])
            .expect("known kinds")
        );
        assert_eq!(INJECTION_KINDS | EXPOSURE_KINDS, ALL_KINDS);
        assert_eq!(INJECTION_KINDS & EXPOSURE_KINDS, 0);
        assert_eq!(kind("path-injection"), Some(PATH_INJECTION));
        assert!(!has(
            LOCAL_KINDS,
            kind("log-injection").expect("known kind")
        ));
    }
}
