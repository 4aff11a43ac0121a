//! Inline suppressions: `# secrev: ignore[PY101, PY102]` (or bare `# secrev: ignore`) on a
//! finding's first or last line, and Bandit's `# nosec` when `respect-nosec` is on. In C and C++
//! the comment is `// secrev: ignore[C101]` or `/* secrev: ignore */`.

/// Bandit test ids and the secrev rules that cover the same ground, for `# nosec B602`.
const BANDIT_EQUIVALENTS: &[(&str, &[&str])] = &[
    ("B102", &["PY107"]),
    ("B103", &["PY502"]),
    ("B104", &["PY601"]),
    ("B105", &["PY401"]),
    ("B106", &["PY403"]),
    ("B107", &["PY402"]),
    ("B108", &["PY504"]),
    ("B110", &["PY702"]),
    ("B112", &["PY702"]),
    ("B113", &["PY607"]),
    ("B201", &["PY602"]),
    ("B301", &["PY201", "PY202", "PY203"]),
    ("B302", &["PY202"]),
    ("B303", &["PY301"]),
    ("B304", &["PY302"]),
    ("B305", &["PY303"]),
    ("B306", &["PY501"]),
    ("B307", &["PY106"]),
    ("B310", &["PY608"]),
    ("B311", &["PY305"]),
    ("B312", &["PY609"]),
    ("B313", &["PY505"]),
    ("B314", &["PY505"]),
    ("B318", &["PY505"]),
    ("B320", &["PY506"]),
    ("B321", &["PY609"]),
    ("B323", &["PY307"]),
    ("B324", &["PY301"]),
    ("B501", &["PY306"]),
    ("B502", &["PY308"]),
    ("B503", &["PY308"]),
    ("B504", &["PY307"]),
    ("B505", &["PY304"]),
    ("B506", &["PY204"]),
    ("B507", &["PY610"]),
    ("B601", &["PY111"]),
    ("B602", &["PY101"]),
    ("B603", &["PY105"]),
    ("B604", &["PY101"]),
    ("B605", &["PY102", "PY103"]),
    ("B606", &["PY105"]),
    ("B607", &["PY105"]),
    ("B608", &["PY108", "PY109", "PY110"]),
    ("B609", &["PY101"]),
    ("B610", &["PY109"]),
    ("B611", &["PY109"]),
    ("B614", &["PY206"]),
    ("B701", &["PY604"]),
    ("B702", &["PY605"]),
    ("B703", &["PY605"]),
];

/// Whether the comment on `line` suppresses `rule_id`.
pub(crate) fn suppresses(line: &str, rule_id: &str, respect_nosec: bool) -> bool {
    let starts = [line.find('#'), line.find("//"), line.find("/*")];
    let Some(start) = starts.into_iter().flatten().min() else {
        return false;
    };
    let comment = &line[start..];
    if let Some(at) = comment.find("secrev: ignore") {
        let rest = &comment[at + "secrev: ignore".len()..];
        return match rest.strip_prefix('[') {
            Some(list) => list
                .split(']')
                .next()
                .unwrap_or("")
                .split(',')
                .any(|id| id.trim().eq_ignore_ascii_case(rule_id)),
            None => true,
        };
    }
    if respect_nosec {
        if let Some(at) = comment.find("nosec") {
            let ids: Vec<&str> = comment[at + "nosec".len()..]
                .split(|c: char| c == ',' || c.is_whitespace())
                .map(str::trim)
                .filter(|t| t.len() == 4 && t.starts_with('B'))
                .collect();
            return ids.is_empty()
                || ids.iter().any(|bandit| {
                    BANDIT_EQUIVALENTS
                        .iter()
                        .any(|(id, rules)| id == bandit && rules.contains(&rule_id))
                });
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::suppresses;

    #[test]
    fn secrev_ignore_forms() {
        assert!(suppresses("os.system(x)  # secrev: ignore", "PY102", false));
        assert!(suppresses(
            "strcpy(buf, s); // secrev: ignore[C101]",
            "C101",
            false
        ));
        assert!(suppresses(
            "gets(line); /* secrev: ignore */",
            "C101",
            false
        ));
        assert!(!suppresses(
            "strcpy(buf, s); // secrev: ignore[C102]",
            "C101",
            false
        ));
        assert!(suppresses(
            "requests.get('http://x')  # secrev: ignore[PY607]",
            "PY607",
            false
        ));
        assert!(suppresses(
            "os.system(x)  # secrev: ignore[PY102]",
            "PY102",
            false
        ));
        assert!(suppresses(
            "os.system(x)  # secrev: ignore[PY101, py102]",
            "PY102",
            false
        ));
        assert!(!suppresses(
            "os.system(x)  # secrev: ignore[PY101]",
            "PY102",
            false
        ));
        assert!(!suppresses("os.system(x)", "PY102", false));
    }

    #[test]
    fn nosec_only_when_respected() {
        assert!(!suppresses(
            "subprocess.call(x, shell=True)  # nosec",
            "PY101",
            false
        ));
        assert!(suppresses(
            "subprocess.call(x, shell=True)  # nosec",
            "PY101",
            true
        ));
        assert!(suppresses(
            "subprocess.call(x, shell=True)  # nosec B602",
            "PY101",
            true
        ));
        assert!(!suppresses(
            "subprocess.call(x, shell=True)  # nosec B301",
            "PY101",
            true
        ));
    }
}
