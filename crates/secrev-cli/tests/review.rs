//! `secrev review` end to end: real git repositories built in temporary directories, reviewed
//! as commits, ranges, the working tree, the index, patches and whole files. Each test checks
//! exactly which findings (path, line, rule) the review reports.

mod common;

use common::{exit_code, secrev, NO_DEFECTS, VULNERABLE, VULNERABLE_LINE};
use std::ffi::OsStr;
use std::path::Path;
use std::process::Output;
use tempfile::TempDir;

// ----- the code under review ------------------------------------------------------------------

/// A module with an old defect: MD5 (PY301) on line [`OLD_LINE`].
const APP_OLD: &str =
    "import hashlib\n\nimport yaml\n\n\ndef digest(data):\n    return hashlib.md5(data).hexdigest()\n";
const OLD_LINE: u64 = 7;
/// Appended to [`APP_OLD`]: a new function with `yaml.load` (PY204) on line [`NEW_LINE`].
const LOAD_FN: &str = "\n\ndef load(text):\n    return yaml.load(text)\n";
const NEW_LINE: u64 = 11;
/// A module of its own: `yaml.load` (PY204) on line 5.
const LOADER: &str = "import yaml\n\n\ndef load(text):\n    return yaml.load(text)\n";
const LOADER_LINE: u64 = 5;

/// [`APP_OLD`] with [`LOAD_FN`] appended.
fn app_new() -> String {
    format!("{APP_OLD}{LOAD_FN}")
}

/// (path, line, rule) of a finding.
type Place = (String, u64, String);

fn at(path: &str, line: u64, rule: &str) -> Place {
    (path.to_owned(), line, rule.to_owned())
}

/// What a review says: its exit status and its findings, sorted.
type Outcome = (i32, Vec<Place>);

/// The outcome a review reporting `places` must have: exit 1 when there is any, else 0.
fn expect(mut places: Vec<Place>) -> Outcome {
    places.sort();
    (i32::from(!places.is_empty()), places)
}

// ----- running git and secrev -----------------------------------------------------------------

/// Keeps the user's and the system's git configuration out, and fixes who commits and when.
const GIT_ENV: [(&str, &str); 8] = [
    ("GIT_CONFIG_GLOBAL", "/dev/null"),
    ("GIT_CONFIG_NOSYSTEM", "1"),
    ("GIT_AUTHOR_NAME", "Test Author"),
    ("GIT_AUTHOR_EMAIL", "author@example.com"),
    ("GIT_COMMITTER_NAME", "Test Committer"),
    ("GIT_COMMITTER_EMAIL", "committer@example.com"),
    ("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z"),
    ("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z"),
];
/// Variables that would point git at another repository.
const GIT_ENV_REMOVED: [&str; 5] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_CEILING_DIRECTORIES",
];

/// `secrev review --no-config ARGS` run in `dir` with the isolated git environment; `stdin` is
/// fed to it. Test directories outside any repository stay outside: git may not look above
/// the system's temporary directory.
fn run_review(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = secrev();
    cmd.current_dir(dir).envs(GIT_ENV);
    for var in GIT_ENV_REMOVED {
        cmd.env_remove(var);
    }
    if let Ok(temp) = std::env::temp_dir().canonicalize() {
        cmd.env("GIT_CEILING_DIRECTORIES", temp);
    }
    cmd.args(["review", "--no-config"]).args(args);
    cmd.write_stdin(stdin.unwrap_or_default());
    cmd.output().expect("run secrev")
}

/// A JSON review of `args` in `dir`: its exit status and sorted findings.
fn review_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Outcome {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let output = run_review(dir, &all, stdin);
    let code = exit_code(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "`secrev review {args:?}` gave no JSON report ({e}); exit {code}\nstdout:\n{}\nstderr:\n{stderr}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    let mut places: Vec<Place> = common::places(&report);
    places.sort();
    if code == 2 {
        eprintln!("`secrev review {args:?}` exited 2; stderr:\n{stderr}");
    }
    (code, places)
}

/// A review expected to fail with exit 2: returns its standard error.
fn review_error(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> String {
    let output = run_review(dir, args, stdin);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        exit_code(&output),
        2,
        "`secrev review {args:?}`: exit status; stdout:\n{}\nstderr:\n{stderr}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(
        !stderr.trim().is_empty(),
        "`secrev review {args:?}` exited 2 without a message"
    );
    stderr
}

/// A git repository in a temporary directory, on branch `main`.
struct Repo {
    dir: TempDir,
}

impl Repo {
    fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().expect("create a temporary directory"),
        };
        repo.git(["init", "-q", "-b", "main"]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (parent directories created).
    fn write(&self, path: impl AsRef<Path>, contents: impl AsRef<[u8]>) {
        let full = self.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("create parent directories");
        }
        std::fs::write(full, contents).expect("write a test file");
    }

    /// Runs git here; it must succeed. Returns its standard output.
    fn git_bytes<I, S>(&self, args: I) -> Vec<u8>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = std::process::Command::new("git");
        cmd.current_dir(self.path()).envs(GIT_ENV).args(args);
        for var in GIT_ENV_REMOVED {
            cmd.env_remove(var);
        }
        let output = cmd.output().expect("run git");
        assert!(
            output.status.success(),
            "{cmd:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    }

    /// Runs git here; it must succeed. Returns its standard output, trimmed.
    fn git<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        String::from_utf8_lossy(&self.git_bytes(args))
            .trim()
            .to_owned()
    }

    /// Commits everything in the working tree; returns the commit id.
    fn commit(&self, message: &str) -> String {
        self.git(["add", "-A"]);
        self.git(["commit", "-q", "--allow-empty", "-m", message]);
        self.git(["rev-parse", "HEAD"])
    }

    /// A JSON review of `args` run at the top of the repository.
    fn review(&self, args: &[&str]) -> Outcome {
        review_in(self.path(), args, None)
    }

    /// A JSON review of a patch fed on standard input (`secrev review -`).
    fn review_stdin(&self, patch: &[u8]) -> Outcome {
        review_in(self.path(), &["-"], Some(patch))
    }
}

