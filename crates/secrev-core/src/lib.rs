//! The vocabulary every other secrev crate speaks: findings, their locations, severities and
//! confidences, the review taxonomy, rule metadata, and the CWE catalogue.
//!
//! Nothing here knows about a programming language; front-ends, rules and reports all meet here.

mod change;
pub mod cwe;
mod finding;
mod fingerprint;
mod location;
mod rule_info;
mod taxonomy;

pub use change::{ChangeSummary, ChangedFile, FileStatus};
pub use finding::{
    Diagnostic, DiagnosticKind, Finding, LlmNote, LlmSummary, RelatedLocation, Source, TraceStep,
};
pub use fingerprint::fingerprint;
pub use location::{ByteSpan, LineIndex, Position, Span};
pub use rule_info::{RuleDocs, RuleInfo};
pub use taxonomy::{Category, Confidence, Severity};
