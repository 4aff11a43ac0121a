//! `secrev --help`, `secrev rules`, `secrev rule ID` and command-line usage errors.

mod common;

use common::secrev;
use predicates::prelude::*;
use std::collections::HashSet;

#[test]
fn help_describes_the_commands_and_exit_status() {
    secrev()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("scan"))
        .stdout(predicate::str::contains("rules"))
        .stdout(predicate::str::contains("rule"))
        .stdout(predicate::str::contains("Exit status"));
}

#[test]
fn scan_help_lists_the_scan_flags() {
    let assert = secrev().args(["scan", "--help"]).assert().code(0);
    let out = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    for flag in [
        "--format",
        "--fail-on",
        "--min-confidence",
        "--select",
        "--ignore",
        "--exclude",
        "--respect-nosec",
        "--config",
        "--no-config",
    ] {
        assert!(
            out.contains(flag),
            "`scan --help` does not mention {flag}:\n{out}"
        );
    }
}

#[test]
fn no_subcommand_is_a_usage_error() {
    secrev()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Usage"));
}

#[test]
fn unknown_flag_is_a_usage_error() {
    secrev()
        .args(["scan", "--no-such-flag", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--no-such-flag"));
    secrev()
        .args(["--no-such-flag"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--no-such-flag"));
}

#[test]
fn bad_flag_values_are_usage_errors() {
    for args in [
        ["scan", "--format", "xml"],
        ["scan", "--fail-on", "extreme"],
        ["scan", "--min-confidence", "certain"],
    ] {
        secrev()
            .args(args)
            .arg(".")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(args[2]));
    }
}

#[test]
fn rules_lists_every_rule_with_its_cwe() {
    let assert = secrev().arg("rules").assert().code(0);
    let out = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let line = out
        .lines()
        .find(|l| l.starts_with("PY101"))
        .unwrap_or_else(|| panic!("no PY101 line in `secrev rules`:\n{out}"));
    assert!(line.contains("CWE-78"), "{line}");
    assert!(line.contains("subprocess-shell-injection"), "{line}");
}

#[test]
fn rules_json_is_one_entry_per_rule() {
    let assert = secrev()
        .args(["rules", "--format", "json"])
        .assert()
        .code(0);
    let text = assert.get_output().stdout.clone();
    let rules: serde_json::Value =
        serde_json::from_slice(&text).expect("`rules --format json` prints valid JSON");
    let rules = rules.as_array().expect("a JSON array of rules");
    assert!(!rules.is_empty());
    let mut ids = HashSet::new();
    for rule in rules {
        let id = rule["id"].as_str().expect("each rule has an id");
        assert!(ids.insert(id.to_owned()), "rule {id} is listed twice");
        for key in ["name", "title", "severity", "confidence"] {
            assert!(rule[key].is_string(), "{id}: `{key}` missing: {rule}");
        }
        for key in ["cwe", "pillar"] {
            assert!(rule[key].is_u64(), "{id}: `{key}` missing: {rule}");
        }
    }
    let py101 = rules
        .iter()
        .find(|r| r["id"] == "PY101")
        .expect("PY101 is listed");
    assert_eq!(py101["cwe"], 78);

    // The text listing has exactly as many rule lines as the JSON has entries.
    let assert = secrev().arg("rules").assert().code(0);
    let listed = String::from_utf8_lossy(&assert.get_output().stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count();
    assert_eq!(listed, rules.len());
}

#[test]
fn rule_prints_its_documentation() {
    for query in ["PY101", "py101", "subprocess-shell-injection"] {
        secrev()
            .args(["rule", query])
            .assert()
            .code(0)
            .stdout(predicate::str::contains("PY101"))
            .stdout(predicate::str::contains("CWE-78"))
            .stdout(predicate::str::contains("What it does"))
            .stdout(predicate::str::contains("Why"))
            .stdout(predicate::str::contains("Example"))
            .stdout(predicate::str::contains("Use instead"));
    }
}

#[test]
fn unknown_rule_is_an_error() {
    secrev()
        .args(["rule", "NOPE"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("NOPE"))
        .stderr(predicate::str::contains("secrev rules"));
}

#[test]
fn rule_without_an_id_is_a_usage_error() {
    secrev().arg("rule").assert().code(2);
}
