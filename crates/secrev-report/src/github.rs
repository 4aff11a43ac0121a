//! `--format github`: GitHub Actions workflow commands, which the runner turns into annotations
//! on the pull request's diff. One line per finding, then the verdict sentence as a plain line:
//!
//! ```text
//! ::error file=app/run.py,line=7,endLine=7,col=12,endColumn=49,title=PY101 CWE-78 subprocess call with shell=True::`user_cmd` reaches a shell command line. Fix: pass the command as a list
//! 1 security defect is detected in the code
//! ```
//!
//! Critical and high findings are `error`s, medium ones `warning`s, low and info `notice`s.
//! `endColumn` is, as in SARIF, the column just past the span. GitHub accepts columns only on a
//! one-line annotation, so a span over several lines gives `line` and `endLine` alone.
//!
//! User-derived text is escaped as the runner decodes it: in the message `%`, `\r` and `\n`
//! become `%25`, `%0D` and `%0A`; property values (the path, the title) also have `:` and `,`
//! as `%3A` and `%2C`. A message can therefore not end its command early or start another one.

use crate::explain::{explanation, is_blocking};
use crate::{verdict, ScanReport};
use secrev_core::{Finding, Severity};
use std::io::{self, Write};

pub(crate) fn render(report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
    for f in report.findings {
        writeln!(out, "{}", command(f))?;
    }
    if let Some(llm) = report.llm {
        writeln!(out, "::notice title=secrev LLM::{}", data(&llm.line()))?;
    }
    writeln!(out, "{}", verdict(report.findings.len()))
}

/// The workflow command for one finding.
fn command(f: &Finding) -> String {
    let start_line = f.span.start.line.max(1);
    let end_line = f.span.end.line.max(start_line);
    let mut properties = vec![
        format!("file={}", property(&f.path)),
        format!("line={start_line}"),
        format!("endLine={end_line}"),
    ];
    if end_line == start_line {
        let col = f.span.start.column.max(1);
        properties.push(format!("col={col}"));
        properties.push(format!("endColumn={}", f.span.end.column.max(col)));
    }
    let title = format!("{} CWE-{} {}", f.rule_id, f.cwe, f.title);
    properties.push(format!("title={}", property(&title)));
    let mut message = format!("{} Fix: {}", explanation(f), f.fix);
    if let Some(marker) = f.source_marker() {
        message.push_str(&format!(" [{marker}]"));
    }
    format!(
        "::{} {}::{}",
        level(f.severity),
        properties.join(","),
        data(&message)
    )
}

/// The annotation level: `error` for findings that block, `warning`, or `notice`.
fn level(severity: Severity) -> &'static str {
    if is_blocking(severity) {
        "error"
    } else if severity == Severity::Medium {
        "warning"
    } else {
        "notice"
    }
}

/// A command's message, escaped as the runner decodes it.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: escaped like a message, and `:` and `,`, which end values, as well.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_decodes() {
        assert_eq!(data("100%\r\n::x"), "100%25%0D%0A::x");
        assert_eq!(property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
    }
}
