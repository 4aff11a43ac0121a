//! A change ready to analyse: what was touched, which lines are new, and where to read the
//! files before and after it. Built from a git revision, the working tree, the index, a patch,
//! or whole files.

use crate::git::{GitTree, Repo};
use crate::images::{from_hunks, other_side, Side};
use crate::patch::{self, FileDiff, HunkLine};
use crate::ReviewError;
use secrev_core::{ChangeSummary, ChangedFile, FileStatus};
use secrev_engine::{display, Disk, DiskAt, Snapshot};
use std::collections::{BTreeSet, HashMap};
use std::io;
use std::path::{Path, PathBuf};

/// What to review.
#[derive(Debug, Clone)]
pub enum Target {
    /// Uncommitted changes (index and working tree, and new untracked files) against `HEAD`.
    WorkTree,
    /// Changes staged in the index against `HEAD`.
    Staged,
    /// The commits of the current branch since it left `rev`: `merge-base(rev, HEAD)..HEAD`.
    Base(String),
    /// A revision range, `A..B` or `A...B` (from the merge base).
    Range(String),
    /// One commit against its first parent (a root commit: against nothing).
    Commit(String),
    /// A patch's text; `name` is where it came from (a file name, `<stdin>`).
    Patch { name: String, bytes: Vec<u8> },
    /// Whole files, every line reviewed.
    Files(Vec<PathBuf>),
}

/// The files of one side of a change.
pub struct Tree {
    /// Where to read them.
    pub snapshot: Box<dyn Snapshot>,
    /// Every file in the tree, sorted (the project, for following calls out of the changed
    /// files).
    pub files: Vec<PathBuf>,
}

/// A change, resolved.
pub struct Change {
    pub summary: ChangeSummary,
    pub files: Vec<FileDiff>,
    /// Lines added or changed, by path after the change.
    pub added: HashMap<PathBuf, BTreeSet<u32>>,
    /// Files analysed from the patch's hunks only.
    pub partial: BTreeSet<PathBuf>,
    pub after: Tree,
    /// The files before the change.
    pub before: Before,
}

/// The files before a change, read only when a finding needs comparing with them.
pub enum Before {
    /// Nothing was there (whole files, a root commit).
    Nothing,
    Ready(Tree),
    /// A commit's files, listed from the files after the change and the diff.
    Derived(GitTree),
}

impl Before {
    /// Calls `f` with the tree (listing it first if needed); `None` when nothing was there.
    pub fn with_tree<R>(&self, f: impl FnOnce(&Tree) -> R) -> Result<Option<R>, ReviewError> {
        Ok(match self {
            Before::Nothing => None,
            Before::Ready(tree) => Some(f(tree)),
            Before::Derived(tree) => Some(f(&Tree {
                files: tree.paths(),
                snapshot: Box::new(tree.clone()),
            })),
        })
    }
}

impl Change {
    /// Resolves `target`; `cwd` locates the repository.
    pub fn resolve(target: &Target, cwd: &Path) -> Result<Change, ReviewError> {
        match target {
            Target::Patch { name, bytes } => from_patch(name, bytes, Repo::discover(cwd), cwd),
            Target::Files(paths) => whole_files(paths, Repo::discover(cwd)),
            git_target => {
                let repo = Repo::discover(cwd).ok_or_else(|| {
                    ReviewError::Usage(
                        "not inside a git repository; review a patch (`secrev review FILE.patch` or `-` for stdin) or files instead".into(),
                    )
                })?;
                from_git(git_target, &repo)
            }
        }
    }
}

/// A snapshot of files held in memory, falling back to another for the rest of the tree.
struct Overlay {
    files: HashMap<PathBuf, Vec<u8>>,
    rest: Option<Box<dyn Snapshot>>,
}

impl Snapshot for Overlay {
    fn size(&self, path: &Path) -> io::Result<u64> {
        match (self.files.get(path), &self.rest) {
            (Some(bytes), _) => Ok(bytes.len() as u64),
            (None, Some(rest)) => rest.size(path),
            (None, None) => Err(io::ErrorKind::NotFound.into()),
        }
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match (self.files.get(path), &self.rest) {
            (Some(bytes), _) => Ok(bytes.clone()),
            (None, Some(rest)) => rest.read(path),
            (None, None) => Err(io::ErrorKind::NotFound.into()),
        }
    }
}

