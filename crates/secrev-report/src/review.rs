//! `--format review`, the default of `secrev review`: what a security reviewer writes about a
//! change. A header says what was reviewed; each defect is numbered, classified (CWE and
//! pillar), located, shown in the source, explained in terms of this code, and given its fix;
//! files the review could not cover are listed; the verdict sentence is the last line.
//!
//! ```text
//! Security review of Harden the upload handler
//! 1a2b3c4..5d6e7f8: 2 files, +14 -4 lines
//!   modified  app/run.py (+12 -3)
//!   renamed   app/old.py -> app/util.py (+2 -1)
//!
//! 1. CWE-78 Improper Neutralization of ... (pillar CWE-707 Improper Neutralization)
//!    severity high, confidence high · PY101 subprocess call with shell=True
//!    at app/run.py:7:12
//!      |
//!    7 |     return subprocess.call(user_cmd, shell=True)
//!      |            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
//!    `user_cmd`, a parameter, reaches a shell command line. The data comes from parameter
//!    `user_cmd` at app/run.py:6 and reaches this line directly.
//!    Fix: pass the command as a list and drop shell=True
//!
//! 1 security defect is detected in the code
//! ```
//!
//! (The explanation is one line in the output; it is wrapped here.) A clean review ends with
//! [`NO_DEFECTS`](crate::NO_DEFECTS) alone on its last line. Colour codes appear only with
//! [`RenderOptions::color`]; every piece of user-derived text passes through
//! [`crate::terminal::clean`], so none can act on the terminal.

use crate::explain::{
    changed_file, classification, explanation, extent, location, not_reviewed, rating, subject,
    PARTIAL_CONTEXT,
};
use crate::terminal::{clean, excerpt, Paint, SourceCache};
use crate::{verdict, RenderOptions, ScanReport};
use annotate_snippets::Renderer;
use secrev_core::Finding;
use std::io::{self, Write};

/// The indentation of a defect's lines under its number.
const INDENT: &str = "   ";

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

    write_header(report, paint, out)?;
    for (i, finding) in report.findings.iter().enumerate() {
        writeln!(out)?;
        write_defect(i + 1, finding, &mut sources, &renderer, paint, out)?;
    }
    let left_out = not_reviewed(report.diagnostics);
    if !left_out.is_empty() {
        writeln!(out)?;
        writeln!(out, "Not reviewed:")?;
        for note in &left_out {
            writeln!(out, "  {}", clean(note))?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", paint.bold(&verdict(report.findings.len())))
}

/// What was reviewed: the title, the extent, the touched files and, when it applies, the note
/// that only partial context was available.
fn write_header(report: &ScanReport, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    let title = format!("Security review of {}", clean(&subject(report)));
    writeln!(out, "{}", paint.bold(&title))?;
    writeln!(out, "{}", clean(&extent(report)))?;
    if let Some(change) = report.change {
        for file in &change.files {
            writeln!(out, "  {}", clean(&changed_file(file)))?;
        }
        if change.partial_context {
            writeln!(out, "{PARTIAL_CONTEXT}")?;
        }
    }
    if let Some(llm) = report.llm {
        writeln!(out, "{}", clean(&llm.line()))?;
    }
    Ok(())
}

/// Defect number `n`: classification, rating and rule, locations, excerpt, explanation, fix.
fn write_defect(
    n: usize,
    f: &Finding,
    sources: &mut SourceCache,
    renderer: &Renderer,
    paint: Paint,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        paint.bold(&format!("{n}. {}", classification(f)))
    )?;
    writeln!(
        out,
        "{INDENT}{} · {} {}",
        paint.severity(f.severity, &rating(f)),
        clean(&f.rule_id),
        clean(&f.title)
    )?;
    if let Some(marker) = f.source_marker() {
        writeln!(out, "{INDENT}reported by: {}", clean(&marker))?;
    }
    writeln!(out, "{INDENT}at {}", clean(&location(&f.path, f.span)))?;
    for related in &f.related {
        writeln!(
            out,
            "{INDENT}other end: {} ({})",
            clean(&location(&f.path, related.span)),
            clean(&related.message)
        )?;
    }
    // The excerpt labels only the related locations: the explanation below says the rest.
    if let Some(excerpt) = sources
        .get(&f.path)
        .and_then(|file| excerpt(file, f, renderer, false))
    {
        for line in excerpt.lines() {
            writeln!(out, "{}", format!("{INDENT}{line}").trim_end())?;
        }
    }
    writeln!(out, "{INDENT}{}", clean(&explanation(f)))?;
    writeln!(out, "{INDENT}{} {}", paint.bold("Fix:"), clean(&f.fix))
}
