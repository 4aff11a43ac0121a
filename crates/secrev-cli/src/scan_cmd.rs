//! `secrev scan`.

use crate::args::{ColorChoice, ScanArgs, ScanFormat};
use crate::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use indicatif::{ProgressBar, ProgressStyle};
use secrev_core::{Diagnostic, RuleInfo};
use secrev_engine::{discover, scan, FileConfig};
use secrev_report::{render, Format, RenderOptions, ScanReport, Summary};
use std::io::{IsTerminal, Write};

/// Scans with fewer files than this finish before a progress bar is worth drawing.
const PROGRESS_MIN_FILES: usize = 200;

pub(crate) fn run(args: ScanArgs) -> Result<u8, String> {
    let config_path = if args.no_config {
        None
    } else {
        args.config
            .clone()
            .or_else(|| args.paths.first().and_then(|p| FileConfig::discover(p)))
    };
    let file_config = match &config_path {
        Some(path) => FileConfig::load(path).map_err(|e| e.to_string())?,
        None => FileConfig::default(),
    };
    let overrides = FileConfig {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        exclude: (!args.exclude.is_empty()).then(|| args.exclude.clone()),
        fail_on: args.fail_on,
        min_confidence: args.min_confidence,
        respect_nosec: args.respect_nosec.then_some(true),
        ..FileConfig::default()
    };
    let settings = file_config
        .merge(overrides)
        .resolve(config_path)
        .map_err(|e| e.to_string())?;

    let discovered = discover(&args.paths, &settings.exclude);
    let progress = progress_bar(discovered.files.len());
    let tick = || progress.as_ref().map_or((), |bar| bar.inc(1));
    let outcome = scan(&discovered.files, &settings, args.threads, &tick);
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }

    let mut diagnostics: Vec<Diagnostic> = discovered.errors;
    diagnostics.extend(outcome.diagnostics);
    if !args.quiet {
        for d in &diagnostics {
            let place = d.span.map_or(String::new(), |s| {
                format!(":{}:{}", s.start.line, s.start.column)
            });
            let level = if d.is_error() { "error" } else { "warning" };
            eprintln!("secrev: {level}: {}{place}: {}", d.path, d.message);
        }
    }

    let rules: Vec<RuleInfo> = settings.rules.iter().map(|r| r.info).collect();
    let report = ScanReport {
        findings: &outcome.findings,
        diagnostics: &diagnostics,
        rules: &rules,
        summary: Summary {
            files_scanned: outcome.files_scanned,
            files_skipped: outcome.files_skipped,
            lines_scanned: outcome.lines_scanned,
        },
        change: None,
    };
    let format = match args.format {
        ScanFormat::Text => Format::Text,
        ScanFormat::Json => Format::Json,
        ScanFormat::Sarif => Format::Sarif,
    };
    write_report(format, &report, &args)?;

    if diagnostics.iter().any(Diagnostic::is_error) {
        Ok(EXIT_ERROR)
    } else if outcome
        .findings
        .iter()
        .any(|f| f.severity >= settings.fail_on)
    {
        Ok(EXIT_FINDINGS)
    } else {
        Ok(EXIT_CLEAN)
    }
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

fn write_report(format: Format, report: &ScanReport, args: &ScanArgs) -> Result<(), String> {
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            render(
                format,
                report,
                RenderOptions {
                    color: args.color == ColorChoice::Always,
                },
                &mut out,
            )
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => {
            let stdout = std::io::stdout();
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            };
            let mut out = std::io::BufWriter::new(stdout.lock());
            match render(format, report, RenderOptions { color }, &mut out)
                .and_then(|()| out.flush())
            {
                Ok(()) => Ok(()),
                // A closed pipe (`secrev scan | head`) is the reader's choice, not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(format!("cannot write the report: {e}")),
            }
        }
    }
}
