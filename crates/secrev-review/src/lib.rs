//! secrev's review of a change: it resolves what to review (a commit, a range, the working
//! tree, the index, a patch, whole files) into the files and lines the change touches, analyses
//! the files after the change in full (following calls into the rest of the project), and keeps
//! the findings the change introduces. Also: baselines for whole-tree scans.
//!
//! Modules: `patch` (patches, parsed by diffy), `git` (the repository's `git`), `images` (one
//! side of a patch rebuilt from the other), `change` (targets resolved into a [`Change`]),
//! `introduced` (the filter), `baseline`.

pub mod baseline;
mod change;
mod git;
mod images;
mod introduced;
pub mod patch;

pub use change::{Before, Change, Target, Tree};

use introduced::{new_since, renames, touches, ChangedLines};
use secrev_core::{ChangeSummary, Diagnostic, DiagnosticKind, Finding};
use secrev_engine::{display, is_python, is_source, scan_request, ScanRequest, Settings};
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

/// Why a review could not be made.
#[derive(Debug)]
pub enum ReviewError {
    /// The request makes no sense here (not a revision, not in a repository).
    Usage(String),
    /// The patch is not one, or is broken.
    Patch(String),
    /// git failed.
    Git(String),
    /// A file could not be read.
    Io(String),
}

impl std::fmt::Display for ReviewError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReviewError::Usage(m)
            | ReviewError::Patch(m)
            | ReviewError::Git(m)
            | ReviewError::Io(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ReviewError {}

/// How to review.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReviewOptions {
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Report every finding in the touched files, not only those the change introduces.
    pub all: bool,
    /// Keep the text of the reviewed files and their changed lines in the outcome (for the LLM
    /// layer, which sends changed hunks).
    pub keep_sources: bool,
}

/// A reviewed file as it is after the change.
#[derive(Debug, Clone)]
pub struct ReviewedSource {
    /// The path as findings show it.
    pub path: String,
    pub text: String,
    /// The lines the change adds or modifies.
    pub changed: BTreeSet<u32>,
}

/// What a review found.
#[derive(Debug)]
pub struct ReviewOutcome {
    pub change: ChangeSummary,
    /// The findings the change introduces (all findings in the touched files with `all`), in
    /// path and position order.
    pub findings: Vec<Finding>,
    /// Problems with the touched files.
    pub diagnostics: Vec<Diagnostic>,
    pub files_scanned: usize,
    pub files_skipped: usize,
    pub lines_scanned: usize,
    /// The reviewed files, with `keep_sources`; excluded files are never among them.
    pub sources: Vec<ReviewedSource>,
}

/// Reviews `target` (a repository is looked for from `cwd`) with `settings`.
pub fn review(
    target: &Target,
    cwd: &Path,
    settings: &Settings,
    options: ReviewOptions,
) -> Result<ReviewOutcome, ReviewError> {
    let change = Change::resolve(target, cwd)?;
    let touched: Vec<PathBuf> = change
        .files
        .iter()
        .filter(|f| f.is_code())
        .filter_map(|f| f.new_path.clone())
        .filter(|p| analysed(p, settings))
        .collect();
    let after = scan_request(
        &ScanRequest {
            snapshot: change.after.snapshot.as_ref(),
            files: &touched,
            neighbours: &neighbours(&change.after.files, &touched, settings),
            threads: options.threads,
            on_file: &|| {},
        },
        settings,
    );
    let changed: ChangedLines = change
        .added
        .iter()
        .map(|(path, lines)| (display(path), lines.clone()))
        .collect();
    let touched_shown: BTreeSet<String> = touched.iter().map(|p| display(p)).collect();
    let findings = if options.all {
        after
            .findings
            .into_iter()
            .filter(|f| touched_shown.contains(&f.path) || touches(f, &changed))
            .collect()
    } else {
        let marked: Vec<(Finding, bool)> = after
            .findings
            .into_iter()
            .map(|f| {
                let touched = touches(&f, &changed);
                (f, touched)
            })
            .filter(|(f, touched)| *touched || touched_shown.contains(&f.path))
            .collect();
        let before = findings_before(&change, &marked, settings, options)?;
        new_since(marked, &before, &renames(&change.files))
    };
    let partial: BTreeSet<String> = change.partial.iter().map(|p| display(p)).collect();
    let diagnostics = after
        .diagnostics
        .into_iter()
        // Files rebuilt from hunks have gaps; what fails to parse there is ours, not theirs.
        .filter(|d| !(d.kind == DiagnosticKind::Syntax && partial.contains(&d.path)))
        .collect();
    let sources = if options.keep_sources {
        touched
            .iter()
            .filter_map(|path| {
                let bytes = change.after.snapshot.read(path).ok()?;
                Some(ReviewedSource {
                    path: display(path),
                    text: String::from_utf8_lossy(&bytes).into_owned(),
                    changed: change.added.get(path).cloned().unwrap_or_default(),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(ReviewOutcome {
        change: change.summary,
        findings,
        diagnostics,
        files_scanned: after.files_scanned,
        files_skipped: after.files_skipped,
        lines_scanned: after.lines_scanned,
        sources,
    })
}

/// Whether a file is one the review analyses: Python, C or C++, not excluded by configuration.
fn analysed(path: &Path, settings: &Settings) -> bool {
    is_source(path) && !settings.exclude.is_match(display(path))
}

/// The files of a tree the taint analysis may follow calls into: the analysed Python files not
/// scanned.
fn neighbours(tree: &[PathBuf], scanned: &[PathBuf], settings: &Settings) -> Vec<PathBuf> {
    let scanned: HashSet<&PathBuf> = scanned.iter().collect();
    tree.iter()
        .filter(|p| !scanned.contains(p) && is_python(p) && analysed(p, settings))
        .cloned()
        .collect()
}

/// The findings of the files before the change, for those files where a finding touches a
/// changed line (elsewhere nothing can be new, so nothing needs comparing).
fn findings_before(
    change: &Change,
    marked: &[(Finding, bool)],
    settings: &Settings,
    options: ReviewOptions,
) -> Result<Vec<Finding>, ReviewError> {
    let suspect: BTreeSet<&str> = marked
        .iter()
        .filter(|(_, touched)| *touched)
        .map(|(f, _)| f.path.as_str())
        .collect();
    if suspect.is_empty() {
        return Ok(Vec::new());
    }
    let scan_before = |before: &Tree| {
        // The same files as after the change, so data flows from them are followed the same
        // way (the taint analysis starts from the files it is given).
        let mut files: Vec<PathBuf> = change
            .files
            .iter()
            .filter(|f| f.is_code() && f.new_path.is_some())
            .filter_map(|f| f.old_path.clone())
            .filter(|p| is_source(p))
            .collect();
        // A finding in a file the change does not touch (a sink its new data reaches) is
        // compared with the same file before the change.
        let untouched: Vec<PathBuf> = suspect
            .iter()
            .map(PathBuf::from)
            .filter(|p| {
                !change.files.iter().any(|f| f.new_path.as_ref() == Some(p))
                    && before.files.binary_search(p).is_ok()
            })
            .collect();
        files.extend(untouched);
        let neighbours = neighbours(&before.files, &files, settings);
        scan_request(
            &ScanRequest {
                snapshot: before.snapshot.as_ref(),
                files: &files,
                neighbours: &neighbours,
                threads: options.threads,
                on_file: &|| {},
            },
            settings,
        )
        .findings
    };
    Ok(change.before.with_tree(scan_before)?.unwrap_or_default())
}