/// A repository with [`APP_OLD`] committed as `A`, then a commit `B` that appends [`LOAD_FN`]
/// to `app.py` and adds `runner.py` ([`VULNERABLE`]). Returns the repository, `A` and `B`.
fn two_commits() -> (Repo, String, String) {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    let a = repo.commit("A: digest");
    repo.write("app.py", app_new());
    repo.write("runner.py", VULNERABLE);
    let b = repo.commit("B: load and run");
    (repo, a, b)
}

/// What reviewing [`two_commits`]' `A..B` must report.
fn two_commits_expected() -> Outcome {
    expect(vec![
        at("app.py", NEW_LINE, "PY204"),
        at("runner.py", VULNERABLE_LINE, "PY101"),
    ])
}

/// Standard base64 (RFC 4648, padded), wrapped at 76 columns as `base64` and Gerrit write it.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut encoded = Vec::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            encoded.push(if i <= chunk.len() {
                ALPHABET[(n >> (18 - 6 * i) & 63) as usize]
            } else {
                b'='
            });
        }
    }
    let lines: Vec<&str> = encoded
        .chunks(76)
        .map(|l| std::str::from_utf8(l).expect("base64 is ASCII"))
        .collect();
    lines.join("\n") + "\n"
}

/// `text` with every LF turned into CRLF.
fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

// ----- one commit -----------------------------------------------------------------------------

#[test]
fn a_commit_reports_only_the_defect_it_adds_and_all_reports_both() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("digest");
    repo.write("app.py", app_new());
    repo.commit("load");

    assert_eq!(
        repo.review(&["HEAD"]),
        expect(vec![at("app.py", NEW_LINE, "PY204")])
    );
    assert_eq!(
        repo.review(&["HEAD", "--all"]),
        expect(vec![
            at("app.py", OLD_LINE, "PY301"),
            at("app.py", NEW_LINE, "PY204"),
        ])
    );
}

#[test]
fn a_c_commit_reports_only_the_defect_it_adds() {
    let old = "#include <string.h>\n\nvoid set_name(const char *name)\n{\n    char buf[16];\n    strcpy(buf, name);\n}\n";
    let new = format!(
        "{old}\nint archive(const char *dir)\n{{\n    char cmd[256];\n    snprintf(cmd, sizeof cmd, \"tar -czf backup.tgz %s\", dir);\n    return system(cmd);\n}}\n"
    );
    let repo = Repo::new();
    repo.write("native/names.c", old);
    repo.commit("names");
    repo.write("native/names.c", new);
    repo.commit("run");

    assert_eq!(
        repo.review(&["HEAD"]),
        expect(vec![at("native/names.c", 13, "C501")])
    );
    assert_eq!(
        repo.review(&["HEAD", "--all"]),
        expect(vec![
            at("native/names.c", 6, "C101"),
            at("native/names.c", 13, "C501"),
        ])
    );
}

#[test]
fn lines_added_above_an_old_defect_report_nothing() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("digest");
    let shifted = APP_OLD.replace(
        "\ndef digest",
        "\ndef add(a, b):\n    return a + b\n\n\ndef digest",
    );
    repo.write("app.py", &shifted);
    repo.commit("add above");

    assert_eq!(repo.review(&["HEAD"]), expect(vec![]));
    // The defect is still there, four lines down.
    assert_eq!(
        repo.review(&["HEAD", "--all"]),
        expect(vec![at("app.py", OLD_LINE + 4, "PY301")])
    );
}

