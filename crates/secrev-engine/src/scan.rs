//! Scans files in parallel. Each file is read, lowered and checked on its own; whatever goes
//! wrong with one file becomes a diagnostic for that file and the others go on.

use crate::config::Settings;
use crate::discover::{c_family, display, has_cpp_sources};
use crate::snapshot::{Disk, Snapshot};
use crate::suppress::suppresses;
use crate::taint::{module_name, taint_findings, taint_rules, LightFile, TaintFile};
use rayon::prelude::*;
use secrev_core::fingerprint;
use secrev_core::{Diagnostic, DiagnosticKind, Finding, LineIndex, RelatedLocation, Severity};
use secrev_python::Lowered;
use secrev_rules::helpers::is_test_path;
use secrev_rules::{
    authorizing_functions, authz_summary, check_unit, AuthzIndex, AuthzSummary, Delegated, RuleHit,
};
use std::cell::OnceCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Worker threads get a deep stack: the parser recurses on nested expressions, and adversarial
/// input nests deeply.
const WORKER_STACK: usize = 256 * 1024 * 1024;

/// What scanning a set of files produced.
#[derive(Debug, Default)]
pub struct ScanOutcome {
    /// Sorted by path, position and rule.
    pub findings: Vec<Finding>,
    /// Sorted by path.
    pub diagnostics: Vec<Diagnostic>,
    pub files_scanned: usize,
    pub files_skipped: usize,
    pub lines_scanned: usize,
}

struct FileOutcome {
    findings: Vec<Finding>,
    diagnostics: Vec<Diagnostic>,
    scanned: bool,
    lines: usize,
    /// The file as the project-wide taint analysis needs it, when taint rules run.
    taint: Option<TaintFile>,
    /// What the file tells the project's authorization index, when a rule uses it.
    authz: Option<AuthzSummary>,
    /// Findings that depend on code in other files, settled by the project's index.
    pending: Vec<(Finding, Delegated)>,
}

/// What to scan and where to read it from.
pub struct ScanRequest<'a> {
    /// Where the files are read from.
    pub snapshot: &'a dyn Snapshot,
    /// The files to scan.
    pub files: &'a [PathBuf],
    /// Files that are not scanned themselves but that the taint analysis reads when scanned code
    /// calls into them (the rest of the project, when a review scans only the changed files).
    pub neighbours: &'a [PathBuf],
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Called after each file (for progress reporting).
    pub on_file: &'a (dyn Fn() + Sync),
}

/// Scans `files` from the file system with `settings`, on `threads` worker threads (0: one per
/// core). `on_file` is called after each file (for progress reporting).
pub fn scan(
    files: &[PathBuf],
    settings: &Settings,
    threads: usize,
    on_file: &(dyn Fn() + Sync),
) -> ScanOutcome {
    scan_request(
        &ScanRequest {
            snapshot: &Disk,
            files,
            neighbours: &[],
            threads,
            on_file,
        },
        settings,
    )
}

/// Scans what `request` names with `settings`.
pub fn scan_request(request: &ScanRequest, settings: &Settings) -> ScanOutcome {
    let with_taint = !taint_rules(settings).is_empty();
    let cpp_project = has_cpp_sources(request.files);
    let with_authz = settings
        .rules
        .iter()
        .any(|r| secrev_rules::registry::uses_authz_index(r.info.id));
    let snapshot = request.snapshot;
    let work = || {
        let mut per_file = request
            .files
            .par_iter()
            .map(|path| {
                let outcome = scan_guarded(
                    snapshot,
                    path,
                    settings,
                    with_taint,
                    cpp_project,
                    with_authz,
                );
                (request.on_file)();
                outcome
            })
            .collect::<Vec<_>>();
        settle_pending(&mut per_file, snapshot, settings);
        let mut inputs: Vec<TaintFile> =
            per_file.iter_mut().filter_map(|f| f.taint.take()).collect();
        if with_taint {
            inputs.extend(request.neighbours.iter().map(|path| {
                TaintFile::Light(LightFile {
                    path: path.clone(),
                    shown: display(path),
                    // Unknown without reading the file: a neighbour joins the analysis only when
                    // analysed code calls into it.
                    imports: Vec::new(),
                })
            }));
        }
        let taint = if inputs.is_empty() {
            Ok(Default::default())
        } else {
            catch_unwind(AssertUnwindSafe(|| {
                taint_findings(inputs, snapshot, settings)
            }))
        };
        (per_file, taint)
    };
    let (per_file, taint) = match rayon::ThreadPoolBuilder::new()
        .num_threads(request.threads)
        .stack_size(WORKER_STACK)
        .build()
    {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    };
    let mut outcome = ScanOutcome::default();
    for file in per_file {
        if file.scanned {
            outcome.files_scanned += 1;
        } else {
            outcome.files_skipped += 1;
        }
        outcome.lines_scanned += file.lines;
        outcome.findings.extend(file.findings);
        outcome.diagnostics.extend(file.diagnostics);
    }
    match taint {
        Ok(taint) => {
            outcome.findings.retain(|f| !taint.settles(f));
            outcome.findings.extend(taint.findings);
        }
        Err(_) => outcome.diagnostics.push(Diagnostic {
            path: String::new(),
            kind: DiagnosticKind::Internal,
            span: None,
            message: "internal error in the taint analysis; its rules (PY8xx) reported nothing (please report it)".into(),
        }),
    }
    outcome.findings.sort_by(|a, b| {
        (&a.path, a.span.start, a.span.end, &a.rule_id).cmp(&(
            &b.path,
            b.span.start,
            b.span.end,
            &b.rule_id,
        ))
    });
    outcome
        .diagnostics
        .sort_by(|a, b| (&a.path, a.span, a.kind).cmp(&(&b.path, b.span, b.kind)));
    outcome
}

