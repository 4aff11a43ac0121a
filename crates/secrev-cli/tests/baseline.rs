//! `secrev scan --write-baseline` and `--baseline`: a baseline accepts the findings a project
//! has now, by path and fingerprint, so that later scans report only what is new.

mod common;

use common::{exit_code, scan_in, tree, write, VULNERABLE, VULNERABLE_LINE};
use std::path::Path;
use tempfile::TempDir;

/// MD5 (PY301) on line 5.
const DIGEST: &str =
    "import hashlib\n\n\ndef digest(data):\n    return hashlib.md5(data).hexdigest()\n";
const DIGEST_LINE: u64 = 5;
/// Lines to put above everything else in a file.
const PREAMBLE: &str = "\"\"\"A module.\"\"\"\n\nimport os\n\nLIMIT = 10\n";
/// The shell call of [`VULNERABLE`], as a second line of its function.
const SHELL_CALL: &str = "    subprocess.call(cmd, shell=True)\n";

/// (path, line, rule) of a finding.
type Place = (String, u64, String);

fn at(path: &str, line: u64, rule: &str) -> Place {
    (path.to_owned(), line, rule.to_owned())
}

/// The baseline file's name, beside the project's sources.
const BASELINE: &str = "baseline.json";

/// A project with one finding in each of two files.
fn project() -> TempDir {
    tree(&[
        ("app.py", VULNERABLE.as_bytes()),
        ("pkg/digest.py", DIGEST.as_bytes()),
    ])
}

/// The findings of [`project`].
fn project_findings() -> Vec<Place> {
    vec![
        at("app.py", VULNERABLE_LINE, "PY101"),
        at("pkg/digest.py", DIGEST_LINE, "PY301"),
    ]
}

/// `secrev scan --no-config . ARGS --format json` in `dir`: exit status and sorted findings.
fn scan(dir: &Path, args: &[&str]) -> (i32, Vec<Place>) {
    scan_paths(dir, &["."], args)
}

/// `secrev scan --no-config PATHS ARGS --format json` in `dir`.
fn scan_paths(dir: &Path, paths: &[&str], args: &[&str]) -> (i32, Vec<Place>) {
    let output = scan_in(dir)
        .args(paths)
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("run secrev");
    let code = exit_code(&output);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}); exit {code}; stderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let mut places = common::places(&report);
    places.sort();
    (code, places)
}

/// Writes the baseline of `dir` (the scan reports as usual while doing so).
fn write_baseline(dir: &Path) {
    assert_eq!(
        scan(dir, &["--write-baseline", BASELINE]),
        (1, project_findings())
    );
}

/// A scan with the baseline.
fn scan_with_baseline(dir: &Path) -> (i32, Vec<Place>) {
    scan(dir, &["--baseline", BASELINE])
}

/// A scan with `baseline` as the baseline file, expected to fail: returns standard error.
fn baseline_error(dir: &Path, baseline: &str) -> String {
    let output = scan_in(dir)
        .args([".", "--baseline", baseline])
        .output()
        .expect("run secrev");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(exit_code(&output), 2, "exit status; stderr:\n{stderr}");
    assert!(
        stderr.contains(baseline),
        "the message does not name the baseline:\n{stderr}"
    );
    stderr
}

#[test]
fn the_baseline_records_every_finding_with_its_fingerprint() {
    let dir = project();
    let output = scan_in(dir.path())
        .args([".", "--format", "json", "--write-baseline", BASELINE])
        .output()
        .expect("run secrev");
    assert_eq!(exit_code(&output), 1);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    let text = std::fs::read(dir.path().join(BASELINE)).expect("the baseline is written");
    let baseline: serde_json::Value = serde_json::from_slice(&text).expect("JSON baseline");

    assert_eq!(baseline["version"], 1);
    let entry = |e: &serde_json::Value| {
        (
            e["path"].as_str().expect("path").to_owned(),
            e["rule_id"].as_str().expect("rule_id").to_owned(),
            e["line"].as_u64().expect("line"),
            e["count"].as_u64().expect("count"),
            e["fingerprint"].as_str().expect("fingerprint").to_owned(),
        )
    };
    let mut entries: Vec<_> = baseline["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(entry)
        .collect();
    entries.sort();
    let mut expected: Vec<_> = common::findings(&report)
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path").to_owned(),
                f["rule_id"].as_str().expect("rule_id").to_owned(),
                f["span"]["start"]["line"].as_u64().expect("line"),
                1,
                f["fingerprint"].as_str().expect("fingerprint").to_owned(),
            )
        })
        .collect();
    expected.sort();
    assert_eq!(entries, expected);
    let places: Vec<Place> = entries
        .iter()
        .map(|(path, rule, line, _, _)| at(path, *line, rule))
        .collect();
    assert_eq!(places, project_findings());
}