#[test]
fn a_function_moved_below_another_reports_nothing() {
    // git keeps the long function in place and shows the short one removed and added again,
    // so the old defect sits on an added line: only its fingerprint says it is old.
    let long = "def report(rows):\n    total = 0\n    for row in rows:\n        total += row\n    text = str(total)\n    return text\n";
    let short = "def digest(data):\n    return hashlib.md5(data).hexdigest()\n";
    let repo = Repo::new();
    repo.write("app.py", format!("import hashlib\n\n\n{short}\n\n{long}"));
    repo.commit("digest then report");
    repo.write("app.py", format!("import hashlib\n\n\n{long}\n\n{short}"));
    repo.commit("report then digest");

    assert_eq!(repo.review(&["HEAD"]), expect(vec![]));
    assert_eq!(
        repo.review(&["HEAD", "--all"]),
        expect(vec![at("app.py", 13, "PY301")])
    );
}

#[test]
fn a_reindented_and_respaced_defect_reports_nothing() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("digest");
    let reformatted = APP_OLD.replace(
        "    return hashlib.md5(data).hexdigest()",
        "        return  hashlib.md5( data ).hexdigest()   ",
    );
    assert_ne!(reformatted, APP_OLD);
    repo.write("app.py", &reformatted);
    repo.commit("reformat");

    assert_eq!(repo.review(&["HEAD"]), expect(vec![]));
    assert_eq!(
        repo.review(&["HEAD", "--all"]),
        expect(vec![at("app.py", OLD_LINE, "PY301")])
    );
}

#[test]
fn a_new_copy_of_an_old_defect_in_the_same_function_is_reported_once() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("digest");
    // Line 7 `if data:` and line 8 (the copy) are new; the old line is now line 9.
    let copied = APP_OLD.replace(
        "    return hashlib",
        "    if data:\n        return hashlib.md5(data).hexdigest()\n    return hashlib",
    );
    repo.write("app.py", &copied);
    repo.commit("copy");

    assert_eq!(
        repo.review(&["HEAD"]),
        expect(vec![at("app.py", 8, "PY301")])
    );
    assert_eq!(
        repo.review(&["HEAD", "--all"]),
        expect(vec![at("app.py", 8, "PY301"), at("app.py", 9, "PY301")])
    );
}

#[test]
fn the_same_line_in_a_new_function_is_a_new_defect() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("digest");
    repo.write(
        "app.py",
        format!("{APP_OLD}\n\ndef checksum(data):\n    return hashlib.md5(data).hexdigest()\n"),
    );
    repo.commit("checksum");

    assert_eq!(
        repo.review(&["HEAD"]),
        expect(vec![at("app.py", 11, "PY301")])
    );
}

#[test]
fn a_pure_rename_reports_nothing() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("digest");
    repo.git(["mv", "app.py", "lib.py"]);
    repo.commit("rename");

    assert_eq!(repo.review(&["HEAD"]), expect(vec![]));
}

#[test]
fn a_rename_with_a_new_defect_reports_only_that_defect_at_the_new_path() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("digest");
    repo.git(["mv", "app.py", "lib.py"]);
    repo.write("lib.py", app_new());
    repo.commit("rename and load");

    assert_eq!(
        repo.review(&["HEAD"]),
        expect(vec![at("lib.py", NEW_LINE, "PY204")])
    );
}

#[test]
fn a_rename_that_respaces_the_old_defect_reports_nothing() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("digest");
    repo.git(["mv", "app.py", "lib.py"]);
    repo.write("lib.py", APP_OLD.replace("md5(data)", "md5( data )"));
    repo.commit("rename and respace");

    assert_eq!(repo.review(&["HEAD"]), expect(vec![]));
    assert_eq!(
        repo.review(&["HEAD", "--all"]),
        expect(vec![at("lib.py", OLD_LINE, "PY301")])
    );
}

#[test]
fn file_names_with_spaces_are_reviewed() {
    let repo = Repo::new();
    repo.write("old name.py", APP_OLD);
    repo.commit("digest");
    repo.git(["mv", "old name.py", "new name.py"]);
    repo.write("my runner.py", VULNERABLE);
    repo.commit("rename, runner");

    let expected = expect(vec![at("my runner.py", VULNERABLE_LINE, "PY101")]);
    assert_eq!(repo.review(&["HEAD"]), expected);
    let patch = repo.git_bytes(["diff", "HEAD~1", "HEAD"]);
    assert_eq!(repo.review_stdin(&patch), expected);
}

#[test]
fn an_empty_commit_and_a_mode_change_report_nothing() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("digest");
    repo.commit("nothing");
    assert_eq!(repo.review(&["HEAD"]), expect(vec![]));

    repo.git(["update-index", "--chmod=+x", "app.py"]);
    repo.git(["commit", "-q", "-m", "executable"]);
    assert_eq!(repo.review(&["HEAD"]), expect(vec![]));
    let patch = repo.git_bytes(["diff", "HEAD~1", "HEAD"]);
    assert!(String::from_utf8_lossy(&patch).contains("new mode 100755"));
    assert_eq!(repo.review_stdin(&patch), expect(vec![]));
}

