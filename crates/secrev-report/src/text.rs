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

use crate::{severity_counts, verdict, RenderOptions, ScanReport, NO_DEFECTS};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use secrev_core::{cwe, Finding, LineIndex, Position, Severity, Span};
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};

pub(crate) fn render(
    report: &ScanReport,
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let paint = Paint {
        enabled: options.color,
    };
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut sources = SourceCache::default();

    for (i, finding) in report.findings.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write_finding(finding, &mut sources, &renderer, paint, out)?;
    }

    let summary = &report.summary;
    let skipped = match summary.files_skipped {
        0 => String::new(),
        n => format!("; {}", plural(n, "file", "files") + " skipped"),
    };
    if report.findings.is_empty() {
        writeln!(
            out,
            "Scanned {} ({}){skipped}.",
            plural(summary.files_scanned, "file", "files"),
            plural(summary.lines_scanned, "line", "lines"),
        )?;
        writeln!(out, "{}", paint.bold(NO_DEFECTS))
    } else {
        let counts: Vec<String> = severity_counts(report.findings)
            .iter()
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        writeln!(out)?;
        writeln!(
            out,
            "{} ({}) in {} scanned{skipped}",
            plural(report.findings.len(), "finding", "findings"),
            counts.join(", "),
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
        .and_then(|file| excerpt(file, f, renderer))
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
        cwe::name(f.cwe).unwrap_or("Unknown weakness"),
        f.pillar,
        cwe::pillar_name(f.pillar),
    )
}

/// The annotated source excerpt of `f`, or `None` when its lines are not in `file` (the file
/// changed since the scan, say).
fn excerpt(file: &SourceFile, f: &Finding, renderer: &Renderer) -> Option<String> {
    let primary = file.clamp(f.span)?;
    let related: Vec<(Span, &str)> = f
        .related
        .iter()
        .filter_map(|r| Some((file.clamp(r.span)?, r.message.as_str())))
        .collect();
    let first = related
        .iter()
        .map(|(s, _)| s.start.line)
        .fold(primary.start.line, u32::min);
    let last = related
        .iter()
        .map(|(s, _)| s.end.line)
        .fold(primary.end.line, u32::max);

    // The excerpt holds lines `first..=last`, each ended by `\n`, control characters replaced
    // one for one (so columns still count the same characters).
    let mut text = String::new();
    let mut line_starts = Vec::new();
    for line in first..=last {
        line_starts.push(text.len());
        text.extend(file.line(line).chars().map(|c| {
            if is_unsafe(c) && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        }));
        text.push('\n');
    }
    let offset = |p: Position| {
        let start = line_starts[(p.line - first) as usize];
        let rest = &text[start..];
        let line_len = rest.find('\n').unwrap_or(rest.len());
        start
            + rest[..line_len]
                .char_indices()
                .nth(p.column.saturating_sub(1) as usize)
                .map_or(line_len, |(i, _)| i)
    };
    let range = |s: Span| offset(s.start)..offset(s.end);

    let mut snippet = Snippet::source(text.as_str())
        .line_start(first as usize)
        .fold(true)
        .annotation(
            AnnotationKind::Primary
                .span(range(primary))
                .label(clean(&f.message).into_owned()),
        );
    for (span, message) in &related {
        snippet = snippet.annotation(
            AnnotationKind::Context
                .span(range(*span))
                .label(clean(message).into_owned()),
        );
    }
    let level = match f.severity {
        Severity::Critical | Severity::High => Level::ERROR,
        Severity::Medium => Level::WARNING,
        Severity::Low | Severity::Info => Level::NOTE,
    };
    let report = [Group::with_level(level).element(snippet)];
    Some(renderer.render(&report))
}

/// Source files read back for excerpts, each read at most once.
#[derive(Default)]
struct SourceCache {
    files: HashMap<String, Option<SourceFile>>,
}

impl SourceCache {
    fn get(&mut self, path: &str) -> Option<&SourceFile> {
        self.files
            .entry(path.to_string())
            .or_insert_with(|| SourceFile::read(path))
            .as_ref()
    }
}

struct SourceFile {
    text: String,
    index: LineIndex,
}

impl SourceFile {
    fn read(path: &str) -> Option<SourceFile> {
        let bytes = std::fs::read(path).ok()?;
        // The scan read invalid UTF-8 with replacement characters; so do we, so columns agree.
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let index = LineIndex::new(&text);
        Some(SourceFile { text, index })
    }

    fn line(&self, line: u32) -> &str {
        self.index.line_text(&self.text, line).unwrap_or("")
    }

    /// `span` limited to the file's lines and each line's length; an end at the very start of
    /// a line moves back to the end of the line before. `None` when the span starts past the
    /// last line.
    fn clamp(&self, span: Span) -> Option<Span> {
        let lines = self.index.line_count() as u32;
        if span.start.line == 0 || span.start.line > lines {
            return None;
        }
        let width = |line: u32| self.line(line).chars().count() as u32 + 1;
        let start = Position {
            line: span.start.line,
            column: span.start.column.clamp(1, width(span.start.line)),
        };
        let mut end = span.end.max(start);
        if end.line > lines {
            end = Position {
                line: lines,
                column: width(lines),
            };
        }
        if end.line > start.line && end.column <= 1 {
            end = Position {
                line: end.line - 1,
                column: width(end.line - 1),
            };
        }
        end.column = end.column.clamp(1, width(end.line));
        Some(Span {
            start,
            end: end.max(start),
        })
    }
}

/// `n` and the singular or plural noun.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Characters that must not reach a terminal verbatim: controls (escape sequences) and the
/// bidirectional overrides of "Trojan Source".
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with unsafe characters (tabs and newlines included) replaced, for one-line output.
fn clean(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_unsafe) {
        Cow::Owned(
            s.chars()
                .map(|c| match c {
                    '\t' | '\n' | '\r' => ' ',
                    c if is_unsafe(c) => '\u{fffd}',
                    c => c,
                })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

/// ANSI styling, or none.
#[derive(Clone, Copy)]
struct Paint {
    enabled: bool,
}

impl Paint {
    fn wrap(self, code: &str, s: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn bold(self, s: &str) -> String {
        self.wrap("1", s)
    }

    fn severity(self, severity: Severity, s: &str) -> String {
        let code = match severity {
            Severity::Critical => "1;91",
            Severity::High => "91",
            Severity::Medium => "93",
            Severity::Low => "96",
            Severity::Info => "94",
        };
        self.wrap(code, s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_replaces_escapes_and_overrides() {
        assert_eq!(clean("a\x1b[31mb"), "a\u{fffd}[31mb");
        assert_eq!(clean("x\u{202e}y\tz"), "x\u{fffd}y z");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn clamp_keeps_spans_inside_the_file() {
        let text = "ab\ncdef\n".to_string();
        let file = SourceFile {
            index: LineIndex::new(&text),
            text,
        };
        let pos = |line, column| Position { line, column };
        let span = |start, end| Span { start, end };
        assert_eq!(
            file.clamp(span(pos(1, 2), pos(1, 40))),
            Some(span(pos(1, 2), pos(1, 3)))
        );
        assert_eq!(
            file.clamp(span(pos(1, 1), pos(2, 1))),
            Some(span(pos(1, 1), pos(1, 3)))
        );
        assert_eq!(file.clamp(span(pos(9, 1), pos(9, 2))), None);
    }
}
