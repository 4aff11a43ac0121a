use crate::{severity_counts, RenderOptions, ScanReport, NO_DEFECTS};
use std::io::{self, Write};

pub(crate) fn render(
    report: &ScanReport,
    _options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    for f in report.findings {
        writeln!(
            out,
            "{}:{}:{}: {} [{}] CWE-{} {}",
            f.path, f.span.start.line, f.span.start.column, f.rule_id, f.severity, f.cwe, f.message
        )?;
    }
    if report.findings.is_empty() {
        writeln!(out, "{NO_DEFECTS}")
    } else {
        let counts: Vec<String> = severity_counts(report.findings)
            .iter()
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        writeln!(
            out,
            "{} findings ({})",
            report.findings.len(),
            counts.join(", ")
        )
    }
}