#[test]
fn a_deleted_file_reports_nothing_and_the_review_ends_with_the_verdict() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.write("runner.py", VULNERABLE);
    repo.commit("two files");
    repo.git(["rm", "-q", "runner.py"]);
    repo.commit("remove runner");

    assert_eq!(repo.review(&["HEAD"]), expect(vec![]));
    assert_eq!(repo.review(&["HEAD~1..HEAD"]), expect(vec![]));
    let output = run_review(repo.path(), &["HEAD"], None);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(exit_code(&output), 0, "stdout:\n{stdout}");
    assert_eq!(
        stdout
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(str::trim),
        Some(NO_DEFECTS),
        "the review's last line is not the verdict:\n{stdout}"
    );

    // Deleted in the working tree, not yet committed.
    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    std::fs::remove_file(repo.path().join("runner.py")).expect("delete runner.py");
    assert_eq!(repo.review(&[]), expect(vec![]));
}

/// A Flask handler running `cmd = VALUE` (line 10) through a shell on line 11: with a request
/// parameter as the value, PY801 on line 11.
fn handler(value: &str) -> String {
    format!(
        "import subprocess\n\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n\
         @app.route(\"/run\")\ndef handler():\n    cmd = {value}\n    \
         subprocess.check_output(cmd, shell=True)\n    return \"done\"\n"
    )
}

/// [`handler`] calling `helpers.run(cmd)` on line 11 instead; [`HELPERS`] runs it through a
/// shell on its line 5, where a request parameter makes PY801.
fn routed(value: &str) -> String {
    format!(
        "from flask import Flask, request\n\nfrom helpers import run\n\napp = Flask(__name__)\n\n\n\
         @app.route(\"/run\")\ndef handler():\n    cmd = {value}\n    run(cmd)\n    return \"done\"\n"
    )
}
const HELPERS: &str =
    "import subprocess\n\n\ndef run(cmd):\n    return subprocess.check_output(cmd, shell=True)\n";

const CONSTANT: &str = "\"ls\"";
const PARAMETER: &str = "request.args.get(\"cmd\")";
const PARAMETER_RESPACED: &str = "request.args.get( \"cmd\" )";

#[test]
fn a_new_source_reaching_an_unchanged_sink_is_reported() {
    let repo = Repo::new();
    repo.write("app.py", handler(CONSTANT));
    repo.commit("constant command");
    // Only line 10 (the source) changes; the sink on line 11 is as it was.
    repo.write("app.py", handler(PARAMETER));
    repo.commit("command from the request");

    assert_eq!(
        repo.review(&["HEAD"]),
        expect(vec![at("app.py", 11, "PY801")])
    );
}

#[test]
fn a_respaced_source_of_an_old_flow_reports_nothing() {
    let repo = Repo::new();
    repo.write("app.py", handler(PARAMETER));
    repo.commit("command from the request");
    repo.write("app.py", handler(PARAMETER_RESPACED));
    repo.commit("respace the source");

    assert_eq!(repo.review(&["HEAD"]), expect(vec![]));
}

#[test]
fn a_new_source_reaching_a_sink_in_an_unchanged_file_is_reported() {
    let repo = Repo::new();
    repo.write("helpers.py", HELPERS);
    repo.write("app.py", routed(CONSTANT));
    repo.commit("constant command");
    repo.write("app.py", routed(PARAMETER));
    repo.commit("command from the request");

    assert_eq!(
        repo.review(&["HEAD"]),
        expect(vec![at("helpers.py", 5, "PY801")])
    );
}

#[test]
fn a_respaced_source_of_an_old_flow_into_an_unchanged_file_reports_nothing() {
    let repo = Repo::new();
    repo.write("helpers.py", HELPERS);
    repo.write("app.py", routed(PARAMETER));
    repo.commit("command from the request");
    repo.write("app.py", routed(PARAMETER_RESPACED));
    repo.commit("respace the source");

    assert_eq!(repo.review(&["HEAD"]), expect(vec![]));
}

#[test]
fn a_root_commit_reports_every_defect_of_its_files() {
    let repo = Repo::new();
    repo.write("app.py", app_new());
    repo.commit("root");

    assert_eq!(
        repo.review(&["HEAD"]),
        expect(vec![
            at("app.py", OLD_LINE, "PY301"),
            at("app.py", NEW_LINE, "PY204"),
        ])
    );
}

