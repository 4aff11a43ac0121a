//! The repository's own `git`, run as a subprocess: revisions, diffs, trees and file contents.
//! Every call is read-only; nothing here changes the repository or its working tree.

use crate::ReviewError;
use secrev_engine::Snapshot;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};

/// A git working tree.
#[derive(Clone)]
pub struct Repo {
    /// The top-level directory of the working tree.
    pub root: PathBuf,
    /// One `git cat-file` process serves every tree of the repository.
    reader: Arc<Mutex<Option<CatFile>>>,
}

impl Repo {
    /// The repository containing `dir`, or `None` when `dir` is not in one (or git is missing).
    pub fn discover(dir: &Path) -> Option<Repo> {
        let output = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["rev-parse", "--show-toplevel"])
            .stderr(Stdio::null())
            .output()
            .ok()?;
        if !output.status.success() {
            return None;
        }
        let root = trim_newline(&output.stdout);
        Some(Repo {
            root: PathBuf::from(OsStr::from_bytes(root)),
            reader: Arc::default(),
        })
    }

    fn command(&self) -> Command {
        let mut command = Command::new("git");
        command.arg("-C").arg(&self.root);
        command
    }

    /// Runs `git args` and returns its standard output; failure is an error quoting git.
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Vec<u8>, ReviewError> {
        let output = self
            .command()
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| ReviewError::Git(format!("cannot run git: {e}")))?;
        if output.status.success() {
            Ok(output.stdout)
        } else {
            let shown: Vec<String> = args
                .iter()
                .map(|a| a.as_ref().to_string_lossy().into_owned())
                .collect();
            Err(ReviewError::Git(format!(
                "`git {}` failed: {}",
                shown.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            )))
        }
    }

    /// The commit `rev` names, or `None` when it names none.
    pub fn commit(&self, rev: &str) -> Option<String> {
        let spec = format!("{rev}^{{commit}}");
        let out = self
            .run(&[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &spec,
            ])
            .ok()?;
        let id = String::from_utf8_lossy(trim_newline(&out)).into_owned();
        (!id.is_empty()).then_some(id)
    }

    /// The commit `rev` names, its first parent (`None` for a root commit) and its subject, in
    /// one call; `None` when `rev` names no commit.
    pub fn describe(&self, rev: &str) -> Option<(String, Option<String>, String)> {
        let out = self
            .run(&[
                "log",
                "-1",
                "--no-walk",
                "--format=%H%n%P%n%s",
                "--end-of-options",
                rev,
                "--",
            ])
            .ok()?;
        let text = String::from_utf8_lossy(&out);
        let mut lines = text.lines();
        let commit = lines.next().filter(|c| !c.is_empty())?.to_owned();
        let parent = lines
            .next()
            .and_then(|p| p.split_whitespace().next())
            .map(str::to_owned);
        let subject = lines.next().unwrap_or("").to_owned();
        Some((commit, parent, subject))
    }

    /// The files `paths` as they are in `commit`, named for `git cat-file` as `commit:path`.
    pub fn tree_at(&self, commit: &str, paths: Vec<PathBuf>) -> GitTree {
        let blobs = paths
            .into_iter()
            .map(|path| {
                let mut name = format!("{commit}:").into_bytes();
                name.extend_from_slice(path.as_os_str().as_bytes());
                (path, name)
            })
            .collect();
        GitTree::new(self.clone(), blobs)
    }

    /// The best common ancestor of two commits.
    pub fn merge_base(&self, a: &str, b: &str) -> Result<String, ReviewError> {
        let out = self.run(&["merge-base", a, b])?;
        Ok(String::from_utf8_lossy(trim_newline(&out)).into_owned())
    }

    /// The empty tree's id in this repository's hash (what a root commit is compared with).
    pub fn empty_tree(&self) -> Result<String, ReviewError> {
        let out = self.run(&["hash-object", "-t", "tree", "/dev/null"])?;
        Ok(String::from_utf8_lossy(trim_newline(&out)).into_owned())
    }

    /// The subject line of `commit`.
    pub fn subject(&self, commit: &str) -> Result<String, ReviewError> {
        let out = self.run(&["log", "-1", "--format=%s", commit, "--"])?;
        Ok(String::from_utf8_lossy(trim_newline(&out)).into_owned())
    }

    /// The diff between two trees (`None` as `to`: the working tree; `cached`: the index),
    /// with renames detected, no context lines, and none of the user's diff settings that change
    /// its format (external drivers, text conversion, colour, prefixes).
    pub fn diff(&self, from: &str, to: Option<&str>, cached: bool) -> Result<Vec<u8>, ReviewError> {
        let mut args: Vec<&str> = vec![
            "-c",
            "core.quotePath=true",
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--find-renames",
            "--unified=0",
            "--src-prefix=a/",
            "--dst-prefix=b/",
        ];
        if cached {
            args.push("--cached");
        }
        args.push(from);
        args.extend(to);
        args.push("--");
        self.run(&args)
    }

    /// The files of a commit, with their blob ids.
    pub fn tree(&self, commit: &str) -> Result<GitTree, ReviewError> {
        let out = self.run(&["ls-tree", "-r", "-z", "--full-tree", commit])?;
        // Each entry: `<mode> <type> <id>\t<path>`.
        let blobs = out
            .split(|&b| b == 0)
            .filter_map(|entry| {
                let tab = entry.iter().position(|&b| b == b'\t')?;
                let mut meta = entry[..tab].split(|&b| b == b' ');
                is_file_mode(meta.next()?).then_some(())?;
                (meta.next()? == b"blob").then_some(())?;
                let id = meta.next()?.to_vec();
                Some((PathBuf::from(OsStr::from_bytes(&entry[tab + 1..])), id))
            })
            .collect();
        Ok(GitTree::new(self.clone(), blobs))
    }

    /// The files staged in the index, with their blob ids.
    pub fn index(&self) -> Result<GitTree, ReviewError> {
        let out = self.run(&["ls-files", "-s", "-z"])?;
        // Each entry: `<mode> <id> <stage>\t<path>`; only stage 0 (no conflict) is a content.
        let blobs = out
            .split(|&b| b == 0)
            .filter_map(|entry| {
                let tab = entry.iter().position(|&b| b == b'\t')?;
                let mut meta = entry[..tab].split(|&b| b == b' ');
                is_file_mode(meta.next()?).then_some(())?;
                let id = meta.next()?.to_vec();
                (meta.next()? == b"0").then_some(())?;
                Some((PathBuf::from(OsStr::from_bytes(&entry[tab + 1..])), id))
            })
            .collect();
        Ok(GitTree::new(self.clone(), blobs))
    }

    /// Files git tracks.
    pub fn tracked(&self) -> Result<Vec<PathBuf>, ReviewError> {
        self.paths(&["ls-files", "-z", "--cached"])
    }

    /// Files of the working tree that git tracks or would track (untracked, not ignored).
    pub fn worktree_files(&self) -> Result<Vec<PathBuf>, ReviewError> {
        self.paths(&[
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
    }

    /// Untracked files that are not ignored: new files not yet added.
    pub fn untracked(&self) -> Result<Vec<PathBuf>, ReviewError> {
        self.paths(&["ls-files", "-z", "--others", "--exclude-standard"])
    }

    fn paths(&self, args: &[&str]) -> Result<Vec<PathBuf>, ReviewError> {
        let out = self.run(args)?;
        let mut paths: Vec<PathBuf> = out
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| PathBuf::from(OsStr::from_bytes(p)))
            .collect();
        paths.sort();
        paths.dedup();
        Ok(paths)
    }
}

