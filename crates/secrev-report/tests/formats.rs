//! Snapshot tests for every output format over one fixed report, and validation of the SARIF
//! output against the official SARIF 2.1.0 schema.
//!
//! Findings point into `tests/data/sample.py` by a relative path (cargo runs tests in the crate
//! directory), so the text excerpts and every snapshot are the same on every machine.

use secrev_core::{
    Category, ChangeSummary, ChangedFile, Confidence, Diagnostic, DiagnosticKind, FileStatus,
    Finding, LlmNote, LlmSummary, Position, RelatedLocation, RuleDocs, RuleInfo, Severity, Source,
    Span, TraceStep,
};
use secrev_report::{render, Format, RenderOptions, ScanReport, Summary, NO_DEFECTS};
use serde_json::Value;

const SAMPLE: &str = "tests/data/sample.py";

fn span(start: (u32, u32), end: (u32, u32)) -> Span {
    Span {
        start: Position {
            line: start.0,
            column: start.1,
        },
        end: Position {
            line: end.0,
            column: end.1,
        },
    }
}

#[allow(clippy::too_many_arguments)]
fn finding(
    rule_id: &str,
    title: &str,
    cwe: u32,
    pillar: u32,
    category: Category,
    severity: Severity,
    confidence: Confidence,
    path: &str,
    span: Span,
    message: &str,
    fix: &str,
) -> Finding {
    Finding {
        rule_id: rule_id.into(),
        title: title.into(),
        cwe,
        pillar,
        category,
        severity,
        confidence,
        path: path.into(),
        span,
        message: message.into(),
        fix: fix.into(),
        related: Vec::new(),
        trace: Vec::new(),
        fingerprint: format!(
            "{:016x}",
            u64::from(span.start.line).wrapping_mul(0x9e37_79b9_7f4a_7c15)
        ),
        source: Default::default(),
        llm: None,
    }
}

fn findings() -> Vec<Finding> {
    let mut race = finding(
        "PY301",
        "File checked, then opened",
        367,
        691,
        Category::RaceCondition,
        Severity::Medium,
        Confidence::Medium,
        SAMPLE,
        span((16, 14), (16, 29)),
        "`path` is opened after a separate existence check; another process can create it in between",
        "open with mode \"x\" and handle FileExistsError instead of checking first",
    );
    race.related.push(RelatedLocation {
        span: span((15, 12), (15, 32)),
        message: "the check".into(),
    });
    let mut shell = finding(
        "PY101",
        "subprocess call with shell=True",
        78,
        707,
        Category::Injection,
        Severity::High,
        Confidence::High,
        SAMPLE,
        span((7, 12), (7, 49)),
        "`user_cmd`, a parameter, reaches a shell command line",
        "pass the command as a list, e.g. `subprocess.call([\"ls\", arg])`, and drop shell=True",
    );
    shell.trace = vec![
        TraceStep {
            path: SAMPLE.into(),
            span: span((6, 9), (6, 17)),
            message: "parameter `user_cmd`".into(),
        },
        TraceStep {
            path: SAMPLE.into(),
            span: span((7, 12), (7, 49)),
            message: "reaches `subprocess.call`".into(),
        },
    ];
    vec![
        finding(
            "PY999",
            "A rule the report does not list",
            9999,
            710,
            Category::Other,
            Severity::Info,
            Confidence::Low,
            "tests/data/missing.py",
            span((3, 1), (3, 5)),
            "the source file is gone, so there is no excerpt",
            "nothing to fix",
        ),
        shell,
        finding(
            "PY201",
            "yaml.load without a safe loader",
            502,
            664,
            Category::Deserialization,
            Severity::Critical,
            Confidence::Medium,
            SAMPLE,
            span((11, 9), (11, 24)),
            "`yaml.load(blob)` constructs arbitrary Python objects from `blob`",
            "use `yaml.safe_load(blob)`",
        ),
        race,
        finding(
            "PY401",
            "SQL built with string formatting",
            89,
            707,
            Category::Injection,
            Severity::Low,
            Confidence::Low,
            SAMPLE,
            span((21, 5), (22, 30)),
            "an environment variable is formatted into SQL text",
            "pass the value as a query parameter",
        ),
    ]
}

fn docs(what: &'static str) -> RuleDocs {
    RuleDocs {
        what,
        why: "Attacker-controlled data changes what the program does.",
        example: "subprocess.call(cmd, shell=True)",
        fix: "subprocess.call([\"ls\", arg])",
        references: &["CWE-78", "https://cwe.mitre.org/data/definitions/78.html"],
    }
}