/// Keeps the findings that depend on code in other files when the index of every scanned file's
/// authorizing functions confirms them ([`AuthzIndex::settles`]). Files not scanned
/// (a review's unchanged neighbours) are not in the index: calls into them stay unresolved, and
/// their findings are dropped.
fn settle_pending(per_file: &mut [FileOutcome], snapshot: &dyn Snapshot, settings: &Settings) {
    if per_file.iter().all(|f| f.pending.is_empty()) {
        return;
    }
    let learn = |path: &Path| {
        let source = crate::taint::read_again(path, snapshot, settings)?;
        Some(authorizing_functions(&secrev_python::lower(&source).unit))
    };
    let index = AuthzIndex::new(per_file.iter_mut().filter_map(|f| f.authz.take()), &learn);
    for file in per_file {
        for (finding, delegated) in std::mem::take(&mut file.pending) {
            if !index.settles(&delegated) {
                file.findings.push(finding);
            }
        }
    }
}

/// Scans one file; a panic in the analysis becomes a diagnostic instead of ending the run.
fn scan_guarded(
    snapshot: &dyn Snapshot,
    path: &Path,
    settings: &Settings,
    with_taint: bool,
    cpp_project: bool,
    with_authz: bool,
) -> FileOutcome {
    catch_unwind(AssertUnwindSafe(|| {
        scan_file(
            snapshot,
            path,
            settings,
            with_taint,
            cpp_project,
            with_authz,
        )
    }))
    .unwrap_or_else(|_| FileOutcome {
        findings: Vec::new(),
        diagnostics: vec![diagnostic(
            path,
            DiagnosticKind::Internal,
            "internal error while analysing this file; it was skipped (please report it)".into(),
        )],
        scanned: false,
        lines: 0,
        taint: None,
        authz: None,
        pending: Vec::new(),
    })
}

fn diagnostic(path: &Path, kind: DiagnosticKind, message: String) -> Diagnostic {
    Diagnostic {
        path: display(path),
        kind,
        span: None,
        message,
    }
}

fn skipped(path: &Path, kind: DiagnosticKind, message: String) -> FileOutcome {
    FileOutcome {
        findings: Vec::new(),
        diagnostics: vec![diagnostic(path, kind, message)],
        scanned: false,
        lines: 0,
        taint: None,
        authz: None,
        pending: Vec::new(),
    }
}