fn summary_of(files: &[FileDiff]) -> Vec<ChangedFile> {
    let mut changed: Vec<ChangedFile> = files
        .iter()
        .filter_map(|f| {
            let (added, removed) = f.counts();
            let path = display(f.path()?);
            let old_path = match f.status {
                FileStatus::Renamed | FileStatus::Copied => f.old_path.as_deref().map(display),
                _ => None,
            };
            Some(ChangedFile {
                path,
                old_path,
                status: f.status,
                added,
                removed,
                binary: f.binary,
            })
        })
        .collect();
    changed.sort_by(|a, b| a.path.cmp(&b.path));
    changed
}

fn added_lines(files: &[FileDiff]) -> HashMap<PathBuf, BTreeSet<u32>> {
    files
        .iter()
        .filter_map(|f| Some((f.new_path.clone()?, f.added_lines())))
        .collect()
}

/// A short hash of bytes, for identifying a change that has no commit id.
fn content_id(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x}")
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

fn from_git(target: &Target, repo: &Repo) -> Result<Change, ReviewError> {
    let revision = |rev: &str| {
        repo.commit(rev).ok_or_else(|| {
            ReviewError::Usage(format!(
                "`{rev}` is neither a file nor a revision of this repository"
            ))
        })
    };
    // (from, to): `to` None is the working tree or the index.
    let (from, to, cached, title, source) = match target {
        Target::WorkTree | Target::Staged => {
            let staged = matches!(target, Target::Staged);
            let from = repo.commit("HEAD");
            let what = if staged { "staged" } else { "uncommitted" };
            let title = format!("{what} changes against HEAD");
            let source = if staged { "index" } else { "working tree" };
            (from, None, staged, title, source.to_owned())
        }
        Target::Commit(rev) => {
            let (commit, parent, title) = repo.describe(rev).ok_or_else(|| {
                ReviewError::Usage(format!(
                    "`{rev}` is neither a file nor a revision of this repository"
                ))
            })?;
            let source = match &parent {
                Some(p) => format!("{}..{}", short(p), short(&commit)),
                None => format!("{} (root commit)", short(&commit)),
            };
            (parent, Some(commit), false, title, source)
        }
        Target::Range(range) | Target::Base(range) => {
            let (a, b, merge_base) = match target {
                Target::Base(base) => (base.as_str(), "HEAD", true),
                _ => match range.split_once("...") {
                    Some((a, b)) => (a, b, true),
                    None => range
                        .split_once("..")
                        .map(|(a, b)| (a, b, false))
                        .ok_or_else(|| ReviewError::Usage(format!("`{range}` is not a range")))?,
                },
            };
            let a = revision(if a.is_empty() { "HEAD" } else { a })?;
            let b = revision(if b.is_empty() { "HEAD" } else { b })?;
            let a = if merge_base {
                repo.merge_base(&a, &b)?
            } else {
                a
            };
            let count = repo.run(&["rev-list", "--count", &format!("{a}..{b}")])?;
            let count = String::from_utf8_lossy(&count).trim().to_owned();
            let title = if count == "1" {
                repo.subject(&b)?
            } else {
                format!("{count} commits")
            };
            let source = format!("{}..{}", short(&a), short(&b));
            (Some(a), Some(b), false, title, source)
        }
        Target::Patch { .. } | Target::Files(_) => {
            return Err(ReviewError::Usage(
                "patches and files are reviewed without git".into(),
            ))
        }
    };
    let from_tree = match &from {
        Some(commit) => commit.clone(),
        None => repo.empty_tree()?,
    };
    // The diff and the listings are independent; git runs them side by side.
    let worktree = to.is_none() && !cached;
    let (diff, after) = std::thread::scope(|scope| {
        let listing = scope.spawn(|| -> Result<Tree, ReviewError> {
            match (&to, cached) {
                (Some(commit), _) => Ok(tree_of(repo.tree(commit)?)),
                (None, true) => Ok(tree_of(repo.index()?)),
                (None, false) => Ok(Tree {
                    snapshot: Box::new(DiskAt::new(repo.root.clone())),
                    files: repo.tracked()?,
                }),
            }
        });
        let untracked = scope.spawn(|| {
            if worktree {
                repo.untracked()
            } else {
                Ok(Vec::new())
            }
        });
        let diff = repo.diff(&from_tree, to.as_deref(), cached);
        (
            diff.and_then(|d| Ok((d, joined(untracked.join())?))),
            joined(listing.join()),
        )
    });
    let (diff, untracked) = diff?;
    let mut after = after?;
    let mut files = if diff.iter().all(u8::is_ascii_whitespace) {
        Vec::new()
    } else {
        patch::parse(&diff)?.files
    };
    // New files the user has not added yet are part of the working tree's change.
    for path in untracked {
        if is_symlink(&repo.root.join(&path)) {
            continue;
        }
        let content = std::fs::read(repo.root.join(&path)).unwrap_or_default();
        files.push(new_file(path.clone(), &content));
        after.files.push(path);
    }
    after.files.sort();
    if worktree {
        // git records a symbolic link as the path it points to: there is no code to review.
        files.retain(|f| {
            !f.new_path
                .as_ref()
                .is_some_and(|p| is_symlink(&repo.root.join(p)))
        });
    }
    let before = match from {
        Some(commit) => Before::Derived(repo.tree_at(&commit, files_before(&after.files, &files))),
        None => Before::Nothing,
    };
    let id = match (&to, cached) {
        (Some(commit), _) => commit.clone(),
        _ => content_id(&diff),
    };
    Ok(Change {
        summary: ChangeSummary {
            title,
            source,
            id,
            files: summary_of(&files),
            partial_context: false,
        },
        added: added_lines(&files),
        files,
        partial: BTreeSet::new(),
        after,
        before,
    })
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// The files before a change: those after it, less the ones it adds, plus the ones it deletes
/// or renames away (listing them this way saves listing the older tree).
fn files_before(after: &[PathBuf], diffs: &[FileDiff]) -> Vec<PathBuf> {
    let added: BTreeSet<&PathBuf> = diffs
        .iter()
        .filter(|d| d.old_path != d.new_path)
        .filter_map(|d| d.new_path.as_ref())
        .collect();
    let mut before: BTreeSet<PathBuf> = after
        .iter()
        .filter(|p| !added.contains(p))
        .cloned()
        .collect();
    before.extend(diffs.iter().filter_map(|d| d.old_path.clone()));
    before.into_iter().collect()
}

/// A helper thread's result; a panic there is a failed git call.
fn joined<T>(result: std::thread::Result<Result<T, ReviewError>>) -> Result<T, ReviewError> {
    result.unwrap_or_else(|_| Err(ReviewError::Git("a git call failed".into())))
}

fn tree_of(tree: GitTree) -> Tree {
    Tree {
        files: tree.paths(),
        snapshot: Box::new(tree),
    }
}

/// A file the change adds whole: every line is new.
fn new_file(path: PathBuf, content: &[u8]) -> FileDiff {
    let lines = content.split_inclusive(|&b| b == b'\n');
    FileDiff {
        old_path: None,
        new_path: Some(path),
        status: FileStatus::Added,
        binary: content[..content.len().min(8192)].contains(&0),
        link: false,
        hunks: vec![patch::Hunk {
            old_start: 0,
            new_start: 1,
            lines: lines.map(|l| HunkLine::Added(l.to_vec())).collect(),
        }],
    }
}

/// Whole files; in a repository, its other files are the project calls are followed into.
fn whole_files(paths: &[PathBuf], repo: Option<Repo>) -> Result<Change, ReviewError> {
    let mut files = Vec::new();
    for path in paths {
        let content = std::fs::read(path)
            .map_err(|e| ReviewError::Io(format!("cannot read {}: {e}", path.display())))?;
        files.push(new_file(path.clone(), &content));
    }
    let summary_files = summary_of(&files)
        .into_iter()
        .map(|f| ChangedFile {
            status: FileStatus::Modified,
            ..f
        })
        .collect();
    let shown: Vec<String> = paths.iter().map(|p| display(p)).collect();
    Ok(Change {
        summary: ChangeSummary {
            title: format!(
                "whole file{} {}",
                if paths.len() == 1 { "" } else { "s" },
                shown.join(", ")
            ),
            source: "files".into(),
            id: content_id(shown.join("\n").as_bytes()),
            files: summary_files,
            partial_context: false,
        },
        added: added_lines(&files),
        files,
        partial: BTreeSet::new(),
        after: Tree {
            snapshot: Box::new(Disk),
            files: match repo {
                Some(repo) => {
                    let reviewed: Vec<PathBuf> =
                        paths.iter().filter_map(|p| p.canonicalize().ok()).collect();
                    repo.tracked()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|p| repo.root.join(p))
                        .filter(|p| !reviewed.contains(p))
                        .collect()
                }
                None => Vec::new(),
            },
        },
        before: Before::Nothing,
    })
}

