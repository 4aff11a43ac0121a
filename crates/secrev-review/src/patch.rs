//! Patches as a review reads them: which files a patch touches, how, and which lines of each
//! file it adds. `git diff` output, `git format-patch` mailboxes, plain `diff -u` output and
//! Gerrit's base64-encoded patch downloads are all accepted; parsing itself is diffy's.

use crate::ReviewError;
use base64::Engine;
use diffy::patch_set::{FileMode, FileOperation, ParseOptions, PatchKind, PatchSet};
use diffy::Line;
use secrev_core::FileStatus;
use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// A parsed patch: its subject (for mailboxes) and what it does to each file.
#[derive(Debug, Default)]
pub struct Patch {
    /// The `Subject:` of a `git format-patch` mailbox, without its `[PATCH]` tag.
    pub subject: Option<String>,
    pub files: Vec<FileDiff>,
}

/// What a patch does to one file.
#[derive(Debug, Clone)]
pub struct FileDiff {
    /// The path before the change; `None` for a new file.
    pub old_path: Option<PathBuf>,
    /// The path after the change; `None` for a deleted file.
    pub new_path: Option<PathBuf>,
    pub status: FileStatus,
    pub binary: bool,
    /// The file is a symbolic link or a submodule after the change, not a file of code.
    pub link: bool,
    pub hunks: Vec<Hunk>,
}

/// One hunk, owned.
#[derive(Debug, Clone)]
pub struct Hunk {
    /// First line of the hunk in the old file (1-based; 0 for an empty range at the top).
    pub old_start: u32,
    /// First line of the hunk in the new file (1-based; 0 for an empty range at the top).
    pub new_start: u32,
    pub lines: Vec<HunkLine>,
}

/// One line of a hunk, with its text (terminator included when the patch had one).
#[derive(Debug, Clone)]
pub enum HunkLine {
    Context(Vec<u8>),
    Removed(Vec<u8>),
    Added(Vec<u8>),
}

impl FileDiff {
    /// Whether the change leaves text that can be code: not binary, not a link.
    pub fn is_code(&self) -> bool {
        !self.binary && !self.link
    }

    /// Lines of the new file that the patch adds or changes (1-based).
    pub fn added_lines(&self) -> BTreeSet<u32> {
        let mut added = BTreeSet::new();
        for hunk in &self.hunks {
            let mut line = hunk.new_start.max(1);
            for l in &hunk.lines {
                match l {
                    HunkLine::Context(_) => line += 1,
                    HunkLine::Added(_) => {
                        added.insert(line);
                        line += 1;
                    }
                    HunkLine::Removed(_) => {}
                }
            }
        }
        added
    }

    /// Lines added and removed.
    pub fn counts(&self) -> (u32, u32) {
        let lines = self.hunks.iter().flat_map(|h| &h.lines);
        lines.fold((0, 0), |(a, r), l| match l {
            HunkLine::Added(_) => (a + 1, r),
            HunkLine::Removed(_) => (a, r + 1),
            HunkLine::Context(_) => (a, r),
        })
    }

    /// The path the review reports: the new path, or the old one for a deletion.
    pub fn path(&self) -> Option<&PathBuf> {
        self.new_path.as_ref().or(self.old_path.as_ref())
    }
}