#[test]
fn a_rescan_with_the_baseline_reports_nothing() {
    let dir = project();
    write_baseline(dir.path());

    assert_eq!(scan_with_baseline(dir.path()), (0, vec![]));
}

#[test]
fn the_baseline_applies_however_the_files_are_named() {
    let dir = project();
    write_baseline(dir.path());
    let with_baseline = ["--baseline", BASELINE];

    assert_eq!(
        scan_paths(dir.path(), &["app.py", "pkg"], &with_baseline),
        (0, vec![])
    );
    assert_eq!(
        scan_paths(dir.path(), &["./app.py", "pkg/digest.py"], &with_baseline),
        (0, vec![])
    );
}

#[test]
fn lines_added_above_accepted_findings_report_nothing() {
    let dir = project();
    write_baseline(dir.path());
    write(
        dir.path(),
        "app.py",
        format!("{PREAMBLE}{VULNERABLE}").as_bytes(),
    );
    write(
        dir.path(),
        "pkg/digest.py",
        format!("{PREAMBLE}{DIGEST}").as_bytes(),
    );
    let shift = PREAMBLE.lines().count() as u64;

    assert_eq!(scan_with_baseline(dir.path()), (0, vec![]));
    // The findings are still there, lower down.
    assert_eq!(
        scan(dir.path(), &[]),
        (
            1,
            vec![
                at("app.py", VULNERABLE_LINE + shift, "PY101"),
                at("pkg/digest.py", DIGEST_LINE + shift, "PY301"),
            ]
        )
    );
}

#[test]
fn a_second_identical_defect_in_the_same_file_is_reported() {
    let dir = project();
    write_baseline(dir.path());
    write(
        dir.path(),
        "app.py",
        format!("{VULNERABLE}{SHELL_CALL}").as_bytes(),
    );

    assert_eq!(
        scan_with_baseline(dir.path()),
        (1, vec![at("app.py", VULNERABLE_LINE + 1, "PY101")])
    );
}

#[test]
fn identical_findings_are_counted() {
    let dir = tree(&[("app.py", format!("{VULNERABLE}{SHELL_CALL}").as_bytes())]);
    assert_eq!(
        scan(dir.path(), &["--write-baseline", BASELINE]),
        (
            1,
            vec![
                at("app.py", VULNERABLE_LINE, "PY101"),
                at("app.py", VULNERABLE_LINE + 1, "PY101"),
            ]
        )
    );
    let text = std::fs::read(dir.path().join(BASELINE)).expect("the baseline is written");
    let baseline: serde_json::Value = serde_json::from_slice(&text).expect("JSON baseline");
    let counts: Vec<u64> = baseline["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|e| e["count"].as_u64().expect("count"))
        .collect();
    assert_eq!(counts, vec![2]);
    assert_eq!(scan_with_baseline(dir.path()), (0, vec![]));

    write(
        dir.path(),
        "app.py",
        format!("{VULNERABLE}{SHELL_CALL}{SHELL_CALL}").as_bytes(),
    );
    assert_eq!(
        scan_with_baseline(dir.path()),
        (1, vec![at("app.py", VULNERABLE_LINE + 2, "PY101")])
    );
}

#[test]
fn the_same_defect_in_another_file_is_reported() {
    let dir = project();
    write_baseline(dir.path());
    write(dir.path(), "pkg/copy.py", VULNERABLE.as_bytes());

    assert_eq!(
        scan_with_baseline(dir.path()),
        (1, vec![at("pkg/copy.py", VULNERABLE_LINE, "PY101")])
    );
}

#[test]
fn fixed_findings_leave_the_baseline_harmless() {
    let dir = project();
    write_baseline(dir.path());
    write(
        dir.path(),
        "pkg/digest.py",
        DIGEST.replace("md5", "sha256").as_bytes(),
    );

    assert_eq!(scan_with_baseline(dir.path()), (0, vec![]));
}

#[test]
fn a_baseline_of_another_version_is_an_error() {
    let dir = project();
    write(
        dir.path(),
        "future.json",
        br#"{"version": 2, "findings": []}"#,
    );
    let stderr = baseline_error(dir.path(), "future.json");
    assert!(stderr.contains("version"), "{stderr}");
}

#[test]
fn a_baseline_that_is_not_json_is_an_error() {
    let dir = project();
    write(
        dir.path(),
        "broken.json",
        b"{\"version\": 1, \"findings\": [",
    );
    baseline_error(dir.path(), "broken.json");
    write(
        dir.path(),
        "shape.json",
        br#"{"version": 1, "findings": {}}"#,
    );
    baseline_error(dir.path(), "shape.json");
}

#[test]
fn a_missing_baseline_is_an_error() {
    let dir = project();
    baseline_error(dir.path(), "missing.json");
}
