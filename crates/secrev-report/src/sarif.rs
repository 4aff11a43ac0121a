//! SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.
//!
//! One run; `tool.driver.rules` lists every rule that ran (with its documentation as help and
//! its CWE as an `external/cwe/cwe-N` tag); each finding is a result pointing at its rule by id
//! and index; per-file diagnostics are the invocation's tool execution notifications. Paths are
//! relative URIs against `%SRCROOT%` (absolute paths become `file://` URIs); columns count
//! Unicode code points, as secrev's spans do. For a review, the run's property bag holds the
//! change under review as `secrevChange` (the shape of the JSON report's `change`).

use crate::ScanReport;
use secrev_core::{
    ChangeSummary, Confidence, Diagnostic, Finding, LlmSummary, RuleInfo, Severity, Span,
};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::io::{self, Write};

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub(crate) fn render(report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report))?;
    writeln!(out)
}

// Small structs rather than `json!` for the outer objects, so the keys come out in SARIF's
// reading order (`version` first, `results` last) instead of alphabetically.

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation; 1],
    column_kind: &'static str,
    /// The change under review, for a review; absent for a scan.
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RunProperties<'a>>,
    results: Vec<SarifResult>,
}

/// The run's property bag. A struct rather than `json!`, so the change's keys keep the order
/// of the JSON report's `change`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    secrev_change: Option<&'a ChangeSummary>,
    /// What the language model did (`--llm`).
    #[serde(skip_serializing_if = "Option::is_none")]
    secrev_llm: Option<&'a LlmSummary>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Value,
    full_description: Value,
    help: Value,
    help_uri: String,
    default_configuration: Value,
    properties: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Value,
    locations: Value,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Value>,
    /// For data-flow findings: one thread flow from the source to the sink.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_flows: Vec<Value>,
    partial_fingerprints: Value,
    properties: Value,
}

fn document<'a>(report: &ScanReport<'a>) -> Log<'a> {
    let version = env!("CARGO_PKG_VERSION");
    Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "secrev",
                    version,
                    semantic_version: version,
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: report.rules.iter().map(rule).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: !report.diagnostics.iter().any(Diagnostic::is_error),
                tool_execution_notifications: report.diagnostics.iter().map(notification).collect(),
            }],
            column_kind: "unicodeCodePoints",
            properties: (report.change.is_some() || report.llm.is_some()).then_some(
                RunProperties {
                    secrev_change: report.change,
                    secrev_llm: report.llm,
                },
            ),
            results: report
                .findings
                .iter()
                .map(|f| result(f, report.rules))
                .collect(),
        }],
    }
}

/// A `reportingDescriptor` for one rule.
fn rule(info: &RuleInfo) -> Rule {
    let docs = &info.docs;
    let help_uri = docs
        .references
        .iter()
        .find(|r| r.starts_with("https://") || r.starts_with("http://"))
        .map(|r| r.to_string())
        .unwrap_or_else(|| format!("https://cwe.mitre.org/data/definitions/{}.html", info.cwe));
    let mut help_text = format!(
        "{}\n\nWhy is this bad?\n{}\n\nExample:\n{}\n\nUse instead:\n{}",
        docs.what, docs.why, docs.example, docs.fix
    );
    let mut help_markdown = format!(
        "{}\n\n## Why is this bad?\n\n{}\n\n## Example\n\n{}\n\n## Use instead\n\n{}",
        docs.what,
        docs.why,
        code_block(docs.example),
        code_block(docs.fix)
    );
    if !docs.references.is_empty() {
        help_text.push_str("\n\nReferences:");
        help_markdown.push_str("\n\n## References\n");
        for reference in docs.references {
            help_text.push_str(&format!("\n- {reference}"));
            if reference.starts_with("https://") || reference.starts_with("http://") {
                help_markdown.push_str(&format!("\n- <{reference}>"));
            } else {
                help_markdown.push_str(&format!("\n- {reference}"));
            }
        }
    }
    Rule {
        id: info.id,
        name: info.name,
        short_description: json!({ "text": info.title }),
        full_description: json!({ "text": docs.what }),
        help: json!({ "text": help_text, "markdown": help_markdown }),
        help_uri,
        default_configuration: json!({ "level": level(info.severity) }),
        properties: json!({
            "tags": ["security", format!("external/cwe/cwe-{}", info.cwe), info.category.as_str()],
            "security-severity": security_severity(info.severity),
            "precision": precision(info.confidence),
            "problem.severity": problem_severity(info.severity),
            "cwe": info.cwe,
            "pillar": info.pillar(),
        }),
    }
}

/// A `result` for one finding.
fn result(f: &Finding, rules: &[RuleInfo]) -> SarifResult {
    SarifResult {
        rule_id: f.rule_id.clone(),
        rule_index: rules.iter().position(|r| r.id == f.rule_id),
        level: level(f.severity),
        message: json!({ "text": format!("{} Fix: {}", f.message, f.fix) }),
        locations: json!([{ "physicalLocation": physical_location(&f.path, f.span) }]),
        related_locations: f
            .related
            .iter()
            .enumerate()
            .map(|(id, r)| {
                json!({
                    "id": id,
                    "physicalLocation": physical_location(&f.path, r.span),
                    "message": { "text": r.message },
                })
            })
            .collect(),
        code_flows: code_flows(f),
        partial_fingerprints: json!({ "secrevFingerprint/v1": f.fingerprint }),
        properties: result_properties(f),
    }
}