/// Parses a patch. Input that is not a patch, or a patch whose hunks do not add up, is an
/// error naming what is wrong.
pub fn parse(input: &[u8]) -> Result<Patch, ReviewError> {
    let decoded = gerrit_download(input);
    let input = decoded.as_deref().unwrap_or(input);
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err(ReviewError::Patch("the patch is empty".into()));
    }
    let is_git = input.starts_with(b"diff --git ") || contains(input, b"\ndiff --git ");
    let options = if is_git {
        ParseOptions::gitdiff()
    } else {
        ParseOptions::unidiff()
    };
    let set = PatchSet::parse_bytes(input, options);
    // diffy asserts on hunk counts it has already checked; a panic would still be a bug of
    // ours to report as bad input rather than a crash.
    let parsed = std::panic::catch_unwind(|| set.collect::<Result<Vec<_>, _>>())
        .map_err(|_| ReviewError::Patch("the patch could not be parsed".into()))?;
    let parsed = parsed.map_err(|e| ReviewError::Patch(format!("malformed patch: {e}")))?;
    let files = parsed
        .into_iter()
        .map(|file| {
            let binary = file.patch().is_binary();
            let link = matches!(file.new_mode(), Some(FileMode::Symlink | FileMode::Gitlink));
            let (old_path, new_path, status) = paths(file.operation());
            let hunks = match file.patch() {
                PatchKind::Text(patch) => patch.hunks().iter().map(own_hunk).collect(),
                PatchKind::Binary(_) => Vec::new(),
            };
            FileDiff {
                old_path,
                new_path,
                status,
                binary,
                link,
                hunks,
            }
        })
        .collect();
    Ok(Patch {
        subject: subject(input),
        files,
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn own_hunk(hunk: &diffy::Hunk<'_, [u8]>) -> Hunk {
    Hunk {
        old_start: u32::try_from(hunk.old_range().start()).unwrap_or(u32::MAX),
        new_start: u32::try_from(hunk.new_range().start()).unwrap_or(u32::MAX),
        lines: hunk
            .lines()
            .iter()
            .map(|line| match line {
                Line::Context(text) => HunkLine::Context(text.to_vec()),
                Line::Delete(text) => HunkLine::Removed(text.to_vec()),
                Line::Insert(text) => HunkLine::Added(text.to_vec()),
            })
            .collect(),
    }
}

/// Old path, new path and status of a file operation, with the `a/`/`b/` prefixes git puts on
/// paths removed.
fn paths(op: &FileOperation<'_, [u8]>) -> (Option<PathBuf>, Option<PathBuf>, FileStatus) {
    match op {
        FileOperation::Create(path) => (None, Some(strip(path, b"b/")), FileStatus::Added),
        FileOperation::Delete(path) => (Some(strip(path, b"a/")), None, FileStatus::Deleted),
        FileOperation::Modify { original, modified } => {
            let (old, new) = strip_pair(original, modified);
            let status = if old == new {
                FileStatus::Modified
            } else {
                FileStatus::Renamed
            };
            (Some(old), Some(new), status)
        }
        FileOperation::Rename { from, to } => (
            Some(strip(from, b"a/")),
            Some(strip(to, b"b/")),
            FileStatus::Renamed,
        ),
        FileOperation::Copy { from, to } => (
            Some(strip(from, b"a/")),
            Some(strip(to, b"b/")),
            FileStatus::Copied,
        ),
    }
}

fn to_path(bytes: &[u8]) -> PathBuf {
    PathBuf::from(OsStr::from_bytes(bytes))
}

fn strip(path: &[u8], prefix: &[u8]) -> PathBuf {
    to_path(path.strip_prefix(prefix).unwrap_or(path))
}

/// Removes the first path component from both paths when they carry git's `a/`/`b/` prefixes,
/// or `diff -ru old/ new/`-style directory prefixes (the first components differ and the rest
/// agree), as `patch -p1` would.
fn strip_pair(old: &[u8], new: &[u8]) -> (PathBuf, PathBuf) {
    if old.starts_with(b"a/") && new.starts_with(b"b/") {
        return (to_path(&old[2..]), to_path(&new[2..]));
    }
    let rest = |p: &[u8]| {
        p.iter()
            .position(|&b| b == b'/')
            .map(|at| p[at + 1..].to_vec())
    };
    match (rest(old), rest(new)) {
        (Some(o), Some(n)) if o == n && !o.is_empty() => (to_path(&o), to_path(&n)),
        _ => (to_path(old), to_path(new)),
    }
}

/// The subject of a mailbox patch, unfolded, without the `[PATCH ...]` tag.
fn subject(input: &[u8]) -> Option<String> {
    if !input.starts_with(b"From ") {
        return None;
    }
    let text = String::from_utf8_lossy(input);
    let headers = text.split("\n\n").next()?;
    let mut lines = headers.lines().skip_while(|l| !l.starts_with("Subject:"));
    let mut subject = lines
        .next()?
        .trim_start_matches("Subject:")
        .trim()
        .to_owned();
    for folded in lines.take_while(|l| l.starts_with([' ', '\t'])) {
        subject.push(' ');
        subject.push_str(folded.trim());
    }
    let subject = match subject.strip_prefix('[') {
        Some(tagged) => tagged
            .split_once(']')
            .map_or(subject.as_str(), |(_, rest)| rest),
        None => subject.as_str(),
    };
    Some(subject.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Gerrit's "download patch" serves the `git format-patch` mailbox base64-encoded: decodes it
/// when the whole input is base64 and the result is a patch.
fn gerrit_download(input: &[u8]) -> Option<Vec<u8>> {
    let compact: Vec<u8> = input
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if compact.is_empty() || input.starts_with(b"From ") || input.starts_with(b"diff ") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .ok()?;
    let looks_like_patch = decoded.starts_with(b"From ")
        || decoded.starts_with(b"diff ")
        || decoded.starts_with(b"--- ");
    looks_like_patch.then_some(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIT_DIFF: &str = "\
diff --git a/app/views.py b/app/views.py
index 1111111..2222222 100644
--- a/app/views.py
+++ b/app/views.py
@@ -2,0 +3,2 @@ import os
+import subprocess
+x = 1
@@ -10 +12 @@ def f():
-    old()
+    new()
diff --git a/old.py b/new.py
similarity index 100%
rename from old.py
rename to new.py
diff --git a/gone.py b/gone.py
deleted file mode 100644
index 3333333..0000000
--- a/gone.py
+++ /dev/null
@@ -1 +0,0 @@
-x = 1
diff --git a/logo.png b/logo.png
new file mode 100644
index 0000000..4444444
Binary files /dev/null and b/logo.png differ
";

    #[test]
    fn reads_git_diffs_with_renames_deletions_and_binaries() {
        let patch = parse(GIT_DIFF.as_bytes()).unwrap();
        let summary: Vec<_> = patch
            .files
            .iter()
            .map(|f| (f.path().cloned(), f.status, f.binary, f.counts()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    Some("app/views.py".into()),
                    FileStatus::Modified,
                    false,
                    (3, 1)
                ),
                (Some("new.py".into()), FileStatus::Renamed, false, (0, 0)),
                (Some("gone.py".into()), FileStatus::Deleted, false, (0, 1)),
                (Some("logo.png".into()), FileStatus::Added, true, (0, 0)),
            ]
        );
        assert_eq!(
            patch.files[0].added_lines().into_iter().collect::<Vec<_>>(),
            vec![3, 4, 12]
        );
    }

    #[test]
    fn reads_mailbox_subjects_and_gerrit_downloads() {
        let mailbox = format!(
            "From 0123 Mon Sep 17 00:00:00 2001\nFrom: A <a@example.org>\nSubject: [PATCH v2 1/3] Add the\n helper\n\nBody.\n---\n{GIT_DIFF}-- \n2.47.3\n"
        );
        let patch = parse(mailbox.as_bytes()).unwrap();
        assert_eq!(patch.subject.as_deref(), Some("Add the helper"));
        assert_eq!(patch.files.len(), 4);
        let encoded = base64::engine::general_purpose::STANDARD.encode(mailbox);
        let wrapped: String = encoded
            .as_bytes()
            .chunks(76)
            .map(|c| format!("{}\n", String::from_utf8_lossy(c)))
            .collect();
        let patch = parse(wrapped.as_bytes()).unwrap();
        assert_eq!(patch.subject.as_deref(), Some("Add the helper"));
    }

    #[test]
    fn strips_directory_prefixes_of_plain_diffs() {
        let plain =
            "--- orig/pkg/a.py\t2024-01-01\n+++ new/pkg/a.py\t2024-01-02\n@@ -1 +1 @@\n-a\n+b\n";
        let patch = parse(plain.as_bytes()).unwrap();
        assert_eq!(patch.files[0].new_path, Some("pkg/a.py".into()));
        assert_eq!(patch.files[0].status, FileStatus::Modified);
    }

    #[test]
    fn rejects_what_is_not_a_patch() {
        assert!(parse(b"").is_err());
        assert!(parse(b"hello world\n").is_err());
        let broken = "--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n-a\n+b\n";
        assert!(parse(broken.as_bytes()).is_err());
    }

    #[test]
    fn keeps_non_utf8_and_quoted_paths() {
        let diff = b"diff --git \"a/caf\\303\\251.py\" \"b/caf\\303\\251.py\"\nindex 1..2 100644\n--- \"a/caf\\303\\251.py\"\n+++ \"b/caf\\303\\251.py\"\n@@ -1 +1 @@\n-a\n+b\r\n";
        let patch = parse(diff).unwrap();
        assert_eq!(patch.files[0].new_path, Some(PathBuf::from("café.py")));
    }
}
