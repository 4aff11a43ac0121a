//! Which findings a change introduces: those on a line it adds or changes, or whose evidence
//! (the data-flow trace, the other end of a race or leak) passes through one, and that were not
//! already there before the change.

use secrev_core::Finding;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

/// Lines added or changed, by path as findings show it.
pub(crate) type ChangedLines = HashMap<String, BTreeSet<u32>>;

/// Whether any line of the finding, its related locations or its trace is a changed line.
pub(crate) fn touches(finding: &Finding, changed: &ChangedLines) -> bool {
    let hit = |path: &str, first: u32, last: u32| {
        changed
            .get(path)
            .is_some_and(|lines| lines.range(first..=last.max(first)).next().is_some())
    };
    hit(
        &finding.path,
        finding.span.start.line,
        finding.span.end.line,
    ) || finding
        .related
        .iter()
        .any(|r| hit(&finding.path, r.span.start.line, r.span.end.line))
        || finding
            .trace
            .iter()
            .any(|t| hit(&t.path, t.span.start.line, t.span.end.line))
}

/// Drops the findings that existed before the change: for each (path, fingerprint), as many
/// findings as there were before are taken as old, untouched ones first (they are the same
/// code), so a repeated defect added beside an old one is still reported.
pub(crate) fn new_since(
    findings: Vec<(Finding, bool)>,
    before: &[Finding],
    renamed: &HashMap<String, String>,
) -> Vec<Finding> {
    let mut old: HashMap<(String, String), usize> = HashMap::new();
    for f in before {
        let path = renamed.get(&f.path).unwrap_or(&f.path).clone();
        *old.entry((path, f.fingerprint.clone())).or_default() += 1;
    }
    let mut kept = vec![true; findings.len()];
    // Untouched findings use up the old counts first, then touched ones in file order.
    let order = findings
        .iter()
        .enumerate()
        .filter(|(_, (_, touched))| !touched)
        .chain(findings.iter().enumerate().filter(|(_, (_, t))| *t));
    for (i, (finding, _)) in order {
        let key = (finding.path.clone(), finding.fingerprint.clone());
        if let Some(count) = old.get_mut(&key).filter(|c| **c > 0) {
            *count -= 1;
            kept[i] = false;
        }
    }
    findings
        .into_iter()
        .zip(kept)
        .filter(|((_, touched), kept)| *touched && *kept)
        .map(|((f, _), _)| f)
        .collect()
}

/// Paths before the change by path after it, for renamed and copied files.
pub(crate) fn renames(files: &[crate::patch::FileDiff]) -> HashMap<String, String> {
    files
        .iter()
        .filter_map(|f| {
            let old: &PathBuf = f.old_path.as_ref()?;
            let new: &PathBuf = f.new_path.as_ref()?;
            (old != new).then(|| (secrev_engine::display(old), secrev_engine::display(new)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrev_core::{Category, Confidence, Position, Severity, Span};

    fn finding(line: u32, fingerprint: &str) -> Finding {
        let at = Position { line, column: 1 };
        Finding {
            rule_id: "PY101".into(),
            title: "t".into(),
            cwe: 78,
            pillar: 707,
            category: Category::Injection,
            severity: Severity::High,
            confidence: Confidence::High,
            path: "app.py".into(),
            span: Span { start: at, end: at },
            message: String::new(),
            fix: String::new(),
            related: Vec::new(),
            trace: Vec::new(),
            fingerprint: fingerprint.into(),
            source: Default::default(),
            llm: None,
        }
    }

    #[test]
    fn a_copy_of_an_old_defect_on_a_new_line_is_new() {
        let changed: ChangedLines = [("app.py".to_string(), BTreeSet::from([7]))].into();
        let after = vec![finding(3, "x"), finding(7, "x"), finding(9, "y")];
        let marked = after
            .into_iter()
            .map(|f| {
                let t = touches(&f, &changed);
                (f, t)
            })
            .collect();
        let kept = new_since(marked, &[finding(3, "x")], &HashMap::new());
        assert_eq!(
            kept.iter().map(|f| f.span.start.line).collect::<Vec<_>>(),
            vec![7]
        );
    }

    #[test]
    fn an_edited_line_with_the_same_defect_is_not_new() {
        let changed: ChangedLines = [("app.py".to_string(), BTreeSet::from([3]))].into();
        let f = finding(3, "x");
        let touched = touches(&f, &changed);
        assert!(touched);
        assert!(new_since(vec![(f, touched)], &[finding(5, "x")], &HashMap::new()).is_empty());
    }
}
