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
    /// Who reported it: secrev's rules, the language model (`--llm`), or both.
    #[serde(default)]
    pub source: Source,
    /// What the language model said about it, when it was asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub llm: Option<LlmNote>,
}

/// Who reported a finding.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// secrev's own analysis.
    #[default]
    Static,
    /// The language model alone, checked against the code (grounded) before it was reported.
    Llm,
    /// Both: a static finding the model reported too, at the same place and in the same CWE
    /// family.
    Both,
}

impl Source {
    /// The lowercase word reports use.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Static => "static",
            Source::Llm => "llm",
            Source::Both => "both",
        }
    }
}

/// What the language model said about a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LlmNote {
    /// The model's confidence in the finding, lowered where its answer hedged or its line
    /// numbers had to be corrected.
    pub confidence: Confidence,
    /// The model's own explanation, for a finding whose `message` is secrev's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// The model cited other lines than the ones its quoted code is on; the finding was moved to
    /// the quote.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reanchored: bool,
    /// With `--llm-triage`: the model judged this static finding a false positive, for this
    /// reason. The finding is still reported; it no longer fails the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dismissed: Option<String>,
}

impl Finding {
    /// Whether the model dismissed it under `--llm-triage`.
    pub fn is_dismissed(&self) -> bool {
        self.llm.as_ref().is_some_and(|n| n.dismissed.is_some())
    }

    /// A short marker of who reported a finding, for formats without a field for it:
    /// `None` for a static finding the model was not asked about, else `llm, confidence
    /// medium`, `static + llm, ...`, or `dismissed by llm: <reason>`.
    pub fn source_marker(&self) -> Option<String> {
        let note = self.llm.as_ref()?;
        if let Some(reason) = &note.dismissed {
            return Some(format!("dismissed by llm: {reason}"));
        }
        let who = match self.source {
            Source::Static => return None,
            Source::Llm => "llm",
            Source::Both => "static + llm",
        };
        Some(format!("{who}, llm confidence {}", note.confidence))
    }
}

/// What the language-model layer did in one run, for the report (`--llm`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LlmSummary {
    /// The model asked.
    pub model: String,
    /// The prompt strategy (`basic`, `pillars`, `reasoning`, `static-context`).
    pub strategy: String,
    /// Requests answered by the server.
    pub requests: u32,
    /// Requests answered from the cache, at no cost.
    pub cached: u32,
    /// Requests that failed after retries, or were not sent because the run's token budget was
    /// spent.
    pub failed: u32,
    /// Tokens the server counted for the prompts and the answers of this run (cached answers
    /// cost none).
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// Model findings reported on their own (`source: llm`).
    pub reported: u32,
    /// Model findings that confirmed a static finding (`source: both`).
    pub merged: u32,
    /// Model findings dropped because they cite no line or say nothing about the cited code.
    pub dropped_vague: u32,
    /// Model findings dropped because the cited lines do not exist or do not hold the quoted
    /// code.
    pub dropped_ungrounded: u32,
    /// Model findings dropped because their CWE is missing or not in MITRE's catalogue.
    pub dropped_unknown_cwe: u32,
    /// Model findings moved to where their quoted code is.
    pub reanchored: u32,
    /// Static findings the model dismissed (`--llm-triage`).
    pub dismissed: u32,
    /// Why requests failed, one line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

impl LlmSummary {
    /// One line for text reports: `LLM (model, strategy): 3 requests (1 cached), 1234 tokens;
    /// 2 findings reported, 1 confirmed, 4 dropped (3 vague, 1 ungrounded)`.
    pub fn line(&self) -> String {
        let dropped = self.dropped_vague + self.dropped_ungrounded + self.dropped_unknown_cwe;
        let mut line = format!(
            "LLM ({}, {}): {} requests ({} cached, {} failed), {} tokens ({} prompt, {} answer); \
             {} findings reported, {} confirmed static findings, {} dropped ({} vague, {} \
             ungrounded, {} unknown CWE)",
            self.model,
            self.strategy,
            self.requests + self.cached + self.failed,
            self.cached,
            self.failed,
            self.prompt_tokens + self.completion_tokens,
            self.prompt_tokens,
            self.completion_tokens,
            self.reported,
            self.merged,
            dropped,
            self.dropped_vague,
            self.dropped_ungrounded,
            self.dropped_unknown_cwe,
        );
        if self.reanchored > 0 {
            line.push_str(&format!(", {} re-anchored", self.reanchored));
        }
        if self.dismissed > 0 {
            line.push_str(&format!(", {} static findings dismissed", self.dismissed));
        }
        line
    }
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
