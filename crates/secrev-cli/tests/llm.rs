//! `--llm` end to end: the `secrev` binary against a chat-completions server started by the
//! test (the one secrev-llm's tests use). Checks what is sent — nothing without `--llm`, never
//! an excluded file, only changed hunks in a review — and what is reported.

mod common;

#[path = "../../secrev-llm/tests/common/mod.rs"]
mod llm_server;

use common::{exit_code, scan_in, secrev, tree, write, VULNERABLE};
use llm_server::{Reply, Server};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command as Process;

/// [`VULNERABLE`] with an SQL query built by formatting on line 9.
fn app() -> String {
    format!(
        "{VULNERABLE}\n\ndef find(db, name):\n    return db.execute(\"SELECT * FROM t WHERE n = '%s'\" % name)\n"
    )
}

/// An answer reporting the SQL injection on line 9, quoting it.
fn sql_answer() -> String {
    json!({
        "reasoning": "",
        "verdict": "defects",
        "findings": [{
            "cwe": "CWE-89", "start_line": 9, "end_line": 9,
            "code": "db.execute(\"SELECT * FROM t WHERE n = '%s'\" % name)",
            "explanation": "`name` is formatted into the SQL text", "fix": "pass it as a parameter",
            "confidence": "high"
        }],
        "triage": []
    })
    .to_string()
}

fn llm_flags(server: &Server) -> Vec<String> {
    vec![
        "--llm".into(),
        "--llm-base-url".into(),
        server.url.clone(),
        "--llm-model".into(),
        "recorded".into(),
        "--llm-no-cache".into(),
        "--llm-retries".into(),
        "0".into(),
    ]
}

fn json_of(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("a JSON report")
}

