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
pub mod kinds;
mod label;
mod model;
mod project;
mod state;

pub use analysis::{Hit, Site};
pub use label::{Step, Trace, APPROXIMATE};
pub use model::{Models, Threat};
pub use project::ProjectFile;

/// Analyses the project and returns, for each sink reached by untrusted data, the strongest
/// evidence: a remote source over a local one, a modelled path over a guessed one, the shorter
/// trace. Sorted by file, position and kind.
pub fn analyze(models: &Models, files: &[ProjectFile]) -> Vec<Hit> {
    let mut hits = project::analyze_project(models, files);
    hits.sort_by(|a, b| {
        (a.site.file, a.site.span.start, a.site.span.end, a.kind)
            .cmp(&(b.site.file, b.site.span.start, b.site.span.end, b.kind))
            .then_with(|| a.threat.cmp(&b.threat))
            .then_with(|| (a.flags & APPROXIMATE).cmp(&(b.flags & APPROXIMATE)))
            .then_with(|| a.trace.len.cmp(&b.trace.len))
    });
    hits.dedup_by(|a, b| (a.site.file, a.site.span, a.kind) == (b.site.file, b.site.span, b.kind));
    hits
}
