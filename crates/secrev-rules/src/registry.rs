//! The one place every rule is registered.

use crate::rules;
use crate::Rule;
use secrev_ir::Language;

/// Every rule, sorted by id.
pub fn all() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = rules::GROUPS
        .iter()
        .chain(rules::C_GROUPS)
        .flat_map(|group| group.iter().copied())
        .collect();
    rules.sort_by_key(|rule| rule.info.id);
    rules
}

/// The languages a rule reads: a rule registered in a C group runs on C and C++ units, any
/// other on Python units.
pub fn languages(rule: &Rule) -> &'static [Language] {
    let is_c = rules::C_GROUPS
        .iter()
        .any(|group| group.iter().any(|r| std::ptr::eq(*r, rule)));
    if is_c {
        &[Language::C, Language::Cpp]
    } else {
        &[Language::Python]
    }
}

/// Whether a rule reads units of `language`.
pub fn runs_on(rule: &Rule, language: Language) -> bool {
    languages(rule).contains(&language)
}

/// Rules that run only when selected by exact id or name (or `ALL`): their findings are real but
/// too rarely worth a reviewer's time to show by default. PY105 (program started by bare name,
/// resolved through `PATH`) only matters where an attacker controls `PATH` or the working
/// directory; PY905 (a project's own existence predicate before a create or delete) depends on
/// whether the project's operation tolerates the state, which it mostly does. PY931 (a handler
/// without the check its siblings make), even with checks in other files' service layers
/// settled project-wide, had no real defect among its findings on nova, neutron, keystone,
/// glance and cinder (its one finding reads an object the database layer scopes to the caller).
/// PY937 (allow-all policy defaults for state changes) mostly reports endpoints public by design
/// (agent heartbeats). C301 (allocation
/// size that can wrap) is real only where the count comes from input and can approach
/// `SIZE_MAX / size`; on 64-bit platforms the products it finds in curl were all bounded elsewhere.
const OPT_IN: &[&str] = &["PY105", "PY905", "PY931", "PY937", "C301"];

/// Whether a rule runs only when selected explicitly.
pub fn is_opt_in(rule: &Rule) -> bool {
    OPT_IN.contains(&rule.info.id)
}

/// Pattern rules with a taint counterpart (PY801 for commands, PY802 for code, PY803 for SQL):
/// they report a dangerous call on a value whose origin they cannot see. Where the taint
/// analysis follows the data (a function that reads request data, or one it flows into), its
/// verdict replaces theirs; elsewhere they remain the only signal.
const SUPERSEDED_BY_TAINT: &[&str] = &[
    "PY101", "PY102", "PY103", "PY104", "PY106", "PY107", "PY108", "PY109", "PY110",
];

/// Whether the taint analysis settles this pattern rule's findings where it follows the data.
pub fn superseded_by_taint(id: &str) -> bool {
    SUPERSEDED_BY_TAINT.contains(&id)
}

/// C pattern rules and the taint rule that reports the same defect with its source: C501 (shell
/// command built at run time) and C601, C502 (SQL built from strings) and C602, C105
/// (non-literal format) and C603. Where both fire on one call, the taint finding is kept: it
/// says where the data comes from and is reported with higher confidence, so the pattern
/// finding adds nothing. Elsewhere (data of unknown origin, a parameter no caller in the file
/// taints) the pattern rule remains the only signal.
const SUPERSEDED_ON_SAME_CALL: &[(&str, &str)] =
    &[("C501", "C601"), ("C502", "C602"), ("C105", "C603")];

/// The taint rule whose finding inside the same call replaces this pattern rule's, if any.
pub fn superseded_on_same_call(id: &str) -> Option<&'static str> {
    SUPERSEDED_ON_SAME_CALL
        .iter()
        .find(|(pattern, _)| *pattern == id)
        .map(|(_, taint)| *taint)
}

/// Rules whose hits may depend on calls into other files ([`crate::Hit::unless_authorized_by`]):
/// when one of them runs, every file contributes to the project's [`crate::AuthzIndex`].
const USES_AUTHZ_INDEX: &[&str] = &["PY931"];

/// Whether the engine must build the project's authorization index for this rule.
pub fn uses_authz_index(id: &str) -> bool {
    USES_AUTHZ_INDEX.contains(&id)
}

/// The rule with this id or name, if any.
pub fn find(id_or_name: &str) -> Option<&'static Rule> {
    all()
        .into_iter()
        .find(|rule| rule.info.id.eq_ignore_ascii_case(id_or_name) || rule.info.name == id_or_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn rules_know_their_language() {
        for rule in all() {
            let c = rule.info.id.starts_with('C');
            assert_eq!(runs_on(rule, Language::Python), !c, "{}", rule.info.id);
            assert_eq!(runs_on(rule, Language::Cpp), c, "{}", rule.info.id);
        }
    }

    #[test]
    fn ids_and_names_are_unique_and_documented() {
        let rules = all();
        let ids: HashSet<_> = rules.iter().map(|r| r.info.id).collect();
        let names: HashSet<_> = rules.iter().map(|r| r.info.name).collect();
        assert_eq!(ids.len(), rules.len(), "duplicate rule id");
        assert_eq!(names.len(), rules.len(), "duplicate rule name");
        for rule in rules {
            let info = &rule.info;
            assert!(
                secrev_core::cwe::lookup(info.cwe).is_some(),
                "{}: CWE-{} is not in the catalogue",
                info.id,
                info.cwe
            );
            for (section, text) in [
                ("what", info.docs.what),
                ("why", info.docs.why),
                ("example", info.docs.example),
                ("fix", info.docs.fix),
            ] {
                assert!(
                    text.trim().len() >= 20,
                    "{}: docs section `{section}` is too short",
                    info.id
                );
            }
        }
    }
}