/// (rule, line, source) of each finding.
fn sources(report: &Value) -> Vec<(String, u64, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or("").to_owned(),
                f["span"]["start"]["line"].as_u64().unwrap_or(0),
                f["source"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn user_messages(server: &Server) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| {
            r["messages"][1]["content"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

#[test]
fn scan_with_llm_reports_both_sources_and_tokens() {
    let server = Server::start(vec![Reply::answer(&sql_answer())]);
    let dir = tree(&[
        ("app.py", app().as_bytes()),
        (
            "vendor/secret.py",
            b"TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'\n",
        ),
    ]);
    let output = scan_in(dir.path())
        .args(["-f", "json", "--exclude", "vendor"])
        .args(llm_flags(&server))
        .output()
        .expect("runs");
    assert_eq!(exit_code(&output), 1);
    let report = json_of(&output);
    assert_eq!(
        sources(&report),
        vec![
            ("PY101".into(), 5, "static".into()),
            ("PY108".into(), 9, "both".into()),
        ]
    );
    assert_eq!(report["llm"]["requests"], 1);
    assert_eq!(report["llm"]["merged"], 1);
    assert_eq!(report["llm"]["prompt_tokens"], 100);
    let sent = user_messages(&server);
    assert_eq!(sent.len(), 1, "one file, the excluded one never sent");
    assert!(sent[0].contains("path=\"app.py\""));
    assert!(!sent
        .iter()
        .any(|m| m.contains("secret.py") || m.contains("ghp_")));
}

#[test]
fn model_findings_are_suppressed_like_static_ones() {
    let answer = json!({
        "reasoning": "", "verdict": "defects", "triage": [],
        "findings": [{
            "cwe": "CWE-22", "start_line": 2, "end_line": 2, "code": "open(path)",
            "explanation": "`path` comes from the caller", "fix": "check it", "confidence": "high"
        }]
    });
    let code = "def read(path):\n    return open(path).read()  # secrev: ignore[LLM]\n";
    for (text, expected) in [
        (code.to_owned(), vec![]),
        (
            code.replace("  # secrev: ignore[LLM]", ""),
            vec![("LLM".to_owned(), 2, "llm".to_owned())],
        ),
    ] {
        let server = Server::start(vec![Reply::answer(&answer.to_string())]);
        let dir = tree(&[("io.py", text.as_bytes())]);
        let output = scan_in(dir.path())
            .args(["-f", "json"])
            .args(llm_flags(&server))
            .output()
            .expect("runs");
        assert_eq!(sources(&json_of(&output)), expected);
    }
}

#[test]
fn nothing_is_sent_without_the_flag() {
    let server = Server::start(vec![Reply::answer(&sql_answer())]);
    let dir = tree(&[("app.py", app().as_bytes())]);
    write(
        dir.path(),
        "secrev.toml",
        format!(
            "[llm]\nbase-url = \"{}\"\nmodel = \"recorded\"\n",
            server.url
        )
        .as_bytes(),
    );
    let output = secrev()
        .current_dir(dir.path())
        .args(["scan", "-f", "json", "."])
        .output()
        .expect("runs");
    assert_eq!(exit_code(&output), 1);
    let report = json_of(&output);
    assert!(report.get("llm").is_none());
    assert_eq!(
        sources(&report),
        vec![
            ("PY101".into(), 5, "static".into()),
            ("PY108".into(), 9, "static".into()),
        ]
    );
    assert!(server.requests().is_empty());
}

#[test]
fn a_key_in_the_config_file_is_refused() {
    let dir = tree(&[("app.py", app().as_bytes())]);
    write(dir.path(), "secrev.toml", b"[llm]\napi-key = \"sk-live\"\n");
    let output = secrev()
        .current_dir(dir.path())
        .args(["scan", "--llm", "."])
        .output()
        .expect("runs");
    assert_eq!(exit_code(&output), 2);
    assert!(String::from_utf8_lossy(&output.stderr).contains("api-key-env"));
}

#[test]
fn a_triage_dismissal_is_shown_and_does_not_fail_the_run() {
    let answer = json!({
        "reasoning": "", "verdict": "no_defects", "findings": [],
        "triage": [{ "id": "S1", "verdict": "false_positive",
                     "reason": "`cmd` comes from the fixed table of maintenance commands" }]
    });
    let server = Server::start(vec![Reply::answer(&answer.to_string())]);
    let dir = tree(&[("app.py", VULNERABLE.as_bytes())]);
    let output = scan_in(dir.path())
        .args(llm_flags(&server))
        .arg("--llm-triage")
        .output()
        .expect("runs");
    assert_eq!(exit_code(&output), 0);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("source: dismissed by llm: `cmd` comes from the fixed table"),
        "{text}"
    );
    assert!(text.contains("PY101"));
}

fn git(dir: &Path, args: &[&str]) {
    let status = Process::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "T")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "T")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn review_sends_only_the_changed_hunk_and_its_context() {
    let server = Server::start(vec![Reply::answer(&sql_answer())]);
    let filler: String = (0..60).map(|i| format!("X{i} = {i}\n")).collect();
    let before = format!("{filler}\n\ndef find(db, name):\n    return db.execute(\"SELECT 1\")\n");
    let dir = tree(&[("app.py", before.as_bytes())]);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "first"]);
    let after = before.replace(
        "\"SELECT 1\")",
        "\"SELECT * FROM t WHERE n = '%s'\" % name)",
    );
    write(dir.path(), "app.py", after.as_bytes());
    git(dir.path(), &["commit", "-qam", "Look users up by name"]);
    let output = secrev()
        .current_dir(dir.path())
        .args(["review", "HEAD", "--no-config", "-f", "json"])
        .args(llm_flags(&server))
        .output()
        .expect("runs");
    assert_eq!(
        exit_code(&output),
        1,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = json_of(&output);
    let sent = user_messages(&server);
    assert_eq!(sent.len(), 1);
    assert!(sent[0].contains("The change adds or modifies lines 64"));
    assert!(sent[0].contains("64 |     return db.execute("));
    assert!(!sent[0].contains("X1 = 1\n"), "far context is not sent");
    assert!(sent[0].contains("X50 = 50"));
    // The answer cites line 9, outside what was sent; its quote is on line 64, where it
    // confirms secrev's own finding.
    assert_eq!(sources(&report), vec![("PY108".into(), 64, "both".into())]);
    assert_eq!(report["llm"]["reanchored"], 1);
}