#[test]
fn fail_on_sets_the_exit_status_and_output_goes_to_a_file() {
    let repo = Repo::new();
    repo.write("clean.py", common::CLEAN);
    repo.commit("clean");
    repo.write("app.py", APP_OLD);
    repo.commit("digest");

    // MD5 is a medium-severity finding: listed, but below `--fail-on high`.
    let medium = vec![at("app.py", OLD_LINE, "PY301")];
    assert_eq!(repo.review(&["HEAD"]), (1, medium.clone()));
    assert_eq!(
        repo.review(&["HEAD", "--fail-on", "high"]),
        (0, medium.clone())
    );

    let output = run_review(
        repo.path(),
        &["HEAD", "--format", "json", "-o", "review.json"],
        None,
    );
    assert_eq!(exit_code(&output), 1);
    assert!(output.stdout.is_empty(), "the report went to stdout too");
    let text = std::fs::read(repo.path().join("review.json")).expect("the report file");
    let report: serde_json::Value = serde_json::from_slice(&text).expect("a JSON report");
    assert_eq!(common::places(&report), medium);
}

#[test]
fn select_ignore_and_exclude_apply_to_reviews() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("A");
    repo.write("vendor/runner.py", VULNERABLE);
    repo.write("loader.py", LOADER);
    repo.commit("vendor and loader");

    let loader = at("loader.py", LOADER_LINE, "PY204");
    let vendored = at("vendor/runner.py", VULNERABLE_LINE, "PY101");
    assert_eq!(
        repo.review(&["HEAD"]),
        expect(vec![loader.clone(), vendored.clone()])
    );
    assert_eq!(
        repo.review(&["HEAD", "--exclude", "vendor/**"]),
        expect(vec![loader.clone()])
    );
    assert_eq!(
        repo.review(&["HEAD", "--select", "PY1"]),
        expect(vec![vendored.clone()])
    );
    assert_eq!(
        repo.review(&["HEAD", "--ignore", "PY101"]),
        expect(vec![loader])
    );
}

// ----- ranges ---------------------------------------------------------------------------------

#[test]
fn a_two_dot_range_covers_every_commit_in_it() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    let a = repo.commit("A");
    repo.git(["tag", "-a", "v1", "-m", "version 1"]);
    repo.write("loader.py", LOADER);
    repo.commit("loader");
    repo.write("runner.py", VULNERABLE);
    let b = repo.commit("runner");

    let both = expect(vec![
        at("loader.py", LOADER_LINE, "PY204"),
        at("runner.py", VULNERABLE_LINE, "PY101"),
    ]);
    assert_eq!(repo.review(&[&format!("{a}..{b}")]), both);
    assert_eq!(repo.review(&[&format!("{a}..")]), both);
    assert_eq!(repo.review(&["v1..HEAD"]), both, "annotated tag");
    assert_eq!(
        repo.review(&["HEAD~1..HEAD"]),
        expect(vec![at("runner.py", VULNERABLE_LINE, "PY101")])
    );
}

#[test]
fn a_feature_branch_is_reviewed_from_where_it_left_main() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("A");
    repo.git(["checkout", "-q", "-b", "feature"]);
    repo.write("loader.py", LOADER);
    repo.commit("feature: loader");
    // main moves on: it fixes the old defect.
    repo.git(["checkout", "-q", "main"]);
    repo.write("app.py", APP_OLD.replace("md5", "sha256"));
    repo.commit("main: sha256");
    repo.git(["checkout", "-q", "feature"]);

    let branch_only = expect(vec![at("loader.py", LOADER_LINE, "PY204")]);
    assert_eq!(repo.review(&["main...feature"]), branch_only);
    assert_eq!(repo.review(&["main...HEAD"]), branch_only);
    assert_eq!(repo.review(&["--base", "main"]), branch_only);
    // Two dots compare the tips: against main's fixed app.py the branch brings MD5 back.
    assert_eq!(
        repo.review(&["main..feature"]),
        expect(vec![
            at("app.py", OLD_LINE, "PY301"),
            at("loader.py", LOADER_LINE, "PY204"),
        ])
    );
}

#[test]
fn a_merge_commit_is_reviewed_against_its_first_parent() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("A");
    repo.git(["checkout", "-q", "-b", "feature"]);
    repo.write("loader.py", LOADER);
    repo.commit("feature: loader");
    repo.git(["checkout", "-q", "main"]);
    repo.write("runner.py", VULNERABLE);
    repo.commit("main: runner");
    repo.git(["merge", "-q", "--no-ff", "-m", "merge feature", "feature"]);
    assert_eq!(
        repo.git(["rev-list", "--parents", "-1", "HEAD"])
            .split(' ')
            .count(),
        3
    );

    assert_eq!(
        repo.review(&["HEAD"]),
        expect(vec![at("loader.py", LOADER_LINE, "PY204")])
    );
}

// ----- working tree and index -----------------------------------------------------------------

#[test]
fn a_clean_working_tree_reports_nothing() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("A");

    assert_eq!(repo.review(&[]), expect(vec![]));
}

#[test]
fn the_working_tree_review_sees_modified_and_untracked_files_but_not_ignored_ones() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.write(".gitignore", "scratch.py\n");
    repo.commit("A");
    repo.write("app.py", app_new());
    repo.write("runner.py", VULNERABLE);
    repo.write("scratch.py", LOADER);

    assert_eq!(
        repo.review(&[]),
        expect(vec![
            at("app.py", NEW_LINE, "PY204"),
            at("runner.py", VULNERABLE_LINE, "PY101"),
        ])
    );
}

