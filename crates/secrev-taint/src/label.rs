//! What a value's taint is made of: labels naming where the data came from, which kinds of sink
//! it has been made safe for, and the steps it took.

use crate::kinds::KindSet;
use crate::model::Threat;
use secrev_core::ByteSpan;
use secrev_ir::CompactString;
use std::sync::Arc;

/// At most this many labels are kept per value; more origins add nothing a reviewer needs and
/// would let the analysis grow without bound.
const MAX_LABELS: usize = 4;
/// At most this many steps are kept per trace.
pub const MAX_STEPS: usize = 24;

/// Where tainted data came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// A source in the scanned code.
    Source { threat: Threat, label: Arc<str> },
    /// Whatever the caller passes as this parameter (by position in the callee's signature):
    /// what function summaries are made of.
    Param(u16),
}

/// One step of a trace: a place in a file and what happened there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The index of the file in the project.
    pub file: u32,
    pub span: ByteSpan,
    pub note: CompactString,
}

/// A path through the code, newest step first.
#[derive(Debug)]
pub struct Trace {
    pub step: Step,
    pub prev: Option<Arc<Trace>>,
    pub len: usize,
}

impl Trace {
    /// A trace of one step.
    pub fn start(step: Step) -> Arc<Trace> {
        Arc::new(Trace {
            step,
            prev: None,
            len: 1,
        })
    }

    /// `trace` followed by `step`; a trace at the step limit keeps its first and newest steps.
    pub fn then(trace: &Arc<Trace>, step: Step) -> Arc<Trace> {
        if trace.step == step {
            return trace.clone();
        }
        let prev = if trace.len >= MAX_STEPS {
            trace.prev.clone()
        } else {
            Some(trace.clone())
        };
        let len = prev.as_ref().map_or(0, |p| p.len) + 1;
        Arc::new(Trace { step, prev, len })
    }

    /// `first` followed by every step of `rest` (oldest first).
    pub fn concat(first: &Arc<Trace>, rest: &Arc<Trace>) -> Arc<Trace> {
        rest.steps().into_iter().fold(first.clone(), |trace, step| {
            Trace::then(&trace, step.clone())
        })
    }

    /// The steps, oldest first.
    pub fn steps(&self) -> Vec<&Step> {
        let mut steps = Vec::with_capacity(self.len);
        let mut current = Some(self);
        while let Some(trace) = current {
            steps.push(&trace.step);
            current = trace.prev.as_deref();
        }
        steps.reverse();
        steps
    }
}

/// The label passed through a call the models do not describe: the result probably carries the
/// data, but that is a guess.
pub const APPROXIMATE: u8 = 1;
/// The path was made absolute and normalised (`os.path.realpath`), so a prefix check on it holds.
pub const NORMALIZED: u8 = 2;
/// The data was placed under a directory the program chose (`os.path.join(BASE, name)`): a path
/// the program means to keep inside that directory, which `..` in the data escapes. A path
/// taken whole from the person running the program is theirs to choose and is no traversal.
pub const CONFINED: u8 = 4;

/// One origin of a tainted value.
#[derive(Debug, Clone)]
pub struct Label {
    pub origin: Origin,
    /// The sink kinds this data has been made safe for.
    pub sanitized: KindSet,
    pub flags: u8,
    pub trace: Arc<Trace>,
}

impl Label {
    fn key(&self) -> (&Origin, KindSet, u8) {
        (&self.origin, self.sanitized, self.flags)
    }

    /// Whether the label names untrusted data (not a secret, not a parameter).
    pub fn is_untrusted(&self) -> bool {
        matches!(&self.origin, Origin::Source { threat, .. } if *threat != Threat::Secret)
    }

    /// Whether the label names a secret (a password, a token) rather than untrusted data.
    pub fn is_secret(&self) -> bool {
        matches!(
            self.origin,
            Origin::Source {
                threat: Threat::Secret,
                ..
            }
        )
    }

