use crate::ScanReport;
use std::io::{self, Write};

pub(crate) fn render(report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
    let doc = serde_json::json!({
        "version": 1,
        "findings": report.findings,
        "diagnostics": report.diagnostics,
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
