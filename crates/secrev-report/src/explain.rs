//! The prose the review formats share (`review`, `markdown`, `gerrit`, `github`): what was
//! reviewed, how a finding is classified, and why it is a defect, in sentences built only from
//! the finding itself (its message, trace and locations), so every explanation is specific to
//! the code.
//!
//! Everything here is plain text; each format escapes it for its medium.

use crate::ScanReport;
use secrev_core::{
    cwe, ChangeSummary, ChangedFile, Diagnostic, DiagnosticKind, Finding, Severity, Span,
};

/// The sentence a review states when only a patch's hunks were available for some files.
pub(crate) const PARTIAL_CONTEXT: &str = "The review had partial context: only the patch's hunks \
     were available for some files, so data flow beyond them was not followed.";

/// The most intermediate steps a data-flow sentence names before it summarises the rest.
const MAX_FLOW_STEPS: usize = 8;

/// `n` and the singular or plural noun.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Findings counted by severity, most severe first: `1 critical, 2 high`; `no findings` for
/// none.
pub(crate) fn severity_summary(findings: &[Finding]) -> String {
    let counts: Vec<String> = crate::severity_counts(findings)
        .iter()
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    if counts.is_empty() {
        "no findings".to_string()
    } else {
        counts.join(", ")
    }
}

/// MITRE's name for a CWE, or `Unknown weakness` when the catalogue does not have it.
pub(crate) fn cwe_name(id: u32) -> &'static str {
    cwe::name(id).unwrap_or("Unknown weakness")
}

/// `CWE-78 <name> (pillar CWE-707 <pillar name>)`.
pub(crate) fn classification(f: &Finding) -> String {
    format!(
        "CWE-{} {} (pillar CWE-{} {})",
        f.cwe,
        cwe_name(f.cwe),
        f.pillar,
        cwe::pillar_name(f.pillar)
    )
}

/// `path:line:col` of a span's start, the form editors and terminals link to.
pub(crate) fn location(path: &str, span: Span) -> String {
    format!("{path}:{}:{}", span.start.line, span.start.column)
}

/// Why `f` is a defect, as one paragraph: see [`explanation_sentences`].
pub(crate) fn explanation(f: &Finding) -> String {
    explanation_sentences(f).join(" ")
}

/// Why `f` is a defect: its message as a sentence and, for a data-flow finding, one sentence
/// naming where the data comes from and the lines it passes through. Apart, so a format can
/// escape each on its own.
pub(crate) fn explanation_sentences(f: &Finding) -> Vec<String> {
    let mut sentences = vec![sentence(&f.message)];
    sentences.extend(data_flow(f));
    sentences
}

/// `The data comes from <source> at path:line and reaches this line through lines 12, 15.`
/// `None` for a finding without a trace.
fn data_flow(f: &Finding) -> Option<String> {
    let (source, rest) = f.trace.split_first()?;
    let at_finding = |path: &str, line: u32| path == f.path && line == f.span.start.line;
    // The steps between source and sink: where the data goes after its source, short of this
    // line. Steps in this file are named by line number, steps in others by `path:line`.
    let at_source = |path: &str, line: u32| path == source.path && line == source.span.start.line;
    let mut through: Vec<(bool, String)> = Vec::new();
    for step in rest {
        let line = step.span.start.line;
        if at_finding(&step.path, line) || at_source(&step.path, line) {
            continue;
        }
        let here = step.path == f.path;
        let name = if here {
            line.to_string()
        } else {
            format!("{}:{line}", step.path)
        };
        if through.last().map(|(_, last)| last) != Some(&name) {
            through.push((here, name));
        }
    }
    Some(format!(
        "The data comes from {} at {}:{} and reaches this line {}.",
        source
            .message
            .trim_start_matches("source: ")
            .trim_end_matches('.'),
        source.path,
        source.span.start.line,
        route(&through),
    ))
}

