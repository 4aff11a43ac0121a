use crate::{Category, Confidence, Severity, Span};
use serde::{Deserialize, Serialize};

/// One security defect at one place in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub title: String,
    pub cwe: u32,
    /// The CWE-1000 pillar the CWE falls under.
    pub pillar: u32,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    /// The path as the user named it (or as found under a named directory).
    pub path: String,
    pub span: Span,
    /// Why this code is a defect, in terms of this code.
    pub message: String,
    /// What to change, in terms of this code.
    pub fix: String,
    /// Other places that take part in the defect (the check of a check-then-use race, say).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedLocation>,
    /// For data-flow findings: the path the data takes from its source to this place.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<TraceStep>,
    /// A location-independent identity: rule, normalised source line and enclosing function.
    pub fingerprint: String,
}

/// A secondary location of a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedLocation {
    pub span: Span,
    pub message: String,
}

/// One step of a data-flow trace: where the data was and what happened to it there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceStep {
    /// The file of the step (data can cross files).
    pub path: String,
    pub span: Span,
    pub message: String,
}

/// What went wrong with one input, short of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosticKind {
    /// The file could not be read; it was not scanned.
    Io,
    /// The file looks binary; it was not scanned.
    Binary,
    /// The file is larger than the size limit; it was not scanned.
    TooLarge,
    /// The file is not valid UTF-8; it was scanned with replacement characters.
    Encoding,
    /// The file has syntax errors; the parts that parsed were scanned.
    Syntax,
    /// The file nests deeper than the analysis follows; the deep parts were skipped.
    TooDeep,
    /// The analysis failed on this file (a bug in secrev); it was skipped.
    Internal,
}

/// A message about one input file, reported beside the findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub path: String,
    pub kind: DiagnosticKind,
    /// Where in the file, when the problem has a place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    pub message: String,
}

impl Diagnostic {
    /// Whether the scan is incomplete because of it: an input that could not be read or analysed.
    pub fn is_error(&self) -> bool {
        matches!(self.kind, DiagnosticKind::Io | DiagnosticKind::Internal)
    }
}
