//! What the two terminal formats (`text` and `review`) share: source excerpts read back from
//! disk, the neutralising of characters a terminal would act on, and optional ANSI styling.
//!
//! Source files are read again at render time (the model keeps no text). A file that cannot be
//! read, or no longer has the finding's lines, gives no excerpt; rendering never fails for it.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use secrev_core::{Finding, LineIndex, Position, Severity, Span};
use std::borrow::Cow;
use std::collections::HashMap;

/// The annotated source excerpt of `f`: its span underlined (labelled with its message when
/// `label_primary`), its related locations as secondary annotations with their messages. `None`
/// when its lines are not in `file` (the file changed since the scan, say).
pub(crate) fn excerpt(
    file: &SourceFile,
    f: &Finding,
    renderer: &Renderer,
    label_primary: bool,
) -> Option<String> {
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

    let primary_label = if label_primary {
        clean(&f.message).into_owned()
    } else {
        String::new()
    };
    let mut snippet = Snippet::source(text.as_str())
        .line_start(first as usize)
        .fold(true)
        .annotation(
            AnnotationKind::Primary
                .span(range(primary))
                .label(primary_label),
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
pub(crate) struct SourceCache {
    files: HashMap<String, Option<SourceFile>>,
}

impl SourceCache {
    /// The file at `path` as the finding names it, or `None` when it cannot be read.
    pub(crate) fn get(&mut self, path: &str) -> Option<&SourceFile> {
        self.files
            .entry(path.to_string())
            .or_insert_with(|| SourceFile::read(path))
            .as_ref()
    }
}

/// One source file's text and line index.
pub(crate) struct SourceFile {
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

/// Characters that must not reach a terminal verbatim: controls (escape sequences) and the
/// bidirectional overrides of "Trojan Source".
pub(crate) fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with unsafe characters (tabs and newlines included) replaced, for one-line output.
pub(crate) fn clean(s: &str) -> Cow<'_, str> {
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
pub(crate) struct Paint {
    pub(crate) enabled: bool,
}

impl Paint {
    fn wrap(self, code: &str, s: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    /// `s` in bold.
    pub(crate) fn bold(self, s: &str) -> String {
        self.wrap("1", s)
    }

    /// `s` in the colour of `severity`.
    pub(crate) fn severity(self, severity: Severity, s: &str) -> String {
        let code = match severity {
            Severity::Critical => "1;91",
            Severity::High => "91",
            Severity::Medium => "93",
            Severity::Low => "96",
            Severity::Info => "94",
        };
        self.wrap(code, s)
    }

    /// The excerpt renderer that matches: styled when colours are on.
    pub(crate) fn renderer(self) -> Renderer {
        if self.enabled {
            Renderer::styled()
        } else {
            Renderer::plain()
        }
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