#[test]
fn staged_sees_only_what_is_staged() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("A");
    repo.write("loader.py", LOADER);
    repo.git(["add", "loader.py"]);
    repo.write("app.py", app_new());

    assert_eq!(
        repo.review(&["--staged"]),
        expect(vec![at("loader.py", LOADER_LINE, "PY204")])
    );
    assert_eq!(
        repo.review(&[]),
        expect(vec![
            at("app.py", NEW_LINE, "PY204"),
            at("loader.py", LOADER_LINE, "PY204"),
        ])
    );
}

#[test]
fn staged_reads_the_index_not_the_working_tree() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("A");
    // Staged with a defect, then fixed in the working tree only.
    repo.write("loader.py", LOADER);
    repo.git(["add", "loader.py"]);
    repo.write(
        "loader.py",
        LOADER.replace("yaml.load(text)", "yaml.safe_load(text)"),
    );
    // Staged clean, then given a defect in the working tree only.
    repo.write("app.py", APP_OLD.replace("md5", "sha256"));
    repo.git(["add", "app.py"]);
    repo.write("app.py", app_new().replace("md5", "sha256"));

    assert_eq!(
        repo.review(&["--staged"]),
        expect(vec![at("loader.py", LOADER_LINE, "PY204")])
    );
    assert_eq!(
        repo.review(&[]),
        expect(vec![at("app.py", NEW_LINE, "PY204")])
    );
}

#[test]
fn a_repository_without_commits_reviews_its_new_files() {
    let repo = Repo::new();
    repo.write("loader.py", LOADER);
    repo.git(["add", "loader.py"]);
    repo.write("runner.py", VULNERABLE);

    assert_eq!(
        repo.review(&["--staged"]),
        expect(vec![at("loader.py", LOADER_LINE, "PY204")])
    );
    assert_eq!(
        repo.review(&[]),
        expect(vec![
            at("loader.py", LOADER_LINE, "PY204"),
            at("runner.py", VULNERABLE_LINE, "PY101"),
        ])
    );
}

#[test]
fn a_review_run_in_a_subdirectory_sees_the_whole_change() {
    let (repo, a, b) = two_commits();
    let patch = repo.git_bytes(["diff", &a, &b]);
    repo.write("pkg/__init__.py", "");
    repo.write("x.patch", &patch);
    let sub = repo.path().join("pkg");

    assert_eq!(review_in(&sub, &["HEAD"], None), two_commits_expected());
    assert_eq!(
        review_in(&sub, &["../x.patch"], None),
        two_commits_expected()
    );
    assert_eq!(
        review_in(&sub, &["-"], Some(&patch)),
        two_commits_expected()
    );
    repo.git(["reset", "-q", "--soft", &a]);
    assert_eq!(review_in(&sub, &["--staged"], None), two_commits_expected());
    assert_eq!(review_in(&sub, &[], None), two_commits_expected());
}

#[test]
fn an_added_symlink_adds_no_code() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("A");
    std::os::unix::fs::symlink("app.py", repo.path().join("link.py")).expect("make a symlink");

    // git records a symlink as the path it points to; before and after committing it the
    // change is the same and adds no Python code.
    let uncommitted = repo.review(&[]);
    repo.commit("link");
    let committed = repo.review(&["HEAD"]);
    assert_eq!(
        (uncommitted, committed),
        (expect(vec![]), expect(vec![])),
        "(working tree, commit)"
    );
}

// ----- patches --------------------------------------------------------------------------------

#[test]
fn a_git_diff_patch_file_reports_what_the_range_does() {
    let (repo, a, b) = two_commits();
    let patch = repo.git_bytes(["diff", &a, &b]);
    repo.write("x.patch", &patch);

    assert_eq!(repo.review(&[&format!("{a}..{b}")]), two_commits_expected());
    assert_eq!(repo.review(&["x.patch"]), two_commits_expected());
}

#[test]
fn a_patch_on_stdin_reports_what_the_range_does() {
    let (repo, a, b) = two_commits();
    let patch = repo.git_bytes(["diff", &a, &b]);

    assert_eq!(repo.review_stdin(&patch), two_commits_expected());
}

#[test]
fn a_patch_not_yet_applied_to_the_working_tree_is_reviewed_the_same() {
    let (repo, a, b) = two_commits();
    let patch = repo.git_bytes(["diff", &a, &b]);
    repo.git(["checkout", "-q", &a]);

    assert_eq!(repo.review_stdin(&patch), two_commits_expected());
}