/// Whether a tree entry's mode is a regular file; a symbolic link's blob is the path it points
/// to, not code.
fn is_file_mode(mode: &[u8]) -> bool {
    mode.starts_with(b"100")
}

fn trim_newline(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

/// The files of one tree (a commit or the index), read from the object store on demand
/// through one long-running `git cat-file --batch-command`.
#[derive(Clone)]
pub struct GitTree {
    repo: Repo,
    /// Object names by path: blob ids, or `commit:path`.
    blobs: Arc<HashMap<PathBuf, Vec<u8>>>,
}

impl GitTree {
    fn new(repo: Repo, blobs: HashMap<PathBuf, Vec<u8>>) -> GitTree {
        GitTree {
            repo,
            blobs: Arc::new(blobs),
        }
    }

    /// Every path in the tree, sorted.
    pub fn paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = self.blobs.keys().cloned().collect();
        paths.sort();
        paths
    }

    fn ask(&self, command: &str, path: &Path) -> io::Result<Vec<u8>> {
        let id = self
            .blobs
            .get(path)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "not in this revision"))?;
        let mut reader = self
            .repo
            .reader
            .lock()
            .map_err(|_| io::Error::other("git reader poisoned"))?;
        if reader.is_none() {
            *reader = Some(CatFile::start(&self.repo)?);
        }
        let cat = reader
            .as_mut()
            .ok_or_else(|| io::Error::other("git reader missing"))?;
        let answer = cat.ask(command, id);
        if answer.is_err() {
            // A broken pipe leaves the protocol out of step: start afresh next time.
            *reader = None;
        }
        answer
    }
}

impl Snapshot for GitTree {
    fn size(&self, path: &Path) -> io::Result<u64> {
        let info = self.ask("info", path)?;
        String::from_utf8_lossy(&info)
            .trim()
            .parse()
            .map_err(|_| io::Error::other("unexpected answer from git cat-file"))
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.ask("contents", path)
    }
}

/// A `git cat-file --batch-command` process.
struct CatFile {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl CatFile {
    fn start(repo: &Repo) -> io::Result<CatFile> {
        let mut child = repo
            .command()
            .args(["cat-file", "--batch-command"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let input = child
            .stdin
            .take()
            .ok_or_else(|| io::Error::other("no stdin"))?;
        let output = child
            .stdout
            .take()
            .ok_or_else(|| io::Error::other("no stdout"))?;
        Ok(CatFile {
            child,
            input,
            output: BufReader::new(output),
        })
    }

    /// `info <id>` answers `<id> <type> <size>`; `contents <id>` the same line then the bytes.
    /// `info` returns the size as text, `contents` the bytes.
    fn ask(&mut self, command: &str, id: &[u8]) -> io::Result<Vec<u8>> {
        // One write per request: the pipe is unbuffered.
        let mut line = Vec::with_capacity(command.len() + id.len() + 2);
        line.extend_from_slice(command.as_bytes());
        line.push(b' ');
        line.extend_from_slice(id);
        line.push(b'\n');
        self.input.write_all(&line)?;
        self.input.flush()?;
        let mut header = String::new();
        self.output.read_line(&mut header)?;
        let mut fields = header.split_whitespace();
        let (_id, kind, size) = (fields.next(), fields.next(), fields.next());
        let size: u64 = match (kind, size.and_then(|s| s.parse().ok())) {
            (Some("blob"), Some(size)) => size,
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!(
                        "git cannot read object {}: {}",
                        String::from_utf8_lossy(id),
                        header.trim()
                    ),
                ))
            }
        };
        if command == "info" {
            return Ok(size.to_string().into_bytes());
        }
        let mut content = Vec::new();
        (&mut self.output).take(size).read_to_end(&mut content)?;
        let mut newline = [0u8; 1];
        self.output.read_exact(&mut newline)?;
        Ok(content)
    }
}

impl Drop for CatFile {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
