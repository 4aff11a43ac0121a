//! secrev's taint analysis: which untrusted data can reach which dangerous operation.
//!
//! Sources, sinks, sanitizers, guards and propagators are data ([`Models`], loaded from the
//! `models/*.toml` files shipped with secrev and from the user's own). The engine walks each
//! function's control-flow graph ([`secrev_ir::Cfg`]) carrying the taint of every access path
//! forward, learning from conditions on the way (`if name in ALLOWED:`) and skipping branches
//! whose condition is constant. Each function gets a summary (which parameters reach its return
//! value and which reach sinks), computed callees first over the project's call graph, so data
//! read in one function or file and used in another is followed.

mod analysis;
pub mod authz;
pub mod kinds;
mod label;
mod model;
mod project;
mod state;

pub use analysis::{Hit, Site};
pub use label::{Step, Trace, APPROXIMATE};
pub use model::{is_test_module, Models, Threat};
pub use project::{reachable_unresolved, ProjectFile};

/// What the analysis of a project found.
pub struct Outcome {
    /// For each sink reached by untrusted data, the strongest evidence: a remote source over a
    /// local one, a modelled path over a guessed one, the shorter trace. Sorted by file,
    /// position and kind.
    pub hits: Vec<Hit>,
    /// Files (by index) with a function that returns data from a source: files that call it
    /// can reach sinks with that data, so they belong in the analysis too.
    pub returns_sources: Vec<usize>,
    /// Qualified names the analysed functions call that name no function of the files
    /// analysed: if a scanned file defines one, it belongs in the analysis.
    pub unresolved_calls: Vec<String>,
    /// Functions (file index and span) the analysis followed data through: where it reports
    /// nothing, no source reaches a sink, so pattern rules need not guess.
    pub covered: Vec<(usize, secrev_core::ByteSpan)>,
}

/// Analyses the project.
pub fn analyze(models: &Models, files: &[ProjectFile]) -> Outcome {
    let project::Found {
        mut hits,
        returning: returns_sources,
        unresolved: unresolved_calls,
        covered,
    } = project::analyze_project(models, files);
    hits.sort_by(|a, b| {
        (a.site.file, a.site.span.start, a.site.span.end, a.kind)
            .cmp(&(b.site.file, b.site.span.start, b.site.span.end, b.kind))
            .then_with(|| a.threat.cmp(&b.threat))
            .then_with(|| (a.flags & APPROXIMATE).cmp(&(b.flags & APPROXIMATE)))
            .then_with(|| a.trace.len.cmp(&b.trace.len))
    });
    hits.dedup_by(|a, b| (a.site.file, a.site.span, a.kind) == (b.site.file, b.site.span, b.kind));
    Outcome {
        hits,
        returns_sources,
        unresolved_calls,
        covered,
    }
}
