use crate::{cwe, Category, Confidence, Severity};

/// A rule's documentation, in the fixed sections `secrev rule ID` prints.
#[derive(Debug, Clone, Copy)]
pub struct RuleDocs {
    /// What the rule detects.
    pub what: &'static str,
    /// Why it is a security defect.
    pub why: &'static str,
    /// Code the rule reports.
    pub example: &'static str,
    /// The same code, fixed.
    pub fix: &'static str,
    /// Where to read more (CWE entries, library documentation).
    pub references: &'static [&'static str],
}

/// Everything known about a rule without running it: identity, classification and docs.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    /// Stable short id, such as `PY101`.
    pub id: &'static str,
    /// Kebab-case name, such as `subprocess-shell-injection`.
    pub name: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// The CWE the rule's findings are an instance of.
    pub cwe: u32,
    /// The review category.
    pub category: Category,
    /// Default severity; a rule may lower or raise it for one finding.
    pub severity: Severity,
    /// Default confidence; a rule may lower or raise it for one finding.
    pub confidence: Confidence,
    /// The rule's documentation.
    pub docs: RuleDocs,
}

impl RuleInfo {
    /// The CWE-1000 pillar of the rule's CWE (`710`, "Improper Adherence to Coding Standards",
    /// when the catalogue does not know the CWE).
    pub fn pillar(&self) -> u32 {
        cwe::lookup(self.cwe).map_or(710, |record| record.pillar)
    }

    /// MITRE's name for the rule's CWE.
    pub fn cwe_name(&self) -> &'static str {
        cwe::lookup(self.cwe).map_or("Unknown weakness", |record| record.name)
    }
}