#[test]
fn a_format_patch_mailbox_is_reviewed_from_a_file_and_from_stdin() {
    let (repo, _, b) = two_commits();
    let mailbox = repo.git_bytes(["format-patch", "-1", "--stdout", &b]);
    assert!(mailbox.starts_with(b"From "));
    // No .patch extension: recognised by its first line.
    repo.write("change.mbox", &mailbox);

    assert_eq!(repo.review(&["change.mbox"]), two_commits_expected());
    assert_eq!(repo.review_stdin(&mailbox), two_commits_expected());
}

#[test]
fn a_base64_gerrit_download_is_reviewed() {
    let (repo, _, b) = two_commits();
    let mailbox = repo.git_bytes(["format-patch", "-1", "--stdout", &b]);

    assert_eq!(
        repo.review_stdin(base64(&mailbox).as_bytes()),
        two_commits_expected()
    );
}

#[test]
fn a_patch_outside_any_repository_is_reviewed_from_its_hunks() {
    let (repo, a, b) = two_commits();
    let elsewhere = tempfile::tempdir().expect("create a temporary directory");
    let dir = elsewhere.path();

    // With ten lines of context every hunk holds its whole file: the same findings as in the
    // repository.
    let wide = repo.git_bytes(["diff", "-U10", &a, &b]);
    std::fs::write(dir.join("wide.patch"), &wide).expect("write the patch");
    assert_eq!(
        review_in(dir, &["wide.patch"], None),
        two_commits_expected()
    );
    assert_eq!(review_in(dir, &["-"], Some(&wide)), two_commits_expected());

    // With the default three, app.py's hunk starts below `import yaml`, so its `yaml.load`
    // cannot be resolved (a scan of that text finds nothing either); runner.py is new and
    // whole. The review still runs and fails on what it can see.
    let narrow = repo.git_bytes(["diff", &a, &b]);
    std::fs::write(dir.join("x.patch"), &narrow).expect("write the patch");
    let runner_only = expect(vec![at("runner.py", VULNERABLE_LINE, "PY101")]);
    assert_eq!(review_in(dir, &["x.patch"], None), runner_only);
    assert_eq!(review_in(dir, &["-"], Some(&narrow)), runner_only);
}

/// The hunk turning [`APP_OLD`] into [`app_new`], as `diff -u` writes it.
const APP_HUNK: &str = "@@ -5,3 +5,7 @@\n \n def digest(data):\n     return hashlib.md5(data).hexdigest()\n+\n+\n+def load(text):\n+    return yaml.load(text)\n";

#[test]
fn plain_diff_u_patches_are_reviewed() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("A");
    repo.write("app.py", app_new());
    let stamp = "2024-01-01 00:00:00.000000000 +0000";
    let expected = expect(vec![at("app.py", NEW_LINE, "PY204")]);

    // `diff -u app.py.orig app.py`: the file on disk is the new one.
    let patch = format!("--- app.py.orig\t{stamp}\n+++ app.py\t{stamp}\n{APP_HUNK}");
    assert_eq!(repo.review_stdin(patch.as_bytes()), expected, "diff -u");
    // `diff -ru old/ new/`: the directory prefixes go as with `patch -p1`.
    let patch = format!(
        "diff -ru old/app.py new/app.py\n--- old/app.py\t{stamp}\n+++ new/app.py\t{stamp}\n{APP_HUNK}"
    );
    assert_eq!(repo.review_stdin(patch.as_bytes()), expected, "diff -ru");
}

#[test]
fn crlf_files_and_patches_give_the_same_lines() {
    let repo = Repo::new();
    repo.write("app.py", crlf(APP_OLD));
    let a = repo.commit("A");
    repo.write("app.py", crlf(&app_new()));
    let b = repo.commit("B");
    let patch = repo.git_bytes(["diff", &a, &b]);
    assert!(patch.windows(2).any(|w| w == b"\r\n"));
    repo.write("x.patch", &patch);

    let expected = expect(vec![at("app.py", NEW_LINE, "PY204")]);
    assert_eq!(repo.review(&["HEAD"]), expected);
    assert_eq!(repo.review(&["x.patch"]), expected);
    assert_eq!(repo.review_stdin(&patch), expected);
}

#[test]
fn a_non_utf8_file_name_is_reviewed() {
    use std::os::unix::ffi::OsStrExt;
    let name = OsStr::from_bytes(b"caf\xe9.py");
    let shown = String::from_utf8_lossy(b"caf\xe9.py").into_owned();
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("A");
    repo.write(name, VULNERABLE);

    let expected = expect(vec![at(&shown, VULNERABLE_LINE, "PY101")]);
    assert_eq!(repo.review(&[]), expected, "untracked");
    repo.commit("café");
    assert_eq!(repo.review(&["HEAD"]), expected, "committed");
    let patch = repo.git_bytes(["diff", "HEAD~1", "HEAD"]);
    assert_eq!(repo.review_stdin(&patch), expected, "patch");
}

// ----- errors and odd input -------------------------------------------------------------------