/// A patch on its own. Each file is read whole where it can be: from the working tree when it
/// holds the file after the patch (or before it: then the patch is applied in memory), so the
/// analysis sees the whole file; otherwise only the hunks are analysed, and the review says its
/// context was partial.
fn from_patch(
    name: &str,
    bytes: &[u8],
    repo: Option<Repo>,
    cwd: &Path,
) -> Result<Change, ReviewError> {
    let parsed = patch::parse(bytes)?;
    let root = repo
        .as_ref()
        .map_or_else(|| cwd.to_path_buf(), |r| r.root.clone());
    let disk = DiskAt::new(root.clone());
    let mut after = HashMap::new();
    let mut before = HashMap::new();
    let mut partial = BTreeSet::new();
    for file in parsed.files.iter().filter(|f| f.is_code()) {
        let on_disk = |path: &Option<PathBuf>| path.as_ref().and_then(|p| disk.read(p).ok());
        let (new_image, old_image) = match (on_disk(&file.new_path), on_disk(&file.old_path)) {
            (Some(new), _) if other_side(&new, &file.hunks, Side::New).is_some() => {
                let old = other_side(&new, &file.hunks, Side::New);
                (Some(new), old)
            }
            (_, Some(old)) if other_side(&old, &file.hunks, Side::Old).is_some() => {
                (other_side(&old, &file.hunks, Side::Old), Some(old))
            }
            _ => {
                if let Some(path) = &file.new_path {
                    partial.insert(path.clone());
                }
                (
                    Some(from_hunks(&file.hunks, Side::New)),
                    Some(from_hunks(&file.hunks, Side::Old)),
                )
            }
        };
        if let (Some(path), Some(image)) = (&file.new_path, new_image) {
            after.insert(path.clone(), image);
        }
        if let (Some(path), Some(image)) = (&file.old_path, old_image) {
            before.insert(path.clone(), image);
        }
    }
    let project = match &repo {
        Some(repo) => repo.worktree_files().unwrap_or_default(),
        None => Vec::new(),
    };
    let rest = || -> Option<Box<dyn Snapshot>> {
        repo.as_ref()
            .map(|_| Box::new(DiskAt::new(root.clone())) as Box<dyn Snapshot>)
    };
    let title = parsed.subject.clone().unwrap_or_else(|| name.to_owned());
    Ok(Change {
        summary: ChangeSummary {
            title,
            source: name.to_owned(),
            id: content_id(bytes),
            files: summary_of(&parsed.files),
            partial_context: !partial.is_empty(),
        },
        added: added_lines(&parsed.files),
        files: parsed.files,
        partial,
        after: Tree {
            snapshot: Box::new(Overlay {
                files: after,
                rest: rest(),
            }),
            files: project,
        },
        before: Before::Ready(Tree {
            snapshot: Box::new(Overlay {
                files: before,
                rest: None,
            }),
            files: Vec::new(),
        }),
    })
}