fn rules() -> Vec<RuleInfo> {
    let rule = |id, name, title, cwe, category, severity, confidence, what| RuleInfo {
        id,
        name,
        title,
        cwe,
        category,
        severity,
        confidence,
        docs: docs(what),
    };
    vec![
        rule(
            "PY101",
            "subprocess-shell-injection",
            "subprocess call with shell=True",
            78,
            Category::Injection,
            Severity::High,
            Confidence::High,
            "Finds subprocess calls that run a command line through the shell.",
        ),
        rule(
            "PY201",
            "yaml-unsafe-load",
            "yaml.load without a safe loader",
            502,
            Category::Deserialization,
            Severity::Critical,
            Confidence::Medium,
            "Finds `yaml.load` calls without `SafeLoader`.",
        ),
        rule(
            "PY301",
            "check-then-open",
            "File checked, then opened",
            367,
            Category::RaceCondition,
            Severity::Medium,
            Confidence::Medium,
            "Finds files opened after a separate existence check.",
        ),
        RuleInfo {
            docs: RuleDocs {
                references: &[],
                ..docs("Finds SQL text built with `%` or f-strings.")
            },
            ..rule(
                "PY401",
                "sql-string-format",
                "SQL built with string formatting",
                89,
                Category::Injection,
                Severity::Low,
                Confidence::Low,
                "",
            )
        },
    ]
}

fn diagnostics() -> Vec<Diagnostic> {
    vec![Diagnostic {
        path: "tests/data/broken.py".into(),
        kind: DiagnosticKind::Syntax,
        span: Some(span((2, 8), (2, 9))),
        message: "expected an expression".into(),
    }]
}

const SUMMARY: Summary = Summary {
    files_scanned: 2,
    files_skipped: 1,
    lines_scanned: 40,
};

