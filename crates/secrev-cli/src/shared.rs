//! What `scan` and `review` do alike: settings from configuration and flags, warnings on
//! standard error, writing the report, and the exit status.

use crate::args::{ColorChoice, CommonArgs, OutputFormat};
use crate::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use secrev_core::{Diagnostic, Finding};
use secrev_engine::{FileConfig, Settings};
use secrev_report::{render, Format, RenderOptions, ScanReport};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Settings from the configuration file (given, or found from `start`) and the flags.
pub(crate) fn settings(common: &CommonArgs, start: Option<&Path>) -> Result<Settings, String> {
    let config_path = if common.no_config {
        None
    } else {
        common
            .config
            .clone()
            .or_else(|| start.and_then(FileConfig::discover))
    };
    let file_config = match &config_path {
        Some(path) => FileConfig::load(path).map_err(|e| e.to_string())?,
        None => FileConfig::default(),
    };
    let overrides = FileConfig {
        select: common.select.clone(),
        ignore: common.ignore.clone(),
        exclude: (!common.exclude.is_empty()).then(|| common.exclude.clone()),
        fail_on: common.fail_on,
        min_confidence: common.min_confidence,
        respect_nosec: common.respect_nosec.then_some(true),
        ..FileConfig::default()
    };
    file_config
        .merge(overrides)
        .resolve(config_path)
        .map_err(|e| e.to_string())
}

/// Prints per-file problems on standard error unless `--quiet`.
pub(crate) fn warn(diagnostics: &[Diagnostic], common: &CommonArgs) {
    if common.quiet {
        return;
    }
    for d in diagnostics {
        let place = d.span.map_or(String::new(), |s| {
            format!(":{}:{}", s.start.line, s.start.column)
        });
        let level = if d.is_error() { "error" } else { "warning" };
        eprintln!("secrev: {level}: {}{place}: {}", d.path, d.message);
    }
}

/// The exit status: an incomplete analysis beats findings, findings beat a clean result.
/// Findings the model dismissed (`--llm-triage`) are reported but do not fail the run.
pub(crate) fn exit_status(
    diagnostics: &[Diagnostic],
    findings: &[Finding],
    settings: &Settings,
) -> u8 {
    if diagnostics.iter().any(Diagnostic::is_error) {
        EXIT_ERROR
    } else if findings
        .iter()
        .any(|f| f.severity >= settings.fail_on && !f.is_dismissed())
    {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn format_of(format: OutputFormat) -> Format {
    match format {
        OutputFormat::Text => Format::Text,
        OutputFormat::Review => Format::Review,
        OutputFormat::Json => Format::Json,
        OutputFormat::Sarif => Format::Sarif,
        OutputFormat::Markdown => Format::Markdown,
        OutputFormat::Gerrit => Format::Gerrit,
        OutputFormat::Github => Format::Github,
    }
}

/// Writes the report to `--output` or standard output.
pub(crate) fn write_report(
    format: OutputFormat,
    report: &ScanReport,
    common: &CommonArgs,
) -> Result<(), String> {
    let format = format_of(format);
    match &common.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            let options = RenderOptions {
                color: common.color == ColorChoice::Always,
            };
            render(format, report, options, &mut out)
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => {
            let stdout = std::io::stdout();
            let color = match common.color {
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
