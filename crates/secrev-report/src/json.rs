//! The JSON format: one versioned document, described field by field in `docs/json-schema.md`.
//! A review's document also describes the change under review (`change`); a scan's has no
//! such key.
//!
//! The document is deterministic (no timestamps, durations or absolute paths are added), so
//! two scans of the same code produce the same bytes.

use crate::explain::cwe_name;
use crate::{verdict, ScanReport};
use secrev_core::{cwe, ChangeSummary, Diagnostic, DiagnosticKind, Finding, Severity};
use serde::Serialize;
use std::io::{self, Write};

/// The version of the document's shape. Adding a field keeps it; removing, renaming or
/// changing the meaning of one increments it.
pub(crate) const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    /// The change under review (`secrev review`); absent for a scan of files, so a scan's
    /// document is unchanged by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<&'a ChangeSummary>,
    summary: Summary,
    verdict: String,
    findings: Vec<JsonFinding<'a>>,
    diagnostics: &'a [Diagnostic],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files_scanned: usize,
    files_skipped: usize,
    /// Scanned files with syntax errors (one `syntax` diagnostic each).
    files_with_syntax_errors: usize,
    lines_scanned: usize,
    findings: usize,
    by_severity: BySeverity,
}

/// Every severity, zero counts included, so consumers need not treat a missing key as zero.
#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

/// A [`Finding`] as secrev-core serializes it, plus the catalogue names of its CWE and pillar.
#[derive(Serialize)]
struct JsonFinding<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    cwe_name: &'static str,
    pillar_name: &'static str,
}

pub(crate) fn render(report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "secrev",
            version: env!("CARGO_PKG_VERSION"),
        },
        change: report.change,
        summary: Summary {
            files_scanned: report.summary.files_scanned,
            files_skipped: report.summary.files_skipped,
            files_with_syntax_errors: report
                .diagnostics
                .iter()
                .filter(|d| d.kind == DiagnosticKind::Syntax)
                .count(),
            lines_scanned: report.summary.lines_scanned,
            findings: report.findings.len(),
            by_severity: BySeverity {
                critical: count(Severity::Critical),
                high: count(Severity::High),
                medium: count(Severity::Medium),
                low: count(Severity::Low),
                info: count(Severity::Info),
            },
        },
        verdict: verdict(report.findings.len()),
        findings: report
            .findings
            .iter()
            .map(|finding| JsonFinding {
                finding,
                cwe_name: cwe_name(finding.cwe),
                pillar_name: cwe::pillar_name(finding.pillar),
            })
            .collect(),
        diagnostics: report.diagnostics,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
