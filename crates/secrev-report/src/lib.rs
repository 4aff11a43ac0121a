//! secrev's reports. Every format renders the same [`ScanReport`]; none of them re-derives
//! results. One module per format: [`Format::Text`] (`text.rs`), [`Format::Json`] (`json.rs`,
//! the schema is documented in `docs/json-schema.md`), [`Format::Sarif`] (`sarif.rs`), and the
//! formats made for reviews of a change: [`Format::Review`] (`review.rs`, the default of
//! `secrev review`), [`Format::Markdown`] (`markdown.rs`, a pull-request comment),
//! [`Format::Gerrit`] (`gerrit.rs`, a `ReviewInput` with robot comments) and [`Format::Github`]
//! (`github.rs`, workflow commands that annotate a pull request).
//!
//! Two modules hold what formats share, so no format repeats another: `explain.rs` writes the
//! prose of a review (what was reviewed, a finding's classification, its explanation built
//! from its message and data-flow trace), and `terminal.rs` reads source excerpts back and keeps
//! terminal output safe and optionally coloured (`text` and `review`).
//!
//! When [`ScanReport::change`] is set, the formats that have a header describe the change in it
//! (review, Markdown, Gerrit's message), JSON adds a `change` object and SARIF the run property
//! `secrevChange`; text and GitHub's annotations, which have no header, leave it out.
//!
//! When [`ScanReport::llm`] is set, every format states what the language model did and the
//! tokens it used (a summary line in prose formats, `llm` in JSON, the run property `secrevLlm`
//! in SARIF), and each finding says who reported it: JSON's `source` and `llm` fields, SARIF's
//! `source`/`llmConfidence` properties, and [`Finding::source_marker`] in the prose formats.
//!
//! Every format is deterministic: the same report renders to the same bytes (no timestamps,
//! durations or absolute paths are added). Every format that ends in prose ends with the
//! verdict sentence ([`verdict`]) as its last line.

mod explain;
mod gerrit;
mod github;
mod json;
mod markdown;
mod review;
mod sarif;
mod terminal;
mod text;

use secrev_core::{ChangeSummary, Diagnostic, Finding, LlmSummary, RuleInfo, Severity};
use std::io::{self, Write};

/// What a scan produced, as every format sees it.
pub struct ScanReport<'a> {
    /// Findings, already filtered and sorted (path, line, column, rule).
    pub findings: &'a [Finding],
    /// Problems with individual inputs.
    pub diagnostics: &'a [Diagnostic],
    /// The rules that ran (SARIF lists them; text and JSON look up titles).
    pub rules: &'a [RuleInfo],
    /// Counts about the scan as a whole.
    pub summary: Summary,
    /// The change under review (`secrev review`); `None` for a scan of files.
    pub change: Option<&'a ChangeSummary>,
    /// What the language-model layer did (`--llm`): requests, tokens, what was kept and
    /// dropped. `None` when it was not asked, so reports without it are unchanged.
    pub llm: Option<&'a LlmSummary>,
}

/// Counts about the scan as a whole.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    /// Files read and analysed.
    pub files_scanned: usize,
    /// Files found but not scanned (unreadable, binary, too large).
    pub files_skipped: usize,
    /// Source lines in the scanned files.
    pub lines_scanned: usize,
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable findings with annotated source excerpts.
    Text,
    /// The versioned JSON document described in `docs/json-schema.md`.
    Json,
    /// SARIF 2.1.0, as GitHub code scanning reads it.
    Sarif,
    /// A code review: the change, numbered defects with explanation and fix, and the verdict.
    Review,
    /// A pull-request comment in GitHub-flavoured Markdown, details collapsed.
    Markdown,
    /// Gerrit `ReviewInput` JSON with robot comments, for `ssh gerrit review --json` or REST.
    Gerrit,
    /// GitHub Actions workflow commands (`::error file=...,line=...::`), one per finding.
    Github,
}

/// How to render.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Use ANSI colours (`text` and `review` only).
    pub color: bool,
}

/// The verdict sentence when nothing is found.
pub const NO_DEFECTS: &str = "No security defects are detected in the code";

/// Renders `report` in `format` to `out`.
pub fn render(
    format: Format,
    report: &ScanReport,
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::render(report, options, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Review => review::render(report, options, out),
        Format::Markdown => markdown::render(report, out),
        Format::Gerrit => gerrit::render(report, out),
        Format::Github => github::render(report, out),
    }
}

/// The verdict sentence for `findings` findings: [`NO_DEFECTS`] for none, otherwise
/// `N security defects are detected in the code` (`1 security defect is detected ...` for one).
pub fn verdict(findings: usize) -> String {
    match findings {
        0 => NO_DEFECTS.to_string(),
        1 => "1 security defect is detected in the code".to_string(),
        n => format!("{n} security defects are detected in the code"),
    }
}

/// Findings counted by severity, most severe first, zero counts omitted.
pub fn severity_counts(findings: &[Finding]) -> Vec<(Severity, usize)> {
    Severity::ALL
        .iter()
        .rev()
        .map(|s| (*s, findings.iter().filter(|f| f.severity == *s).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}
