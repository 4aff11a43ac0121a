//! Helpers shared by the CLI integration tests: a `secrev` command, scratch trees and the
//! Python snippets the tests scan.
#![allow(dead_code)] // each test binary uses a different subset

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A `subprocess` call with `shell=True` on a caller-supplied command: PY101 on line 5.
pub const VULNERABLE: &str =
    "import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n";
/// The line of [`VULNERABLE`]'s finding.
pub const VULNERABLE_LINE: u64 = 5;

/// Plain code with nothing security-relevant in it.
pub const CLEAN: &str = "def add(a, b):\n    return a + b\n\n\ndef shout(text):\n    return text.upper() + \"!\"\n\n\nTOTAL = add(1, 2)\n";

/// The line printed when a scan finds nothing.
pub const NO_DEFECTS: &str = "No security defects are detected in the code";

/// The `secrev` binary, with colour and any inherited configuration switched off.
pub fn secrev() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("secrev");
    cmd.env("NO_COLOR", "1").env_remove("RUST_BACKTRACE");
    cmd
}

/// `secrev scan --no-config` run in `dir`.
pub fn scan_in(dir: &Path) -> Command {
    let mut cmd = secrev();
    cmd.current_dir(dir).args(["scan", "--no-config"]);
    cmd
}

/// A scratch directory holding `files` (path relative to the root, contents).
pub fn tree(files: &[(&str, &[u8])]) -> TempDir {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    for (path, contents) in files {
        write(dir.path(), path, contents);
    }
    dir
}

/// Writes `contents` to `root/path`, creating parent directories.
pub fn write(root: &Path, path: &str, contents: &[u8]) -> PathBuf {
    let full = root.join(path);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent).expect("create parent directories");
    }
    std::fs::write(&full, contents).expect("write a test file");
    full
}

/// Runs a finished command's output through the checks every scan must pass: it did not panic
/// and its exit status is one of the documented ones.
pub fn exit_code(output: &std::process::Output) -> i32 {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked"),
        "secrev panicked; stderr:\n{stderr}"
    );
    let code = output.status.code().expect("secrev exited by a signal");
    assert!(
        matches!(code, 0..=2),
        "unexpected exit status {code}; stderr:\n{stderr}"
    );
    code
}

/// Runs `cmd` (a `scan --format json`), checks the exit status is `expected` and returns the
/// parsed report and standard error.
pub fn json_scan(cmd: &mut Command, expected: i32) -> (serde_json::Value, String) {
    let output = cmd.args(["--format", "json"]).output().expect("run secrev");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let code = exit_code(&output);
    assert_eq!(code, expected, "exit status; stderr:\n{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "the JSON report does not parse: {e}\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (report, stderr)
}

/// The report's findings.
pub fn findings(report: &serde_json::Value) -> &Vec<serde_json::Value> {
    report["findings"]
        .as_array()
        .expect("the report has a `findings` array")
}

/// The report's diagnostics.
pub fn diagnostics(report: &serde_json::Value) -> &Vec<serde_json::Value> {
    report["diagnostics"]
        .as_array()
        .expect("the report has a `diagnostics` array")
}

/// `(path, line, rule)` of every finding, in report order.
pub fn places(report: &serde_json::Value) -> Vec<(String, u64, String)> {
    findings(report)
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("finding path").replace('\\', "/"),
                f["span"]["start"]["line"].as_u64().expect("finding line"),
                f["rule_id"].as_str().expect("finding rule_id").to_owned(),
            )
        })
        .collect()
}

/// Whether some finding of `rule` is in a file whose path ends with `file`, at `line`.
pub fn has_finding(report: &serde_json::Value, rule: &str, file: &str, line: u64) -> bool {
    places(report)
        .iter()
        .any(|(p, l, r)| r == rule && same_file(p, file) && *l == line)
}

/// Whether a reported path names `file` (relative to the scanned directory).
pub fn same_file(reported: &str, file: &str) -> bool {
    let reported = reported.replace('\\', "/");
    reported == file || reported.ends_with(&format!("/{file}"))
}
