//! Location-independent finding identities, so a finding keeps its identity when lines move.

/// A stable 64-bit FNV-1a hash, hex-encoded, of the rule, the enclosing function and the finding's
/// source line with all whitespace removed. FNV is enough here: fingerprints identify, they do
/// not protect anything.
pub fn fingerprint(rule_id: &str, function: &str, line_text: &str) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    let normalized = line_text.split_whitespace().flat_map(str::bytes);
    let bytes = rule_id
        .bytes()
        .chain([0])
        .chain(function.bytes())
        .chain([0])
        .chain(normalized);
    let hash = bytes.fold(OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME));
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn ignores_indentation_but_not_code_or_function() {
        let a = fingerprint("PY101", "f", "    os.system(cmd)");
        assert_eq!(a, fingerprint("PY101", "f", "os.system( cmd )"));
        assert_ne!(a, fingerprint("PY101", "g", "os.system(cmd)"));
        assert_ne!(a, fingerprint("PY102", "f", "os.system(cmd)"));
    }
}
