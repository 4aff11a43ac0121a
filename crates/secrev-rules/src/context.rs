use secrev_core::{ByteSpan, Confidence, Severity};
use secrev_ir::{Function, Unit};
use std::cell::OnceCell;

/// What a rule hook can see besides the item it is called on.
pub struct Context<'a> {
    pub source: &'a str,
    pub path: &'a str,
    pub unit: &'a Unit,
    pub function: &'a Function,
    /// Analyses of the whole file, computed on first use and shared by every function's rules.
    pub(crate) cache: &'a UnitCache,
}

/// Analyses of one file that several rules, or one rule in every function, read.
#[derive(Default)]
pub(crate) struct UnitCache {
    /// The sinks C/C++ source data reaches (rules C601-C604).
    c_taint: OnceCell<Vec<crate::rules::c::taint::Reached>>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        source: &'a str,
        path: &'a str,
        unit: &'a Unit,
        function: &'a Function,
        cache: &'a UnitCache,
    ) -> Self {
        Context {
            source,
            path,
            unit,
            function,
            cache,
        }
    }

    /// The sinks C/C++ source data reaches anywhere in the file.
    pub(crate) fn c_taint(&self) -> &'a [crate::rules::c::taint::Reached] {
        self.cache
            .c_taint
            .get_or_init(|| crate::rules::c::taint::analyse(self.unit, self.source))
    }

    /// The exact source text of `span`.
    pub fn text(&self, span: ByteSpan) -> &'a str {
        let end = (span.end as usize).max(span.start as usize);
        self.source.get(span.start as usize..end).unwrap_or("")
    }

    /// The 1-based line `span` starts on, for messages that point at another line.
    pub fn line_of(&self, span: ByteSpan) -> u32 {
        let before = self
            .source
            .get(..span.start as usize)
            .unwrap_or(self.source);
        before.bytes().filter(|b| *b == b'\n').count() as u32 + 1
    }

    /// The source text of `span`, on one line and shortened to about 60 characters, for quoting
    /// the code in a message.
    pub fn code(&self, span: ByteSpan) -> String {
        let text = self.text(span);
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if flat.chars().count() > 60 {
            let cut: String = flat.chars().take(57).collect();
            format!("{cut}...")
        } else {
            flat
        }
    }
}

/// One thing a rule reports, before the engine turns it into a finding.
#[derive(Debug, Clone)]
pub struct Hit {
    pub span: ByteSpan,
    pub message: String,
    pub fix: String,
    /// Overrides the rule's default severity for this hit.
    pub severity: Option<Severity>,
    /// Overrides the rule's default confidence for this hit.
    pub confidence: Option<Confidence>,
    /// Other locations taking part in the defect.
    pub related: Vec<(ByteSpan, String)>,
    /// For a hit about a missing check: what in other files may make the check, or make the
    /// siblings' convention; the engine settles it with the project index
    /// ([`crate::AuthzIndex`]).
    pub delegated: Option<crate::Delegated>,
}

impl Hit {
    /// Sets this hit's severity.
    pub fn severity(&mut self, severity: Severity) -> &mut Self {
        self.severity = Some(severity);
        self
    }

    /// Sets this hit's confidence.
    pub fn confidence(&mut self, confidence: Confidence) -> &mut Self {
        self.confidence = Some(confidence);
        self
    }

    /// Makes the hit depend on code in other files.
    pub fn delegated(&mut self, delegated: crate::Delegated) -> &mut Self {
        self.delegated = Some(delegated);
        self
    }

    /// Adds a related location.
    pub fn related(&mut self, span: ByteSpan, message: impl Into<String>) -> &mut Self {
        self.related.push((span, message.into()));
        self
    }
}

/// Collects a rule's hits.
#[derive(Default)]
pub struct Reporter {
    hits: Vec<Hit>,
}

impl Reporter {
    /// Reports a defect at `span`, with a message and a fix that talk about this code.
    pub fn report(
        &mut self,
        span: ByteSpan,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> &mut Hit {
        self.hits.push(Hit {
            span,
            message: message.into(),
            fix: fix.into(),
            severity: None,
            confidence: None,
            related: Vec::new(),
            delegated: None,
        });
        let last = self.hits.len() - 1;
        &mut self.hits[last]
    }

    pub(crate) fn into_hits(self) -> Vec<Hit> {
        self.hits
    }
}
