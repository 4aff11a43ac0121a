//! `secrev rules` and `secrev rule ID`.

use crate::args::{ListFormat, RuleArgs, RulesArgs};
use crate::EXIT_CLEAN;
use secrev_core::{cwe, RuleInfo};
use secrev_rules::registry;
use std::fmt::Write as _;
use std::io::Write as _;

pub(crate) fn list(args: RulesArgs) -> Result<u8, String> {
    let rules = registry::all();
    let mut out = String::new();
    match args.format {
        ListFormat::Text => {
            for rule in rules {
                let info = &rule.info;
                let opt_in = if registry::is_opt_in(rule) {
                    ", opt-in"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "{:<6} {:<8} {:<9} {:<8} {}  ({}{opt_in})",
                    info.id,
                    format!("CWE-{}", info.cwe),
                    format!("pillar-{}", info.pillar()),
                    info.severity,
                    info.title,
                    info.name
                );
            }
        }
        ListFormat::Json => {
            let items: Vec<serde_json::Value> = rules
                .iter()
                .map(|r| {
                    let mut item = rule_json(&r.info);
                    item["opt_in"] = serde_json::Value::Bool(registry::is_opt_in(r));
                    item
                })
                .collect();
            let text = serde_json::to_string_pretty(&items).map_err(|e| e.to_string())?;
            let _ = writeln!(out, "{text}");
        }
    }
    emit(&out)
}

/// Writes `text` to standard output; a reader that stops early (`secrev rules | head`) is not
/// an error.
fn emit(text: &str) -> Result<u8, String> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(EXIT_CLEAN),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(EXIT_CLEAN),
        Err(e) => Err(format!("cannot write to standard output: {e}")),
    }
}

fn rule_json(info: &RuleInfo) -> serde_json::Value {
    serde_json::json!({
        "id": info.id,
        "name": info.name,
        "title": info.title,
        "cwe": info.cwe,
        "cwe_name": info.cwe_name(),
        "pillar": info.pillar(),
        "pillar_name": cwe::pillar_name(info.pillar()),
        "category": info.category,
        "severity": info.severity,
        "confidence": info.confidence,
    })
}

pub(crate) fn show(args: RuleArgs) -> Result<u8, String> {
    let rule = registry::find(&args.rule)
        .ok_or_else(|| format!("no rule `{}` (see `secrev rules`)", args.rule))?;
    let mut text = documentation(&rule.info);
    if registry::is_opt_in(rule) {
        let _ = writeln!(
            text,
            "\nThis rule is opt-in: enable it with `--select {}`.",
            rule.info.id
        );
    }
    emit(&text)
}

/// A rule's documentation as `secrev rule` prints it.
fn documentation(info: &RuleInfo) -> String {
    let pillar = info.pillar();
    let docs = &info.docs;
    let indent = |code: &str| {
        code.lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    };
    let mut out = String::new();
    let _ = writeln!(out, "# {} ({}): {}\n", info.id, info.name, info.title);
    let _ = writeln!(out, "CWE-{}: {}", info.cwe, info.cwe_name());
    let _ = writeln!(out, "Pillar: CWE-{pillar}: {}", cwe::pillar_name(pillar));
    let _ = writeln!(
        out,
        "Category: {}   Default severity: {}   Default confidence: {}\n",
        info.category, info.severity, info.confidence
    );
    let _ = writeln!(out, "## What it does\n{}\n", docs.what);
    let _ = writeln!(out, "## Why is this bad?\n{}\n", docs.why);
    let _ = writeln!(out, "## Example\n{}", indent(docs.example));
    let _ = writeln!(out, "## Use instead\n{}", indent(docs.fix));
    if !docs.references.is_empty() {
        let _ = writeln!(out, "## References");
        for reference in docs.references {
            let _ = writeln!(out, "- {reference}");
        }
    }
    out
}