#[test]
fn a_hunk_whose_counts_do_not_add_up_is_an_error() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("A");
    // The header promises 3 old and 5 new lines; the hunk has 1 and 2.
    let broken = "diff --git a/app.py b/app.py\n--- a/app.py\n+++ b/app.py\n@@ -1,3 +1,5 @@\n import hashlib\n+import os\n";
    let stderr = review_error(repo.path(), &["-"], Some(broken.as_bytes()));
    assert!(
        stderr.to_lowercase().contains("patch"),
        "the message does not say the patch is bad:\n{stderr}"
    );
}

#[test]
fn text_that_is_not_a_patch_is_an_error() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("A");
    repo.write(
        "notes.diff",
        "These are my notes about the change.\nNothing more.\n",
    );
    let stderr = review_error(repo.path(), &["notes.diff"], None);
    assert!(stderr.contains("patch"), "{stderr}");
    let stderr = review_error(repo.path(), &["-"], Some(b"hello\n"));
    assert!(stderr.contains("patch"), "{stderr}");
}

#[test]
fn an_empty_stdin_is_an_error() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("A");
    let stderr = review_error(repo.path(), &["-"], Some(b""));
    assert!(stderr.contains("empty"), "{stderr}");
    repo.write("empty.patch", "");
    let stderr = review_error(repo.path(), &["empty.patch"], None);
    assert!(stderr.contains("empty"), "{stderr}");
}

#[test]
fn an_unknown_revision_is_an_error_naming_it() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("A");
    for target in ["not-a-rev", "not-a-rev..HEAD", "HEAD...not-a-rev"] {
        let stderr = review_error(repo.path(), &[target], None);
        assert!(stderr.contains("not-a-rev"), "{target}: {stderr}");
    }
    let stderr = review_error(repo.path(), &["--base", "not-a-rev"], None);
    assert!(stderr.contains("not-a-rev"), "--base: {stderr}");
}

#[test]
fn git_targets_outside_a_repository_are_errors() {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    std::fs::write(dir.path().join("app.py"), APP_OLD).expect("write a file");
    for args in [
        &[][..],
        &["HEAD"],
        &["--staged"],
        &["--base", "main"],
        &["A..B"],
    ] {
        let stderr = review_error(dir.path(), args, None);
        assert!(stderr.contains("repository"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_binary_file_in_the_change_is_not_reviewed() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("A");
    let mut packed = b"\0\x01\x02binary\0".to_vec();
    packed.extend_from_slice(VULNERABLE.as_bytes());
    repo.write("packed.py", &packed);
    repo.write("logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01");
    repo.write("loader.py", LOADER);
    let a = repo.git(["rev-parse", "HEAD"]);
    let expected = expect(vec![at("loader.py", LOADER_LINE, "PY204")]);

    assert_eq!(repo.review(&[]), expected, "working tree");
    repo.commit("binaries");
    assert_eq!(repo.review(&["HEAD"]), expected, "commit");
    let patch = repo.git_bytes(["diff", "--binary", &a, "HEAD"]);
    assert_eq!(repo.review_stdin(&patch), expected, "patch");
}

#[test]
fn a_missing_file_among_whole_files_is_an_error() {
    let repo = Repo::new();
    repo.write("app.py", APP_OLD);
    repo.commit("A");
    for args in [&["missing.py"][..], &["app.py", "missing.py"]] {
        let stderr = review_error(repo.path(), args, None);
        assert!(stderr.contains("missing.py"), "{args:?}: {stderr}");
    }
    // A revision is not a file to review whole, and one target is all a revision takes.
    for args in [
        &["HEAD", "app.py"][..],
        &["HEAD~1", "HEAD"],
        &["--staged", "HEAD"],
    ] {
        review_error(repo.path(), args, None);
    }
}

// ----- whole files ----------------------------------------------------------------------------

#[test]
fn files_named_on_the_command_line_are_reviewed_whole() {
    let repo = Repo::new();
    repo.write("app.py", app_new());
    repo.write("runner.py", VULNERABLE);
    repo.write("clean.py", common::CLEAN);
    repo.commit("A");

    let app = vec![
        at("app.py", OLD_LINE, "PY301"),
        at("app.py", NEW_LINE, "PY204"),
    ];
    assert_eq!(repo.review(&["app.py"]), expect(app.clone()));
    let mut both = app;
    both.push(at("runner.py", VULNERABLE_LINE, "PY101"));
    assert_eq!(
        repo.review(&["runner.py", "clean.py", "app.py"]),
        expect(both)
    );
    assert_eq!(repo.review(&["clean.py"]), expect(vec![]));

    // Outside a repository too.
    let dir = tempfile::tempdir().expect("create a temporary directory");
    std::fs::write(dir.path().join("app.py"), app_new()).expect("write a file");
    assert_eq!(
        review_in(dir.path(), &["app.py"], None),
        expect(vec![
            at("app.py", OLD_LINE, "PY301"),
            at("app.py", NEW_LINE, "PY204"),
        ])
    );
}
