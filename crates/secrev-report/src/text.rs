//! The default, human-readable format.
//!
//! Each finding is a header line in the `path:line:col:` form editors and terminals link to,
//! an annotated excerpt of the source read back from disk (the span underlined, the message as
//! its label, related locations as secondary annotations), the fix, and the CWE classification:
//!
//! ```text
//! app.py:6:12: PY101 [high/high] subprocess call with shell=True (CWE-78)
//!   |
//! 6 |     return subprocess.call(user_cmd, shell=True)
//!   |            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ `user_cmd` reaches a shell
//!   fix: pass the command as a list and drop shell=True
//!   CWE-78 Improper Neutralization of ... · pillar CWE-707 Improper Neutralization
//! ```
//!
//! The report ends with a count line and the verdict sentence as its last line; a clean scan
//! ends with `Scanned F files (L lines).` and then [`NO_DEFECTS`] alone on the last line.

use crate::explain::{cwe_name, plural, severity_summary};
use crate::terminal::{clean, excerpt, Paint, SourceCache};
use crate::{verdict, RenderOptions, ScanReport, NO_DEFECTS};
use annotate_snippets::Renderer;
use secrev_core::{cwe, Finding};
use std::io::{self, Write};

pub(crate) fn render(
    report: &ScanReport,
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let paint = Paint {
        enabled: options.color,
    };
    let renderer = paint.renderer();
    let mut sources = SourceCache::default();

    for (i, finding) in report.findings.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write_finding(finding, &mut sources, &renderer, paint, out)?;
    }

    let summary = &report.summary;
    let mut skipped = match summary.files_skipped {
        0 => String::new(),
        n => format!("; {}", plural(n, "file", "files") + " skipped"),
    };
    let unparsed = report
        .diagnostics
        .iter()
        .filter(|d| d.kind == secrev_core::DiagnosticKind::Syntax)
        .count();
    if unparsed > 0 {
        skipped.push_str(&format!(
            "; {} with syntax errors (scanned in part)",
            plural(unparsed, "file", "files")
        ));
    }
    if report.findings.is_empty() {
        writeln!(
            out,
            "Scanned {} ({}){skipped}.",
            plural(summary.files_scanned, "file", "files"),
            plural(summary.lines_scanned, "line", "lines"),
        )?;
        writeln!(out, "{}", paint.bold(NO_DEFECTS))
    } else {
        writeln!(out)?;
        writeln!(
            out,
            "{} ({}) in {} scanned{skipped}",
            plural(report.findings.len(), "finding", "findings"),
            severity_summary(report.findings),
            plural(summary.files_scanned, "file", "files"),
        )?;
        writeln!(out, "{}", paint.bold(&verdict(report.findings.len())))
    }
}

fn write_finding(
    f: &Finding,
    sources: &mut SourceCache,
    renderer: &Renderer,
    paint: Paint,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        out,
        "{}: {} [{}/{}] {} (CWE-{})",
        paint.bold(&format!(
            "{}:{}:{}",
            clean(&f.path),
            f.span.start.line,
            f.span.start.column
        )),
        paint.bold(&clean(&f.rule_id)),
        paint.severity(f.severity, f.severity.as_str()),
        f.confidence,
        clean(&f.title),
        f.cwe,
    )?;
    if let Some(excerpt) = sources
        .get(&f.path)
        .and_then(|file| excerpt(file, f, renderer, true))
    {
        writeln!(out, "{excerpt}")?;
    } else {
        writeln!(out, "  why: {}", clean(&f.message))?;
    }
    if !f.trace.is_empty() {
        writeln!(out, "  {}", paint.bold("data flow:"))?;
        for (i, step) in f.trace.iter().enumerate() {
            writeln!(
                out,
                "    {}. {}:{}:{} {}",
                i + 1,
                clean(&step.path),
                step.span.start.line,
                step.span.start.column,
                clean(&step.message)
            )?;
        }
    }
    writeln!(out, "  {} {}", paint.bold("fix:"), clean(&f.fix))?;
    writeln!(
        out,
        "  CWE-{} {} · pillar CWE-{} {}",
        f.cwe,
        cwe_name(f.cwe),
        f.pillar,
        cwe::pillar_name(f.pillar),
    )
}
