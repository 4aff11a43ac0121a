//! Where the files of a scan are read from. A scan of a tree reads the file system; a review of
//! a commit reads the files as they are in that commit, which may not be checked out.

use std::io;
use std::path::{Path, PathBuf};

/// A set of files to read by path.
pub trait Snapshot: Send + Sync {
    /// The file's size in bytes, checked against the size limit before the file is read.
    fn size(&self, path: &Path) -> io::Result<u64>;
    /// The file's contents.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
}

/// The file system, with paths relative to the working directory (or absolute).
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

impl Snapshot for Disk {
    fn size(&self, path: &Path) -> io::Result<u64> {
        std::fs::metadata(path).map(|m| m.len())
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }
}

/// The file system under a root directory, with paths relative to the root (so they are shown
/// as a version-control tool shows them, wherever secrev was started).
#[derive(Debug, Clone)]
pub struct DiskAt {
    root: PathBuf,
}

impl DiskAt {
    /// Paths are resolved against `root`.
    pub fn new(root: PathBuf) -> DiskAt {
        DiskAt { root }
    }
}

impl Snapshot for DiskAt {
    fn size(&self, path: &Path) -> io::Result<u64> {
        Disk.size(&self.root.join(path))
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        Disk.read(&self.root.join(path))
    }
}