/// How data reaches a line through `steps`, each a step's name and whether it is in the
/// finding's file: `directly`, `through line 15`, `through lines 12, 15`, `through line 15,
/// lib.py:3`; after [`MAX_FLOW_STEPS`] steps, `and N more`.
fn route(steps: &[(bool, String)]) -> String {
    let shown = &steps[..steps.len().min(MAX_FLOW_STEPS)];
    let all_here = shown.iter().all(|(here, _)| *here);
    let names: Vec<String> = shown
        .iter()
        .map(|(here, name)| match *here && !all_here {
            true => format!("line {name}"),
            false => name.clone(),
        })
        .collect();
    let mut route = match (names.as_slice(), all_here) {
        ([], _) => return "directly".to_string(),
        ([line], true) => format!("through line {line}"),
        (_, true) => format!("through lines {}", names.join(", ")),
        (_, false) => format!("through {}", names.join(", ")),
    };
    if steps.len() > shown.len() {
        route.push_str(&format!(" and {} more", steps.len() - shown.len()));
    }
    route
}

/// `s` as a sentence: a leading lowercase word capitalised (unless it looks like code, such as
/// `os.system`), a full stop added unless it ends with one.
fn sentence(s: &str) -> String {
    let s = s.trim();
    let first_word = s.split(' ').next().unwrap_or("");
    let prose = !first_word.is_empty() && first_word.chars().all(|c| c.is_ascii_lowercase());
    let mut out = String::with_capacity(s.len() + 1);
    let mut chars = s.chars();
    if prose {
        if let Some(c) = chars.next() {
            out.push(c.to_ascii_uppercase());
        }
    }
    out.extend(chars);
    if !out.is_empty() && !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// What the review is of: the change's title, or `N files` for a scan.
pub(crate) fn subject(report: &ScanReport) -> String {
    match report.change {
        Some(change) => change.title.clone(),
        None => plural(report.summary.files_scanned, "file", "files"),
    }
}

/// The size of what was reviewed: `<source>: 3 files, +14 -4 lines` for a change (without the
/// source when it has none), `40 lines scanned, 1 file skipped` for a scan.
pub(crate) fn extent(report: &ScanReport) -> String {
    match report.change {
        Some(change) if change.source.is_empty() => change_size(change),
        Some(change) => format!("{}: {}", change.source, change_size(change)),
        None => {
            let summary = &report.summary;
            let lines = plural(summary.lines_scanned, "line", "lines");
            match summary.files_skipped {
                0 => format!("{lines} scanned"),
                n => format!("{lines} scanned, {} skipped", plural(n, "file", "files")),
            }
        }
    }
}

/// `3 files, +14 -4 lines`.
fn change_size(change: &ChangeSummary) -> String {
    format!(
        "{}, +{} -{} lines",
        plural(change.files.len(), "file", "files"),
        change.added(),
        change.removed()
    )
}

/// One touched file: `modified  app.py (+3 -1)`, `renamed   old.py -> new.py (+0 -0)`,
/// `added     logo.png (binary)`. The status is padded so the paths line up.
pub(crate) fn changed_file(file: &ChangedFile) -> String {
    let name = match &file.old_path {
        Some(old) if *old != file.path => format!("{old} -> {}", file.path),
        _ => file.path.clone(),
    };
    let size = if file.binary {
        "binary".to_string()
    } else {
        format!("+{} -{}", file.added, file.removed)
    };
    format!("{:<8}  {name} ({size})", file.status.as_str())
}

/// What the review left out, one note per diagnostic that kept part of a file from being
/// analysed: `path:2:8: <message> (<what was left out>)`. A file read with replacement
/// characters (not UTF-8) was reviewed, so it has no note.
pub(crate) fn not_reviewed(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter_map(|d| {
            let effect = match d.kind {
                DiagnosticKind::Io => "could not be read",
                DiagnosticKind::Binary => "binary",
                DiagnosticKind::TooLarge => "over the size limit",
                DiagnosticKind::Internal => "the analysis failed",
                DiagnosticKind::Syntax => "only the parts that parsed were reviewed",
                DiagnosticKind::TooDeep => "the deeply nested parts were not reviewed",
                DiagnosticKind::Encoding => return None,
            };
            let place = match d.span {
                Some(span) => location(&d.path, span),
                None => d.path.clone(),
            };
            Some(format!("{place}: {} ({effect})", d.message))
        })
        .collect()
}

/// `severity high, confidence medium`.
pub(crate) fn rating(f: &Finding) -> String {
    format!("severity {}, confidence {}", f.severity, f.confidence)
}

/// Whether a finding of `severity` should block a change (GitHub's `error`, Markdown's bold).
pub(crate) fn is_blocking(severity: Severity) -> bool {
    matches!(severity, Severity::Critical | Severity::High)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrev_core::{Category, Confidence, FileStatus, Position, TraceStep};

    fn span(line: u32, column: u32) -> Span {
        let p = Position { line, column };
        Span { start: p, end: p }
    }

    fn finding(trace: &[(&str, u32, &str)]) -> Finding {
        Finding {
            rule_id: "PY801".into(),
            title: "t".into(),
            cwe: 78,
            pillar: 707,
            category: Category::Injection,
            severity: Severity::High,
            confidence: Confidence::High,
            path: "app.py".into(),
            span: span(20, 5),
            message: "`cmd` reaches `os.system`".into(),
            fix: "f".into(),
            related: Vec::new(),
            trace: trace
                .iter()
                .map(|(path, line, message)| TraceStep {
                    path: (*path).into(),
                    span: span(*line, 1),
                    message: (*message).into(),
                })
                .collect(),
            fingerprint: "0".into(),
            source: Default::default(),
            llm: None,
        }
    }

    #[test]
    fn sentences_capitalise_prose_only() {
        assert_eq!(
            sentence("an env var reaches SQL"),
            "An env var reaches SQL."
        );
        assert_eq!(sentence("os.system runs `x`"), "os.system runs `x`.");
        assert_eq!(sentence("`x` is bad."), "`x` is bad.");
        assert_eq!(sentence(""), "");
    }

    #[test]
    fn data_flow_names_source_and_lines() {
        let f = finding(&[
            ("app.py", 12, "request argument `q`"),
            ("app.py", 15, "assigned to `cmd`"),
            ("lib.py", 3, "returned"),
            ("app.py", 20, "reaches `os.system`"),
        ]);
        assert_eq!(
            explanation(&f),
            "`cmd` reaches `os.system`. The data comes from request argument `q` at app.py:12 \
             and reaches this line through line 15, lib.py:3."
        );
        let direct = finding(&[("app.py", 19, "parameter `cmd`"), ("app.py", 20, "sink")]);
        assert!(explanation(&direct).ends_with("at app.py:19 and reaches this line directly."));
        let local = finding(&[("app.py", 2, "s"), ("app.py", 5, "a"), ("app.py", 9, "b")]);
        assert!(explanation(&local).ends_with(" through lines 5, 9."));
        let long: Vec<(&str, u32, &str)> = (1..=12).map(|line| ("app.py", line, "s")).collect();
        assert!(explanation(&finding(&long))
            .ends_with(" through lines 2, 3, 4, 5, 6, 7, 8, 9 and 3 more."));
        assert_eq!(explanation(&finding(&[])), "`cmd` reaches `os.system`.");
    }

    #[test]
    fn not_reviewed_skips_files_that_were_reviewed() {
        let diagnostic = |kind, span| Diagnostic {
            path: "a.py".into(),
            kind,
            span,
            message: "m".into(),
        };
        let notes = not_reviewed(&[
            diagnostic(DiagnosticKind::Encoding, None),
            diagnostic(DiagnosticKind::Io, None),
            diagnostic(DiagnosticKind::Syntax, Some(span(2, 8))),
        ]);
        assert_eq!(
            notes,
            [
                "a.py: m (could not be read)",
                "a.py:2:8: m (only the parts that parsed were reviewed)"
            ]
        );
    }

    #[test]
    fn changed_files_line_up() {
        let file = |status, old: Option<&str>, binary| ChangedFile {
            path: "new.py".into(),
            old_path: old.map(Into::into),
            status,
            added: 3,
            removed: 1,
            binary,
        };
        assert_eq!(
            changed_file(&file(FileStatus::Modified, None, false)),
            "modified  new.py (+3 -1)"
        );
        assert_eq!(
            changed_file(&file(FileStatus::Renamed, Some("old.py"), false)),
            "renamed   old.py -> new.py (+3 -1)"
        );
        assert_eq!(
            changed_file(&file(FileStatus::Added, None, true)),
            "added     new.py (binary)"
        );
    }
}