fn scan_file(
    snapshot: &dyn Snapshot,
    path: &Path,
    settings: &Settings,
    with_taint: bool,
    cpp_project: bool,
    with_authz: bool,
) -> FileOutcome {
    match snapshot.size(path) {
        Ok(size) if size > settings.max_file_size => {
            return skipped(
                path,
                DiagnosticKind::TooLarge,
                format!(
                    "{} bytes is over the {}-byte limit (max-file-size); not scanned",
                    size, settings.max_file_size
                ),
            )
        }
        Ok(_) => {}
        Err(e) => return skipped(path, DiagnosticKind::Io, format!("cannot read: {e}")),
    }
    let bytes = match snapshot.read(path) {
        Ok(bytes) => bytes,
        Err(e) => return skipped(path, DiagnosticKind::Io, format!("cannot read: {e}")),
    };
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return skipped(
            path,
            DiagnosticKind::Binary,
            "looks like a binary file (NUL bytes); not scanned".into(),
        );
    }
    let mut diagnostics = Vec::new();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            diagnostics.push(diagnostic(
                path,
                DiagnosticKind::Encoding,
                format!("not valid UTF-8 (first bad byte at offset {at}); scanned with replacement characters"),
            ));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let source = text.strip_prefix('\u{feff}').unwrap_or(&text);
    // Line and column arithmetic is only needed for what gets reported.
    let index = OnceCell::new();
    let index = || index.get_or_init(|| LineIndex::new(source));
    let language = c_family(path, cpp_project);
    let lowered = match language {
        Some(language) => {
            let lowered = secrev_cpp::lower(source, language);
            Lowered {
                unit: lowered.unit,
                syntax_errors: lowered.syntax_errors,
                too_deep: lowered.too_deep,
            }
        }
        None => secrev_python::lower(source),
    };
    if let Some((span, message)) = lowered.syntax_errors.first() {
        let count = lowered.syntax_errors.len();
        let more = if count > 1 {
            format!(" ({} more)", count - 1)
        } else {
            String::new()
        };
        diagnostics.push(Diagnostic {
            path: display(path),
            kind: DiagnosticKind::Syntax,
            span: Some(index().resolve(source, *span)),
            message: format!(
                "syntax error: {message}{more}; the rest of the file was still scanned"
            ),
        });
    }
    if lowered.too_deep {
        diagnostics.push(diagnostic(
            path,
            DiagnosticKind::TooDeep,
            "code nested too deeply to analyse completely; the deepest parts were skipped".into(),
        ));
    }
    let shown = display(path);
    let ignored_here: Vec<&str> = settings
        .per_file_ignores
        .iter()
        .filter(|(globs, _)| globs.is_match(&shown))
        .flat_map(|(_, ids)| ids.iter().copied())
        .collect();
    let hits = check_unit(&settings.rules, &lowered.unit, source, &shown);
    let mut findings = Vec::new();
    let mut pending = Vec::new();
    for mut hit in hits {
        if ignored_here.contains(&hit.rule.info.id) {
            continue;
        }
        let delegated = hit.hit.delegated.take();
        if let Some(finding) = to_finding(hit, &shown, source, index(), settings) {
            match delegated {
                Some(delegated) => pending.push((finding, delegated)),
                None => findings.push(finding),
            }
        }
    }
    let lines = line_count(source);
    let authz =
        with_authz.then(|| authz_summary(&lowered.unit, &module_name(&shown), &shown, path));
    // The taint analysis follows Python data flows only.
    let taint = (with_taint && language.is_none())
        .then(|| TaintFile::keep(path, shown, source, lowered.unit, settings));
    FileOutcome {
        findings,
        diagnostics,
        scanned: true,
        lines,
        taint,
        authz,
        pending,
    }
}

fn to_finding(
    hit: RuleHit,
    path: &str,
    source: &str,
    index: &LineIndex,
    settings: &Settings,
) -> Option<Finding> {
    let info = &hit.rule.info;
    let confidence = hit.hit.confidence.unwrap_or(info.confidence);
    if confidence < settings.min_confidence {
        return None;
    }
    let span = index.resolve(source, hit.hit.span);
    let first = index.line_text(source, span.start.line).unwrap_or("");
    let last = index.line_text(source, span.end.line).unwrap_or("");
    if suppresses(first, info.id, settings.respect_nosec)
        || suppresses(last, info.id, settings.respect_nosec)
    {
        return None;
    }
    Some(Finding {
        rule_id: info.id.to_owned(),
        title: info.title.to_owned(),
        cwe: info.cwe,
        pillar: info.pillar(),
        category: info.category,
        severity: capped_severity(hit.hit.severity.unwrap_or(info.severity), path),
        confidence,
        path: path.to_owned(),
        span,
        message: hit.hit.message,
        fix: hit.hit.fix,
        related: hit
            .hit
            .related
            .into_iter()
            .map(|(span, message)| RelatedLocation {
                span: index.resolve(source, span),
                message,
            })
            .collect(),
        trace: Vec::new(),
        fingerprint: fingerprint(info.id, &hit.function, first),
        source: Default::default(),
        llm: None,
    })
}

/// Lines in `source`, counting a last line without a terminator.
fn line_count(source: &str) -> usize {
    let newlines = source.bytes().filter(|b| *b == b'\n').count();
    newlines + usize::from(!source.is_empty() && !source.ends_with('\n'))
}

/// Test code does not run in production: a defect there endangers developer and CI machines at
/// most, so its findings are reported at low severity whatever the rule's default.
fn capped_severity(severity: Severity, path: &str) -> Severity {
    if is_test_path(path) {
        severity.min(Severity::Low)
    } else {
        severity
    }
}

#[cfg(test)]
mod tests {
    use super::capped_severity;
    use secrev_core::Severity;

    #[test]
    fn test_code_is_capped_at_low() {
        assert_eq!(
            capped_severity(Severity::High, "nova/tests/unit/test_api.py"),
            Severity::Low
        );
        assert_eq!(
            capped_severity(Severity::Critical, "pkg/conftest.py"),
            Severity::Low
        );
        assert_eq!(
            capped_severity(Severity::Info, "tests/test_x.py"),
            Severity::Info
        );
        assert_eq!(
            capped_severity(Severity::High, "nova/api/servers.py"),
            Severity::High
        );
        assert_eq!(
            capped_severity(Severity::High, "nova/testsuite.py"),
            Severity::High
        );
        assert_eq!(
            capped_severity(Severity::High, "src/network/tst_qsslsocket.cpp"),
            Severity::Low
        );
        assert_eq!(
            capped_severity(Severity::High, "net/parser_unittest.cc"),
            Severity::Low
        );
        assert_eq!(
            capped_severity(Severity::High, "lib/attest.c"),
            Severity::High
        );
    }
}
