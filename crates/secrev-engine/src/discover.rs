//! Which files a scan reads: Python, C and C++ files under the named paths, honouring `.gitignore`,
//! hidden-file conventions and the configured excludes. Files named explicitly are always taken.

use globset::GlobSet;
use secrev_core::{Diagnostic, DiagnosticKind};
use secrev_ir::Language;
use std::path::{Path, PathBuf};

/// The files to scan, and the inputs that could not be walked.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Sorted, deduplicated.
    pub files: Vec<PathBuf>,
    pub errors: Vec<Diagnostic>,
}

/// Whether a path names a Python source file.
pub fn is_python(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "py" || e == "pyw")
}

/// The language of a C or C++ source or header, by extension: `.c` is C, `.h` is C unless
/// the project has C++ sources (`cpp_project`), the rest (`.cc .cpp .cxx .hpp .hh .hxx`) C++.
pub fn c_family(path: &Path, cpp_project: bool) -> Option<Language> {
    let extension = path.extension()?.to_str()?;
    match extension {
        "c" => Some(Language::C),
        "h" if cpp_project => Some(Language::Cpp),
        "h" => Some(Language::C),
        _ if CPP_EXTENSIONS.contains(&extension) => Some(Language::Cpp),
        _ => None,
    }
}

/// Extensions only C++ uses (`.h` is shared with C).
const CPP_EXTENSIONS: &[&str] = &["cc", "cpp", "cxx", "hpp", "hh", "hxx", "C", "c++"];

/// Whether any of `files` is C++ (not C) source, which makes `.h` headers C++.
pub fn has_cpp_sources(files: &[PathBuf]) -> bool {
    files.iter().any(|f| {
        f.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| CPP_EXTENSIONS.contains(&e))
    })
}

/// Whether a path names a file secrev analyses (Python, C or C++).
pub fn is_source(path: &Path) -> bool {
    is_python(path) || c_family(path, false).is_some()
}

/// The path as shown in reports: without a leading `./`.
pub fn display(path: &Path) -> String {
    let text = path.to_string_lossy();
    text.strip_prefix("./").unwrap_or(&text).to_owned()
}

/// Whether `path`, found under `root`, matches an exclude glob, either as shown or relative to
/// the directory being walked (so `build/**` works for `secrev scan project/`).
fn excluded(exclude: &GlobSet, root: &Path, path: &Path) -> bool {
    !exclude.is_empty()
        && (exclude.is_match(display(path))
            || path
                .strip_prefix(root)
                .is_ok_and(|relative| exclude.is_match(relative)))
}

/// Walks `inputs` for files to scan.
pub fn discover(inputs: &[PathBuf], exclude: &GlobSet) -> Discovered {
    let mut found = Discovered::default();
    for input in inputs {
        let metadata = match std::fs::metadata(input) {
            Ok(m) => m,
            Err(e) => {
                found.errors.push(io_error(input, &e.to_string()));
                continue;
            }
        };
        if !metadata.is_dir() {
            found.files.push(input.clone());
            continue;
        }
        let walker = ignore::WalkBuilder::new(input)
            .require_git(false)
            .filter_entry({
                let exclude = exclude.clone();
                let root = input.clone();
                move |entry| !excluded(&exclude, &root, entry.path())
            })
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file && is_source(entry.path()) {
                        found.files.push(entry.into_path());
                    }
                }
                Err(error) => {
                    let path = error_path(&error).unwrap_or_else(|| input.clone());
                    found.errors.push(io_error(&path, &error.to_string()));
                }
            }
        }
    }
    found.files.sort();
    found.files.dedup();
    if inputs.len() > 1 {
        // Overlapping inputs (`. app.py`, `src ./src/app.py`) name one file in different
        // spellings: scan it once, under the first spelling in sorted order.
        let mut seen = std::collections::HashSet::new();
        found
            .files
            .retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    }
    found.errors.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

fn io_error(path: &Path, message: &str) -> Diagnostic {
    Diagnostic {
        path: display(path),
        kind: DiagnosticKind::Io,
        span: None,
        message: message.to_owned(),
    }
}

fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_source_files_sorted_and_honours_gitignore_and_excludes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for file in [
            "b.py",
            "a.py",
            "notes.txt",
            "native/codec.c",
            "native/codec.h",
            "native/view.cpp",
            "native/view.o",
            "gen/skip.py",
            "vendor/lib.py",
            "pkg/c.py",
            "pkg/generated/d.py",
        ] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, "x = 1\n").expect("write");
        }
        std::fs::write(root.join(".gitignore"), "gen/\n").expect("write");
        let mut builder = globset::GlobSetBuilder::new();
        builder.add(globset::Glob::new("**/vendor").expect("glob"));
        builder.add(globset::Glob::new("pkg/generated/**").expect("glob"));
        let found = discover(&[root.to_path_buf()], &builder.build().expect("set"));
        let names: Vec<String> = found
            .files
            .iter()
            .map(|p| {
                p.strip_prefix(root)
                    .expect("under root")
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(
            names,
            [
                "a.py",
                "b.py",
                "native/codec.c",
                "native/codec.h",
                "native/view.cpp",
                "pkg/c.py"
            ]
        );
        assert!(has_cpp_sources(&found.files));
        let header = root.join("native/codec.h");
        assert_eq!(c_family(&header, true), Some(Language::Cpp));
        assert_eq!(c_family(&header, false), Some(Language::C));
        assert!(found.errors.is_empty());
    }

    #[test]
    fn overlapping_inputs_name_each_file_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("pkg")).expect("mkdir");
        std::fs::write(root.join("pkg/a.py"), "x = 1\n").expect("write");
        let inputs = [
            root.to_path_buf(),
            root.join("pkg"),
            root.join("./pkg/a.py"),
            root.join("pkg/../pkg/a.py"),
        ];
        let found = discover(&inputs, &GlobSet::empty());
        assert_eq!(found.files.len(), 1, "{:?}", found.files);
    }

    #[test]
    fn missing_input_is_an_error() {
        let found = discover(&[PathBuf::from("/no/such/path")], &GlobSet::empty());
        assert_eq!(found.errors.len(), 1);
        assert!(found.files.is_empty());
    }
}
