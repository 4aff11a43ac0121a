//! The scan's output: the JSON report's shape, its order, and determinism.

mod common;

use common::{findings, json_scan, places, scan_in, tree, write, VULNERABLE, VULNERABLE_LINE};

/// Two PY101 findings, on lines 5 and 9.
const TWO: &str = "import subprocess\n\n\ndef unpack(archive):\n    subprocess.call(\"tar xf \" + archive, shell=True)\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n";

fn sample_tree() -> tempfile::TempDir {
    let dir = tree(&[
        ("zeta.py", TWO.as_bytes()),
        ("alpha.py", VULNERABLE.as_bytes()),
        ("pkg/beta.py", TWO.as_bytes()),
        ("pkg/sub/gamma.py", VULNERABLE.as_bytes()),
        ("pkg/Alpha2.py", TWO.as_bytes()),
        ("m.py", b"def broken(:\n"),
    ]);
    for i in 0..40 {
        write(
            dir.path(),
            &format!("many/f{i:02}.py"),
            if i % 3 == 0 { TWO } else { VULNERABLE }.as_bytes(),
        );
    }
    dir
}

#[test]
fn json_findings_have_the_documented_fields() {
    let dir = tree(&[("app.py", VULNERABLE.as_bytes())]);
    let (report, _) = json_scan(scan_in(dir.path()).args(["--select", "PY101", "app.py"]), 1);
    let all = findings(&report);
    assert_eq!(all.len(), 1, "{report}");
    let finding = &all[0];
    assert_eq!(finding["rule_id"], "PY101");
    assert_eq!(finding["cwe"], 78);
    assert!(finding["pillar"].is_u64(), "{finding}");
    assert_eq!(finding["pillar"], 707, "CWE-78 falls under pillar CWE-707");
    assert_eq!(finding["severity"], "high");
    assert!(
        ["low", "medium", "high"].contains(&finding["confidence"].as_str().unwrap_or("")),
        "{finding}"
    );
    assert_eq!(finding["path"], "app.py");
    let span = &finding["span"];
    assert_eq!(span["start"]["line"], VULNERABLE_LINE);
    assert_eq!(span["start"]["column"], 5);
    assert_eq!(span["end"]["line"], VULNERABLE_LINE);
    assert!(span["end"]["column"].as_u64() > span["start"]["column"].as_u64());
    for key in ["message", "fix"] {
        let text = finding[key].as_str().unwrap_or("");
        assert!(!text.trim().is_empty(), "`{key}` is empty: {finding}");
    }
    assert!(common::diagnostics(&report).is_empty());
}

#[test]
fn json_output_is_deterministic() {
    let dir = sample_tree();
    let run = || {
        scan_in(dir.path())
            .args(["--select", "PY101", "--format", "json", "."])
            .output()
            .expect("run secrev")
    };
    let first = run();
    assert_eq!(common::exit_code(&first), 1);
    for threads in ["1", "3", "0"] {
        let again = scan_in(dir.path())
            .args([
                "--select",
                "PY101",
                "--format",
                "json",
                "--threads",
                threads,
                ".",
            ])
            .output()
            .expect("run secrev");
        assert_eq!(common::exit_code(&again), 1);
        assert!(
            first.stdout == again.stdout,
            "two scans of the same tree differ (--threads {threads})"
        );
        assert_eq!(first.stderr, again.stderr);
    }
    // Text output too.
    let text = || {
        scan_in(dir.path())
            .args(["--select", "PY101", "--color", "never", "."])
            .output()
            .expect("run secrev")
            .stdout
    };
    assert!(text() == text(), "two text reports of the same tree differ");
}

#[test]
fn findings_are_sorted_by_path_then_line() {
    let dir = sample_tree();
    let (report, stderr) = json_scan(scan_in(dir.path()).args(["--select", "PY101", "."]), 1);
    let got = places(&report);
    let mut sorted = got.clone();
    sorted.sort();
    assert_eq!(got, sorted, "findings are not sorted by path then line");
    // Every file's findings are there.
    assert_eq!(got.len(), 2 + 1 + 2 + 1 + 2 + 14 * 2 + 26, "{report}");
    assert!(got.contains(&("pkg/beta.py".to_owned(), 9, "PY101".to_owned())));
    // The broken file's warning is both on stderr and in the report.
    assert!(stderr.contains("m.py"), "{stderr}");
    assert!(common::diagnostics(&report)
        .iter()
        .any(|d| d["path"] == "m.py" && d["kind"].is_string()));
}

#[test]
fn explicit_files_are_reported_in_sorted_order_regardless_of_argument_order() {
    let dir = sample_tree();
    let (a, _) = json_scan(
        scan_in(dir.path()).args(["--select", "PY101", "zeta.py", "alpha.py", "pkg/beta.py"]),
        1,
    );
    let (b, _) = json_scan(
        scan_in(dir.path()).args(["--select", "PY101", "pkg/beta.py", "alpha.py", "zeta.py"]),
        1,
    );
    assert_eq!(a, b);
    let files: Vec<String> = places(&a).into_iter().map(|(p, _, _)| p).collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
}

#[test]
fn clean_json_report_has_empty_findings() {
    let dir = tree(&[("lib.py", common::CLEAN.as_bytes())]);
    let (report, _) = json_scan(scan_in(dir.path()).arg("lib.py"), 0);
    assert!(findings(&report).is_empty());
    assert!(common::diagnostics(&report).is_empty());
}

#[test]
fn text_report_names_file_line_and_rule() {
    let dir = tree(&[("app.py", VULNERABLE.as_bytes())]);
    let output = scan_in(dir.path())
        .args(["--select", "PY101", "--color", "never", "app.py"])
        .output()
        .expect("run secrev");
    assert_eq!(common::exit_code(&output), 1);
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("PY101"), "{out}");
    assert!(out.contains("CWE-78"), "{out}");
    assert!(out.contains(&format!("app.py:{VULNERABLE_LINE}")), "{out}");
    assert!(
        !out.contains('\u{1b}'),
        "colour codes with --color never:\n{out}"
    );
}

#[test]
fn sarif_output_is_json() {
    let dir = tree(&[("app.py", VULNERABLE.as_bytes())]);
    let output = scan_in(dir.path())
        .args(["--select", "PY101", "--format", "sarif", "app.py"])
        .output()
        .expect("run secrev");
    assert_eq!(common::exit_code(&output), 1);
    let sarif: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("SARIF output is valid JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["runs"].is_array(), "{sarif}");
}