fn render_to_string(format: Format, report: &ScanReport, color: bool) -> String {
    let mut out = Vec::new();
    render(format, report, RenderOptions { color }, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The output with the crate version replaced, so snapshots survive a version bump.
fn versionless(text: String) -> String {
    text.replace(
        &format!("\"{}\"", env!("CARGO_PKG_VERSION")),
        "\"[version]\"",
    )
}

/// A change touching a modified file (the one the findings are in), a renamed file and a
/// binary file, reviewed with partial context.
fn change() -> ChangeSummary {
    let file = |path: &str, old_path: Option<&str>, status, added, removed, binary| ChangedFile {
        path: path.into(),
        old_path: old_path.map(Into::into),
        status,
        added,
        removed,
        binary,
    };
    ChangeSummary {
        title: "Harden the upload handler".into(),
        source: "1a2b3c4..5d6e7f8".into(),
        id: "5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e".into(),
        files: vec![
            file(
                "tests/data/logo.png",
                None,
                FileStatus::Modified,
                0,
                0,
                true,
            ),
            file(
                "tests/data/sample.py",
                None,
                FileStatus::Modified,
                12,
                3,
                false,
            ),
            file(
                "tests/data/util.py",
                Some("tests/data/helpers.py"),
                FileStatus::Renamed,
                2,
                1,
                false,
            ),
        ],
        partial_context: true,
    }
}

fn with_report<T>(
    findings: &[Finding],
    diagnostics: &[Diagnostic],
    f: impl FnOnce(&ScanReport) -> T,
) -> T {
    with_change_report(findings, diagnostics, None, f)
}

fn with_change_report<T>(
    findings: &[Finding],
    diagnostics: &[Diagnostic],
    change: Option<&ChangeSummary>,
    f: impl FnOnce(&ScanReport) -> T,
) -> T {
    let rules = rules();
    let report = ScanReport {
        findings,
        diagnostics,
        rules: &rules,
        summary: SUMMARY,
        change,
        llm: None,
    };
    f(&report)
}

/// `format` over the fixed findings and diagnostics of a review of [`change`].
fn render_review(format: Format, findings: &[Finding]) -> String {
    let change = change();
    with_change_report(findings, &diagnostics(), Some(&change), |r| {
        render_to_string(format, r, false)
    })
}

#[test]
fn text() {
    let out = with_report(&findings(), &diagnostics(), |r| {
        render_to_string(Format::Text, r, false)
    });
    assert!(!out.contains('\x1b'));
    assert_eq!(
        out.lines().last(),
        Some("5 security defects are detected in the code")
    );
    insta::assert_snapshot!(out);
}

#[test]
fn text_clean() {
    let out = with_report(&[], &[], |r| render_to_string(Format::Text, r, false));
    assert_eq!(out.lines().last(), Some(NO_DEFECTS));
    insta::assert_snapshot!(out);
}

#[test]
fn text_one_finding_is_singular() {
    let one = &findings()[1..2];
    let out = with_report(one, &[], |r| render_to_string(Format::Text, r, false));
    assert!(out.contains("\n1 finding (1 high) in 2 files scanned; 1 file skipped\n"));
    assert!(out.ends_with("\n1 security defect is detected in the code\n"));
}

#[test]
fn text_color_only_when_asked() {
    let out = with_report(&findings(), &[], |r| {
        render_to_string(Format::Text, r, true)
    });
    assert!(out.contains("\x1b["));
    let plain: String = strip_ansi(&out);
    let expected = with_report(&findings(), &[], |r| {
        render_to_string(Format::Text, r, false)
    });
    assert_eq!(plain, expected);
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn json() {
    let out = with_report(&findings(), &diagnostics(), |r| {
        render_to_string(Format::Json, r, false)
    });
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["summary"]["by_severity"]["critical"], 1);
    // The core serialization round-trips from the JSON finding (the extra names are ignored).
    let first: Finding = serde_json::from_value(doc["findings"][1].clone()).unwrap();
    assert_eq!(first, findings()[1]);
    insta::assert_snapshot!(versionless(out));
}

#[test]
fn json_clean() {
    let out = with_report(&[], &[], |r| render_to_string(Format::Json, r, false));
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["verdict"], NO_DEFECTS);
    assert_eq!(doc["findings"], serde_json::json!([]));
}

#[test]
fn sarif() {
    let out = with_report(&findings(), &diagnostics(), |r| {
        render_to_string(Format::Sarif, r, false)
    });
    insta::assert_snapshot!(versionless(out));
}

#[test]
fn sarif_marks_unsuccessful_runs() {
    let io = vec![Diagnostic {
        path: "unreadable.py".into(),
        kind: DiagnosticKind::Io,
        span: None,
        message: "permission denied".into(),
    }];
    let out = with_report(&[], &io, |r| render_to_string(Format::Sarif, r, false));
    let doc: Value = serde_json::from_str(&out).unwrap();
    let invocation = &doc["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["level"],
        "error"
    );
    assert!(sarif_errors(&doc).is_empty());
}

/// A validator for the official SARIF 2.1.0 schema (Draft 7), formats (`uri`, `date-time`, ...)
/// included.
fn sarif_validator() -> jsonschema::Validator {
    let mut schema: Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap();
    // The schema's two `language` patterns have a stray `]`, literal in ECMA-262 regular
    // expressions but rejected by the `regex` format check of the Draft 7 meta-schema, which
    // jsonschema runs on every schema it compiles. Escaping it keeps the patterns' meaning; the
    // vendored file stays byte for byte the official one.
    assert_eq!(escape_stray_bracket(&mut schema), 2);
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// Rewrites every `language` pattern of the schema; returns how many it rewrote.
fn escape_stray_bracket(schema: &mut Value) -> usize {
    const STRAY: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    const ESCAPED: &str = r"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\]?$";
    match schema {
        Value::Object(map) => map
            .iter_mut()
            .map(|(key, value)| {
                if key == "pattern" && value == STRAY {
                    *value = ESCAPED.into();
                    1
                } else {
                    escape_stray_bracket(value)
                }
            })
            .sum(),
        Value::Array(items) => items.iter_mut().map(escape_stray_bracket).sum(),
        _ => 0,
    }
}

fn sarif_errors(doc: &Value) -> Vec<String> {
    sarif_validator()
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn sarif_validates_against_the_schema() {
    for (findings, diagnostics) in [(findings(), diagnostics()), (Vec::new(), Vec::new())] {
        let out = with_report(&findings, &diagnostics, |r| {
            render_to_string(Format::Sarif, r, false)
        });
        let doc: Value = serde_json::from_str(&out).unwrap();
        let errors = sarif_errors(&doc);
        assert!(errors.is_empty(), "invalid SARIF: {errors:#?}");
    }
}

#[test]
fn the_schema_check_rejects_broken_sarif() {
    let out = with_report(&findings(), &diagnostics(), |r| {
        render_to_string(Format::Sarif, r, false)
    });
    let valid: Value = serde_json::from_str(&out).unwrap();

    let mut wrong_version = valid.clone();
    wrong_version["version"] = "2.0.0".into();
    let mut bad_level = valid.clone();
    bad_level["runs"][0]["results"][0]["level"] = "fatal".into();
    let mut zero_line = valid.clone();
    zero_line["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    let mut not_a_uri = valid.clone();
    not_a_uri["runs"][0]["tool"]["driver"]["informationUri"] = "not a uri".into();
    let mut unknown_field = valid;
    unknown_field["runs"][0]["tool"]["driver"]["colour"] = "blue".into();

    for broken in [
        wrong_version,
        bad_level,
        zero_line,
        not_a_uri,
        unknown_field,
    ] {
        assert!(!sarif_errors(&broken).is_empty(), "accepted: {broken}");
    }
}

#[test]
fn json_with_change() {
    let out = render_review(Format::Json, &findings());
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["schema_version"], 1);
    let change: ChangeSummary = serde_json::from_value(doc["change"].clone()).unwrap();
    assert_eq!(change, self::change());
    // Without a change there is no key at all (the `json` snapshot shows the rest is unchanged).
    let scan = with_report(&findings(), &[], |r| {
        render_to_string(Format::Json, r, false)
    });
    assert!(serde_json::from_str::<Value>(&scan)
        .unwrap()
        .get("change")
        .is_none());
    insta::assert_snapshot!(versionless(out));
}

#[test]
fn sarif_with_change() {
    let out = render_review(Format::Sarif, &findings());
    let doc: Value = serde_json::from_str(&out).unwrap();
    let errors = sarif_errors(&doc);
    assert!(errors.is_empty(), "invalid SARIF: {errors:#?}");
    let change: ChangeSummary =
        serde_json::from_value(doc["runs"][0]["properties"]["secrevChange"].clone()).unwrap();
    assert_eq!(change, self::change());
    insta::assert_snapshot!(versionless(out));
}

#[test]
fn review() {
    let out = render_review(Format::Review, &findings());
    assert!(!out.contains('\x1b'));
    assert!(out.starts_with("Security review of Harden the upload handler\n"));
    assert!(out.contains("\n1a2b3c4..5d6e7f8: 3 files, +14 -4 lines\n"));
    assert!(out.contains("\n  renamed   tests/data/helpers.py -> tests/data/util.py (+2 -1)\n"));
    assert!(out.contains("\nThe review had partial context"));
    assert!(out.contains("\n   other end: tests/data/sample.py:15:12 (the check)\n"));
    assert!(out.contains(
        "The data comes from parameter `user_cmd` at tests/data/sample.py:6 and reaches this \
         line directly."
    ));
    assert_eq!(
        out.lines().last(),
        Some("5 security defects are detected in the code")
    );
    insta::assert_snapshot!(out);
}

#[test]
fn review_clean() {
    let change = change();
    let out = with_change_report(&[], &[], Some(&change), |r| {
        render_to_string(Format::Review, r, false)
    });
    assert_eq!(out.lines().last(), Some(NO_DEFECTS));
    insta::assert_snapshot!(out);
}

#[test]
fn review_without_change() {
    let out = with_report(&findings()[1..3], &[], |r| {
        render_to_string(Format::Review, r, false)
    });
    assert!(out.starts_with("Security review of 2 files\n40 lines scanned, 1 file skipped\n"));
    assert_eq!(
        out.lines().last(),
        Some("2 security defects are detected in the code")
    );
    insta::assert_snapshot!(out);
}

#[test]
fn review_color_only_when_asked() {
    let change = change();
    let render = |color| {
        with_change_report(&findings(), &diagnostics(), Some(&change), |r| {
            render_to_string(Format::Review, r, color)
        })
    };
    let colored = render(true);
    assert!(colored.contains("\x1b["));
    assert_eq!(strip_ansi(&colored), render(false));
}

#[test]
fn markdown() {
    let out = render_review(Format::Markdown, &findings());
    assert!(out.starts_with("## Security review of Harden the upload handler\n"));
    assert!(out.contains("\n| # | Severity | CWE | Location | Title |\n"));
    assert_eq!(
        out.lines().last(),
        Some("5 security defects are detected in the code")
    );
    assert_eq!(
        out.matches("<details>").count(),
        out.matches("</details>").count()
    );
    insta::assert_snapshot!(out);
}

#[test]
fn markdown_clean() {
    let change = change();
    let out = with_change_report(&[], &[], Some(&change), |r| {
        render_to_string(Format::Markdown, r, false)
    });
    assert!(!out.contains("| # |"));
    assert_eq!(out.lines().last(), Some(NO_DEFECTS));
    insta::assert_snapshot!(out);
}

#[test]
fn markdown_escapes_user_text() {
    let mut hostile = findings()[1].clone();
    hostile.path = "tests/data/a|b`<x>.py".into();
    hostile.title = "</summary><img src=x onerror=alert(1)> | *bold*".into();
    hostile.message = "`a|b` and <script> with one ` stray".into();
    let mut change = change();
    change.title = "Fix `x` | <b>y</b>\n## not a heading".into();
    let out = with_change_report(&[hostile], &[], Some(&change), |r| {
        render_to_string(Format::Markdown, r, false)
    });
    assert!(out.starts_with(r"## Security review of Fix \`x\` \| \<b\>y\</b\> ## not a heading"));
    // The table row keeps five cells: every `|` of the path and title is escaped.
    let row = out.lines().find(|l| l.starts_with("| 1 |")).unwrap();
    assert_eq!(row.matches('|').count() - row.matches(r"\|").count(), 6);
    assert!(row.contains(r"``tests/data/a\|b`<x>.py:7``"));
    assert!(out.contains(
        "<summary>1. <b>high</b> CWE-78 &lt;/summary&gt;&lt;img src=x onerror=alert(1)&gt; | \
         *bold* at <code>tests/data/a|b`&lt;x&gt;.py:7</code></summary>"
    ));
    // Unpaired backticks: the message is all text, nothing raw.
    assert!(out.contains(r"\`a\|b\` and \<script\> with one \` stray."));
    let unescaped = out.replace(r"\<", "");
    assert!(!unescaped.contains("<script") && !unescaped.contains("<img"));
    // The data-flow sentence keeps its code spans.
    assert!(out.contains("The data comes from parameter `user_cmd` at"));
}

#[test]
fn gerrit() {
    let out = render_review(Format::Gerrit, &findings());
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["tag"], "autogenerated:secrev");
    assert_eq!(doc["omit_duplicate_comments"], true);
    assert!(doc.get("labels").is_none());
    assert!(doc["message"]
        .as_str()
        .unwrap()
        .ends_with("\n5 security defects are detected in the code"));
    let comments = doc["robot_comments"].as_object().unwrap();
    let paths: Vec<&str> = comments.keys().map(String::as_str).collect();
    assert_eq!(paths, ["tests/data/missing.py", "tests/data/sample.py"]);
    let sample = comments["tests/data/sample.py"].as_array().unwrap();
    assert_eq!(sample.len(), 4);
    let shell = &sample[0];
    assert_eq!(shell["robot_id"], "secrev");
    assert_eq!(shell["robot_run_id"], change().id);
    assert_eq!(shell["line"], 7);
    assert_eq!(
        shell["range"],
        serde_json::json!({ "start_line": 7, "start_character": 11, "end_line": 7, "end_character": 48 })
    );
    assert_eq!(shell["properties"]["cwe"], "78");
    assert_eq!(shell["properties"]["rule_id"], "PY101");
    assert!(shell["message"]
        .as_str()
        .unwrap()
        .starts_with("CWE-78 Improper Neutralization"));
    // A span over two lines: the comment sits on its end line, as Gerrit expects.
    let sql = &sample[3];
    assert_eq!(sql["line"], 22);
    assert_eq!(sql["range"]["start_line"], 21);
    assert!(out.ends_with("}\n"));
    insta::assert_snapshot!(out);
}

#[test]
fn gerrit_scan_run_id() {
    let out = with_report(&findings()[1..2], &[], |r| {
        render_to_string(Format::Gerrit, r, false)
    });
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        doc["robot_comments"]["tests/data/sample.py"][0]["robot_run_id"],
        "scan"
    );
    assert!(doc["message"]
        .as_str()
        .unwrap()
        .starts_with("Security review of 2 files\n"));
}

#[test]
fn github() {
    let mut odd = findings()[1].clone();
    odd.path = "tests/data/a,b:c%.py".into();
    odd.title = "shell=True, again: 100%".into();
    odd.message = "`cmd`: built, then\r\nrun at 100%".into();
    odd.fix = "use a list".into();
    odd.trace.clear();
    let mut all = findings();
    all.push(odd);
    let out = render_review(Format::Github, &all);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), all.len() + 1);
    assert_eq!(
        lines[all.len() - 1],
        "::error file=tests/data/a%2Cb%3Ac%25.py,line=7,endLine=7,col=12,endColumn=49,\
         title=PY101 CWE-78 shell=True%2C again%3A 100%25::`cmd`: built, then%0D%0Arun at \
         100%25. Fix: use a list"
    );
    assert_eq!(
        lines.last(),
        Some(&"6 security defects are detected in the code")
    );
    insta::assert_snapshot!(out);
}

