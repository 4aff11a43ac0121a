//! `secrev scan`.

use crate::args::{OutputFormat, ScanArgs};
use crate::llm;
use crate::shared::{exit_status, settings, warn, write_report};
use indicatif::{ProgressBar, ProgressStyle};
use secrev_core::{Diagnostic, RuleInfo};
use secrev_engine::{discover, scan};
use secrev_llm::FileInput;
use secrev_report::{ScanReport, Summary};
use secrev_review::baseline::Baseline;
use std::io::IsTerminal;

/// Scans with fewer files than this finish before a progress bar is worth drawing.
const PROGRESS_MIN_FILES: usize = 200;

pub(crate) fn run(args: ScanArgs) -> Result<u8, String> {
    let settings = settings(&args.common, args.paths.first().map(|p| p.as_path()))?;
    // A baseline that cannot be read is an error before the work, not after it.
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;

    let discovered = discover(&args.paths, &settings.exclude);
    let progress = progress_bar(discovered.files.len());
    let tick = || progress.as_ref().map_or((), |bar| bar.inc(1));
    let outcome = scan(&discovered.files, &settings, args.common.threads, &tick);
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }

    let mut diagnostics: Vec<Diagnostic> = discovered.errors;
    diagnostics.extend(outcome.diagnostics);
    warn(&diagnostics, &args.common);

    let files = if args.common.llm.llm {
        llm_inputs(&discovered.files, &diagnostics, &settings)
    } else {
        Vec::new()
    };
    let (all_findings, llm_summary) =
        llm::apply(&args.common, &settings, files, outcome.findings, None)?;

    if let Some(path) = &args.write_baseline {
        Baseline::of(&all_findings).write(path)?;
    }
    let findings = match &baseline {
        Some(baseline) => {
            let (new, accepted) = baseline.filter(all_findings);
            if !args.common.quiet && accepted > 0 {
                eprintln!("secrev: {accepted} findings accepted by the baseline are not shown");
            }
            new
        }
        None => all_findings,
    };

    let rules: Vec<RuleInfo> = settings.rules.iter().map(|r| r.info).collect();
    let report = ScanReport {
        findings: &findings,
        diagnostics: &diagnostics,
        rules: &rules,
        summary: Summary {
            files_scanned: outcome.files_scanned,
            files_skipped: outcome.files_skipped,
            lines_scanned: outcome.lines_scanned,
        },
        change: None,
        llm: llm_summary.as_ref(),
    };
    let format = args.format.unwrap_or(OutputFormat::Text);
    write_report(format, &report, &args.common)?;
    Ok(exit_status(&diagnostics, &findings, &settings))
}

fn progress_bar(files: usize) -> Option<ProgressBar> {
    if files < PROGRESS_MIN_FILES || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(files as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} scanning {pos}/{len} files {wide_bar} {eta}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// The scanned files as the LLM layer gets them: whole, read again from disk; files the scan
/// skipped (unreadable, binary, too large) are not sent.
fn llm_inputs(
    files: &[std::path::PathBuf],
    diagnostics: &[Diagnostic],
    settings: &secrev_engine::Settings,
) -> Vec<FileInput> {
    use secrev_core::DiagnosticKind;
    files
        .iter()
        .filter_map(|path| {
            let shown = secrev_engine::display(path);
            let skipped = diagnostics.iter().any(|d| {
                d.path == shown
                    && matches!(
                        d.kind,
                        DiagnosticKind::Io | DiagnosticKind::Binary | DiagnosticKind::TooLarge
                    )
            });
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(u64::MAX);
            if skipped || size > settings.max_file_size {
                return None;
            }
            let bytes = std::fs::read(path).ok()?;
            Some(FileInput {
                path: shown,
                text: String::from_utf8_lossy(&bytes).into_owned(),
                changed: None,
            })
        })
        .collect()
}
