//! What a review looked at: the change (a commit, a range, a patch) and the files it touches.

use serde::{Deserialize, Serialize};

/// A change under review, as the reports describe it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSummary {
    /// What the change says it is: a commit subject, a patch's subject, or a description such as
    /// `working tree against HEAD`.
    pub title: String,
    /// Where the change came from: a revision range (`1a2b3c4..5d6e7f8`), `--staged`, a patch
    /// file name or `<stdin>`.
    pub source: String,
    /// A stable identity of the change (the head commit, or a hash of the patch), used as the run
    /// id of robot comments.
    pub id: String,
    /// The touched files, in path order.
    pub files: Vec<ChangedFile>,
    /// True when only a patch was available and some files were analysed from the patch's hunks
    /// alone, without the rest of the file.
    pub partial_context: bool,
}

impl ChangeSummary {
    /// Lines added over all files.
    pub fn added(&self) -> u32 {
        self.files.iter().map(|f| f.added).sum()
    }

    /// Lines removed over all files.
    pub fn removed(&self) -> u32 {
        self.files.iter().map(|f| f.removed).sum()
    }
}

/// One file a change touches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedFile {
    /// The path after the change (before it, for a deletion).
    pub path: String,
    /// The path before the change, when the file was renamed or copied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_path: Option<String>,
    pub status: FileStatus,
    /// Lines added or changed.
    pub added: u32,
    /// Lines removed or changed.
    pub removed: u32,
    /// The patch changes binary content, which is not reviewed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub binary: bool,
}

/// How a change touches a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    Added,
    Modified,
    Deleted,
    Renamed,
    Copied,
}

impl FileStatus {
    /// The word reports use: `added`, `modified`...
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Added => "added",
            FileStatus::Modified => "modified",
            FileStatus::Deleted => "deleted",
            FileStatus::Renamed => "renamed",
            FileStatus::Copied => "copied",
        }
    }
}