#[test]
fn github_clean() {
    let out = with_report(&[], &[], |r| render_to_string(Format::Github, r, false));
    assert_eq!(out, format!("{NO_DEFECTS}\n"));
}

/// The fixed findings with the language model's marks: the shell finding confirmed by the model,
/// the race dismissed by it (`--llm-triage`), and one finding the model alone reported.
fn llm_findings() -> Vec<Finding> {
    let mut all = findings();
    let note = |confidence, explanation: Option<&str>, dismissed: Option<&str>| LlmNote {
        confidence,
        explanation: explanation.map(String::from),
        reanchored: false,
        dismissed: dismissed.map(String::from),
    };
    for f in &mut all {
        match f.rule_id.as_str() {
            "PY101" => {
                f.source = Source::Both;
                f.llm = Some(note(
                    Confidence::High,
                    Some("user_cmd is passed to a shell"),
                    None,
                ));
            }
            "PY301" => {
                f.llm = Some(note(
                    Confidence::Medium,
                    None,
                    Some("the directory is private to the service"),
                ));
            }
            _ => {}
        }
    }
    let mut model = finding(
        "LLM",
        "Reported by the language model",
        22,
        664,
        Category::PathTraversal,
        Severity::Medium,
        Confidence::Medium,
        SAMPLE,
        span((16, 14), (16, 29)),
        "`path` comes from the caller and is opened without checking it stays in the upload directory",
        "resolve the path and check it starts with the upload directory",
    );
    model.source = Source::Llm;
    model.llm = Some(LlmNote {
        reanchored: true,
        ..note(Confidence::Medium, None, None)
    });
    all.push(model);
    all
}

