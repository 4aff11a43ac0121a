//! Model findings meet static ones: a model finding at the place of a static finding (their
//! lines overlap, give or take one) and in the same CWE family confirms it — one finding with
//! both sources — instead of being reported twice. Static findings are never removed here.

use crate::ground::same_family;
use secrev_core::{Finding, LlmNote, Source};

/// Merges `model` findings into `statics`; returns the model findings left on their own and
/// how many were merged.
pub fn merge(statics: &mut [Finding], model: Vec<Finding>) -> (Vec<Finding>, u32) {
    let mut alone = Vec::new();
    let mut merged = 0;
    for m in model {
        let target = statics.iter_mut().find(|s| {
            s.path == m.path
                && s.span.start.line <= m.span.end.line + 1
                && m.span.start.line <= s.span.end.line + 1
                && same_family(s.cwe, m.cwe)
                && s.source != Source::Both
        });
        match target {
            Some(s) => {
                let note = m.llm.unwrap_or(LlmNote {
                    confidence: m.confidence,
                    explanation: None,
                    reanchored: false,
                    dismissed: None,
                });
                s.source = Source::Both;
                let dismissed = s.llm.take().and_then(|n| n.dismissed);
                s.llm = Some(LlmNote {
                    explanation: Some(m.message),
                    dismissed,
                    ..note
                });
                merged += 1;
            }
            None => alone.push(m),
        }
    }
    (alone, merged)
}