/// A result's property bag: classification, and who reported it (`source`; for the model's
/// findings its confidence, its dismissal reason, whether it was re-anchored).
fn result_properties(f: &Finding) -> Value {
    let mut properties = json!({
        "cwe": f.cwe,
        "pillar": f.pillar,
        "category": f.category,
        "severity": f.severity,
        "confidence": f.confidence,
        "source": f.source,
    });
    if let (Some(note), Some(bag)) = (&f.llm, properties.as_object_mut()) {
        bag.insert("llmConfidence".into(), json!(note.confidence));
        if let Some(reason) = &note.dismissed {
            bag.insert("llmDismissed".into(), json!(reason));
        }
        if note.reanchored {
            bag.insert("llmReanchored".into(), json!(true));
        }
    }
    properties
}

/// The `codeFlows` of a data-flow finding: its trace as one thread flow.
fn code_flows(f: &Finding) -> Vec<Value> {
    if f.trace.is_empty() {
        return Vec::new();
    }
    let locations: Vec<Value> = f
        .trace
        .iter()
        .map(|step| {
            json!({
                "location": {
                    "physicalLocation": physical_location(&step.path, step.span),
                    "message": { "text": step.message },
                }
            })
        })
        .collect();
    vec![json!({ "threadFlows": [{ "locations": locations }] })]
}

/// A `notification` for one diagnostic.
fn notification(d: &Diagnostic) -> Value {
    let mut location = Map::new();
    location.insert("artifactLocation".into(), artifact_location(&d.path));
    if let Some(span) = d.span {
        location.insert("region".into(), region(span));
    }
    json!({
        "level": if d.is_error() { "error" } else { "warning" },
        "message": { "text": d.message },
        "locations": [{ "physicalLocation": Value::Object(location) }],
        "properties": { "kind": d.kind },
    })
}

fn physical_location(path: &str, span: Span) -> Value {
    json!({
        "artifactLocation": artifact_location(path),
        "region": region(span),
    })
}

fn region(span: Span) -> Value {
    // SARIF's endColumn is, like secrev's, the column just past the region.
    let start_line = span.start.line.max(1);
    let start_column = span.start.column.max(1);
    let end_line = span.end.line.max(start_line);
    let end_column = if end_line == start_line {
        span.end.column.max(start_column)
    } else {
        span.end.column.max(1)
    };
    json!({
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    })
}

/// An `artifactLocation` for a path as the user named it: relative paths become relative URIs
/// against `%SRCROOT%`, absolute ones `file://` URIs.
fn artifact_location(path: &str) -> Value {
    let slashed = path.replace('\\', "/");
    let bytes = slashed.as_bytes();
    if slashed.starts_with('/') {
        json!({ "uri": format!("file://{}", encode_path(&slashed)) })
    } else if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        // A Windows drive path: `C:/src/app.py` is `file:///C:/src/app.py`.
        json!({ "uri": format!("file:///{}:{}", &slashed[..1], encode_path(&slashed[2..])) })
    } else {
        let mut relative = slashed.as_str();
        while let Some(rest) = relative.strip_prefix("./") {
            relative = rest.trim_start_matches('/');
        }
        json!({ "uri": encode_path(relative), "uriBaseId": "%SRCROOT%" })
    }
}

/// Percent-encodes everything in a path but unreserved characters, sub-delimiters, `@` and `/`
/// (`:` too is encoded, so a relative path is never read as a scheme).
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A fenced Markdown code block, with a fence longer than any backtick run in `code`.
fn code_block(code: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in code.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}\n{code}\n{fence}")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `problem.severity`: `error`, `warning` or `recommendation`.
fn problem_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "recommendation",
    }
}

/// GitHub's `security-severity`: a CVSS-like score as a string with one decimal.
fn security_severity(severity: Severity) -> String {
    format!("{:.1}", severity.score())
}

fn precision(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uris() {
        assert_eq!(
            artifact_location("src/app.py"),
            json!({ "uri": "src/app.py", "uriBaseId": "%SRCROOT%" })
        );
        assert_eq!(
            artifact_location("./my dir\\a:b#1.py"),
            json!({ "uri": "my%20dir/a%3Ab%231.py", "uriBaseId": "%SRCROOT%" })
        );
        assert_eq!(
            artifact_location("/home/u/é.py"),
            json!({ "uri": "file:///home/u/%C3%A9.py" })
        );
        assert_eq!(
            artifact_location("C:\\src\\app.py"),
            json!({ "uri": "file:///C:/src/app.py" })
        );
    }

    #[test]
    fn code_blocks_outfence_backticks() {
        assert_eq!(code_block("x = 1"), "```\nx = 1\n```");
        assert_eq!(code_block("a ```` b"), "`````\na ```` b\n`````");
    }
}