#[test]
fn llm_sources_in_every_format() {
    let findings = llm_findings();
    let summary = LlmSummary {
        model: "tiny".into(),
        strategy: "basic".into(),
        requests: 2,
        cached: 1,
        prompt_tokens: 1200,
        completion_tokens: 300,
        reported: 1,
        merged: 1,
        dropped_vague: 2,
        reanchored: 1,
        dismissed: 1,
        ..LlmSummary::default()
    };
    let rules = rules();
    let report = ScanReport {
        findings: &findings,
        diagnostics: &[],
        rules: &rules,
        summary: SUMMARY,
        change: None,
        llm: Some(&summary),
    };
    let mut all = String::new();
    for format in [
        Format::Text,
        Format::Review,
        Format::Json,
        Format::Sarif,
        Format::Markdown,
        Format::Gerrit,
        Format::Github,
    ] {
        let out = render_to_string(format, &report, false);
        if format == Format::Json || format == Format::Sarif {
            assert!(out.contains("\"completion_tokens\": 300"), "{format:?}");
        } else {
            assert!(
                out.contains("1500 tokens"),
                "{format:?} states the tokens used"
            );
            assert!(
                out.contains("dismissed by llm: the directory is private"),
                "{format:?}"
            );
            assert!(
                out.contains("static + llm, llm confidence high"),
                "{format:?}"
            );
        }
        all.push_str(&format!("==== {format:?}\n{}", versionless(out)));
    }
    let json: Value =
        serde_json::from_str(&render_to_string(Format::Json, &report, false)).expect("valid JSON");
    let sources: Vec<&str> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["source"].as_str())
        .collect();
    assert_eq!(sources.iter().filter(|s| **s == "llm").count(), 1);
    assert_eq!(sources.iter().filter(|s| **s == "both").count(), 1);
    let sarif: Value = serde_json::from_str(&render_to_string(Format::Sarif, &report, false))
        .expect("valid SARIF");
    let props: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| &r["properties"])
        .collect();
    assert!(props
        .iter()
        .any(|p| p["source"] == "llm" && p["llmReanchored"] == true));
    assert!(props
        .iter()
        .any(|p| p["llmDismissed"] == "the directory is private to the service"));
    let errors = sarif_errors(&sarif);
    assert!(errors.is_empty(), "invalid SARIF: {errors:#?}");
    insta::assert_snapshot!(all);
}
