//! A file on one side of a patch, rebuilt from the other side or from the hunks alone.

use crate::patch::{Hunk, HunkLine};

/// Which side of a patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The file before the change.
    Old,
    /// The file after the change.
    New,
}

impl Side {
    fn other(self) -> Side {
        match self {
            Side::Old => Side::New,
            Side::New => Side::Old,
        }
    }
}

/// The hunk's lines on `side`, in order.
fn side_lines(hunk: &Hunk, side: Side) -> impl Iterator<Item = &[u8]> {
    hunk.lines
        .iter()
        .filter_map(move |line| match (line, side) {
            (HunkLine::Context(text), _)
            | (HunkLine::Removed(text), Side::Old)
            | (HunkLine::Added(text), Side::New) => Some(text.as_slice()),
            _ => None,
        })
}

/// Where the hunk's `side` begins, as a 0-based line index. An empty range is written as the
/// line *after which* it sits, so it begins at that same number as an index.
fn begins(hunk: &Hunk, side: Side) -> usize {
    let start = match side {
        Side::Old => hunk.old_start,
        Side::New => hunk.new_start,
    } as usize;
    if side_lines(hunk, side).next().is_some() {
        start.saturating_sub(1)
    } else {
        start
    }
}

/// Splits into lines, each keeping its terminator.
fn lines(image: &[u8]) -> Vec<&[u8]> {
    image.split_inclusive(|&b| b == b'\n').collect()
}

/// The file on the other side of the patch, given the whole file on `side`; `None` when the
/// file does not match the hunks (it is not the file the patch was made against).
pub fn other_side(image: &[u8], hunks: &[Hunk], side: Side) -> Option<Vec<u8>> {
    let have = lines(image);
    let mut out = Vec::with_capacity(image.len());
    let mut next = 0;
    for hunk in hunks {
        let at = begins(hunk, side);
        if at < next || at > have.len() {
            return None;
        }
        for line in &have[next..at] {
            out.extend_from_slice(line);
        }
        next = at;
        for expected in side_lines(hunk, side) {
            if have.get(next) != Some(&expected) {
                return None;
            }
            next += 1;
        }
        for line in side_lines(hunk, side.other()) {
            out.extend_from_slice(line);
        }
    }
    for line in &have[next..] {
        out.extend_from_slice(line);
    }
    Some(out)
}

/// The file on `side` as far as the hunks show it: their lines at their own line numbers, and
/// empty lines where the patch shows nothing, so that line numbers stay true.
pub fn from_hunks(hunks: &[Hunk], side: Side) -> Vec<u8> {
    let mut image: Vec<&[u8]> = Vec::new();
    for hunk in hunks {
        let at = begins(hunk, side);
        for (i, line) in side_lines(hunk, side).enumerate() {
            if image.len() <= at + i {
                image.resize(at + i + 1, b"\n");
            }
            image[at + i] = line;
        }
    }
    let mut out = Vec::new();
    for line in image {
        out.extend_from_slice(line);
        if !line.ends_with(b"\n") {
            out.push(b'\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch;

    const OLD: &str = "a\nb\nc\nd\n";
    const NEW: &str = "a\nB\nc\nd\ne\n";
    const DIFF: &str = "--- a/f.py\n+++ b/f.py\n@@ -2 +2 @@\n-b\n+B\n@@ -4,0 +5 @@\n+e\n";

    fn hunks() -> Vec<Hunk> {
        patch::parse(DIFF.as_bytes()).unwrap().files.remove(0).hunks
    }

    #[test]
    fn rebuilds_either_side_from_the_other() {
        let hunks = hunks();
        assert_eq!(
            other_side(OLD.as_bytes(), &hunks, Side::Old).as_deref(),
            Some(NEW.as_bytes())
        );
        assert_eq!(
            other_side(NEW.as_bytes(), &hunks, Side::New).as_deref(),
            Some(OLD.as_bytes())
        );
        assert_eq!(other_side(b"x\ny\n", &hunks, Side::Old), None);
    }

    #[test]
    fn hunks_alone_keep_line_numbers() {
        let image = from_hunks(&hunks(), Side::New);
        assert_eq!(String::from_utf8(image).unwrap(), "\nB\n\n\ne\n");
    }
}
