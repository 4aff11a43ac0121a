//! The README's rule table lists exactly the rules the binary has (regenerate it with
//! `python3 scripts/readme_rules.py`).

use assert_cmd::Command;

#[test]
fn readme_lists_every_rule_with_its_cwe() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README.md");
    let output = Command::cargo_bin("secrev")
        .expect("binary")
        .args(["rules", "--format", "json"])
        .output()
        .expect("runs");
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("json");
    let table: Vec<&str> = readme
        .lines()
        .skip_while(|l| !l.contains("<!-- rules:start -->"))
        .take_while(|l| !l.contains("<!-- rules:end -->"))
        .collect();
    let table_rows = table
        .iter()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| id |"))
        .count();
    assert_eq!(table_rows, rules.len(), "README rule table is stale");
    for rule in rules {
        let row = format!(
            "| {} | `{}",
            rule["id"].as_str().unwrap_or_default(),
            rule["name"].as_str().unwrap_or_default()
        );
        let cwe = format!("CWE-{} |", rule["cwe"]);
        let line = table.iter().find(|l| l.starts_with(&row));
        assert!(
            line.is_some_and(|l| l.contains(&cwe)),
            "README lacks a row `{row}` with {cwe}"
        );
    }
}