    /// The kinds this label can still reach: those of its threat (every kind for a parameter,
    /// whose data is known only at the call) not sanitized for.
    fn open_kinds(&self) -> KindSet {
        let reachable = match &self.origin {
            Origin::Source { threat, .. } => threat.kinds(),
            Origin::Param(_) => crate::kinds::ALL_KINDS,
        };
        reachable & !self.sanitized
    }
}

/// The taint of a value: empty when no untrusted data can reach it.
#[derive(Debug, Clone, Default)]
pub struct Taint(Vec<Label>);

impl Taint {
    pub fn clean() -> Taint {
        Taint(Vec::new())
    }

    pub fn of(label: Label) -> Taint {
        Taint(vec![label])
    }

    pub fn is_clean(&self) -> bool {
        self.0.is_empty()
    }

    pub fn labels(&self) -> &[Label] {
        &self.0
    }

    /// Adds a label, keeping the labels ordered and distinct by origin, sanitization and flags.
    /// Secret labels and the others are counted apart, so that following secrets never
    /// crowds out what the injection kinds need.
    pub fn add(&mut self, label: Label) {
        let secret = label.is_secret();
        let same_class = || self.0.iter().filter(|l| l.is_secret() == secret).count();
        match self.0.binary_search_by(|l| l.key().cmp(&label.key())) {
            Ok(_) => {}
            Err(at) if same_class() < MAX_LABELS => self.0.insert(at, label),
            // Full: prefer labels from real sources over parameter labels, which only matter
            // to callers.
            Err(_) => {
                if !secret && matches!(label.origin, Origin::Source { .. }) {
                    if let Some(at) = self
                        .0
                        .iter()
                        .rposition(|l| matches!(l.origin, Origin::Param(_)))
                    {
                        self.0.remove(at);
                        self.add(label);
                    }
                }
            }
        }
    }

    pub fn union(&mut self, other: &Taint) {
        for label in &other.0 {
            self.add(label.clone());
        }
    }

    /// The same labels, made safe for `kinds`; labels safe for every kind they can reach are
    /// dropped.
    pub fn sanitize(&self, kinds: KindSet) -> Taint {
        let mut out = Taint::clean();
        for label in &self.0 {
            let label = Label {
                sanitized: label.sanitized | kinds,
                ..label.clone()
            };
            if label.open_kinds() != 0 {
                out.add(label);
            }
        }
        out
    }

    /// The same labels, with those that are or may be secrets (secret sources, parameters)
    /// made safe for `kinds` (a slice of a token shows only part of it); untrusted data is
    /// unchanged.
    pub fn sanitize_secrets(&self, kinds: KindSet) -> Taint {
        let mut out = Taint::clean();
        for label in &self.0 {
            if !label.is_secret() && !matches!(label.origin, Origin::Param(_)) {
                out.add(label.clone());
                continue;
            }
            let label = Label {
                sanitized: label.sanitized | kinds,
                ..label.clone()
            };
            if label.open_kinds() != 0 {
                out.add(label);
            }
        }
        out
    }

    /// The same labels with `flags` set.
    pub fn flagged(&self, flags: u8) -> Taint {
        let mut out = Taint::clean();
        for label in &self.0 {
            out.add(Label {
                flags: label.flags | flags,
                ..label.clone()
            });
        }
        out
    }

    /// The same labels with a step added to each trace.
    pub fn step(&self, step: &Step) -> Taint {
        Taint(
            self.0
                .iter()
                .map(|label| Label {
                    trace: Trace::then(&label.trace, step.clone()),
                    ..label.clone()
                })
                .collect(),
        )
    }

    /// Whether two taints have the same labels, traces aside: what the fixpoint compares.
    pub fn same(&self, other: &Taint) -> bool {
        self.0.len() == other.0.len()
            && self.0.iter().zip(&other.0).all(|(a, b)| a.key() == b.key())
    }
}
