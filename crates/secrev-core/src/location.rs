use serde::{Deserialize, Serialize};

/// A 1-based line and 1-based column, counted in Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// A source range; `end` is exclusive (the column just past the last character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

/// A range of byte offsets into one source text (`end` exclusive). The representation carries
/// these; they become [`Span`]s (lines and columns) only when a hit becomes a finding, so the
/// front-end never pays for line/column arithmetic on the millions of nodes that report nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ByteSpan {
    pub start: u32,
    pub end: u32,
}

impl ByteSpan {
    /// Whether `other` lies within `self`.
    pub fn contains(self, other: ByteSpan) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// Maps byte offsets in one source text to [`Position`]s.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// Whether each line is pure ASCII, where a column is a byte difference.
    ascii_lines: Vec<bool>,
}

impl LineIndex {
    /// Indexes the line starts of `source` (`\n`, `\r\n` and lone `\r` all end a line).
    pub fn new(source: &str) -> Self {
        let bytes = source.as_bytes();
        let mut line_starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => line_starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => line_starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        let ascii_lines = line_starts
            .iter()
            .enumerate()
            .map(|(n, &start)| {
                let end = line_starts.get(n + 1).copied().unwrap_or(bytes.len());
                bytes[start..end].is_ascii()
            })
            .collect();
        LineIndex {
            line_starts,
            ascii_lines,
        }
    }

    /// The position of byte `offset`; offsets past the end clamp to the end, and offsets inside
    /// a multi-byte character count as that character.
    pub fn position(&self, source: &str, offset: usize) -> Position {
        let offset = offset.min(source.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        if self.ascii_lines[line] {
            return Position {
                line: line as u32 + 1,
                column: (offset - start) as u32 + 1,
            };
        }
        let column = source
            .get(start..)
            .map(|rest| {
                rest.char_indices()
                    .take_while(|(i, _)| start + i < offset)
                    .count()
            })
            .unwrap_or(0);
        Position {
            line: line as u32 + 1,
            column: column as u32 + 1,
        }
    }

    /// The span between two byte offsets.
    pub fn span(&self, source: &str, start: usize, end: usize) -> Span {
        Span {
            start: self.position(source, start),
            end: self.position(source, end),
        }
    }

    /// The byte offset of `position` (clamped to the source).
    pub fn offset(&self, source: &str, position: Position) -> usize {
        let Some(&start) = (position.line as usize)
            .checked_sub(1)
            .and_then(|idx| self.line_starts.get(idx))
        else {
            return source.len();
        };
        let rest = source.get(start..).unwrap_or("");
        let skip = position.column.saturating_sub(1) as usize;
        start + rest.char_indices().nth(skip).map_or(rest.len(), |(i, _)| i)
    }

    /// The line/column span of a byte span.
    pub fn resolve(&self, source: &str, span: ByteSpan) -> Span {
        self.span(source, span.start as usize, span.end as usize)
    }

    /// The text of 1-based `line`, without its line terminator.
    pub fn line_text<'s>(&self, source: &'s str, line: u32) -> Option<&'s str> {
        let idx = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(idx)?;
        let end = self
            .line_starts
            .get(idx + 1)
            .copied()
            .unwrap_or(source.len());
        source
            .get(start..end)
            .map(|text| text.trim_end_matches(['\n', '\r']))
    }

    /// The number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let src = "ab\né = x\r\nlast";
        let index = LineIndex::new(src);
        assert_eq!(index.position(src, 0), Position { line: 1, column: 1 });
        let x = src.find('x').unwrap();
        assert_eq!(index.position(src, x), Position { line: 2, column: 5 });
        let l = src.find("last").unwrap();
        assert_eq!(index.position(src, l), Position { line: 3, column: 1 });
        assert_eq!(index.line_text(src, 2), Some("é = x"));
        assert_eq!(index.line_text(src, 9), None);
    }
}
