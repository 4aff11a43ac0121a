//! `--format markdown`: a pull-request comment in GitHub-flavoured Markdown.
//!
//! A heading names the change; one line gives its size and the findings by severity; a table
//! lists the findings; each then has a collapsed `<details>` block with its classification,
//! explanation, related locations, data-flow steps and fix. The last line is the bare verdict
//! sentence, so a bot or a person can read the outcome without parsing Markdown.
//!
//! Everything derived from the code or the change (paths, titles, messages) is escaped for the
//! context it lands in: backslash escapes in Markdown text, code spans with a fence longer than
//! any backtick run inside (and `|` escaped within tables), entities inside the HTML of a
//! `<summary>`. A commit subject or a string in the code can therefore neither close a block,
//! break the table, inject HTML nor open an unintended code span.

use crate::explain::{
    changed_file, classification, explanation_sentences, extent, is_blocking, location,
    not_reviewed, plural, rating, severity_summary, subject, PARTIAL_CONTEXT,
};
use crate::terminal::is_unsafe;
use crate::{verdict, ScanReport};
use secrev_core::{cwe, Finding};
use std::io::{self, Write};

pub(crate) fn render(report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "## Security review of {}", text(&subject(report)))?;
    writeln!(out)?;
    writeln!(
        out,
        "{} · {}",
        text(&extent(report)),
        findings_phrase(report)
    )?;
    if let Some(llm) = report.llm {
        writeln!(out)?;
        writeln!(out, "{}", text(&llm.line()))?;
    }
    write_scope(report, out)?;
    if !report.findings.is_empty() {
        writeln!(out)?;
        write_table(report.findings, out)?;
        for (i, finding) in report.findings.iter().enumerate() {
            writeln!(out)?;
            write_details(i + 1, finding, out)?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", verdict(report.findings.len()))
}

/// `**5 findings** (1 critical, 4 low)`, or `no findings`.
fn findings_phrase(report: &ScanReport) -> String {
    match report.findings.len() {
        0 => "no findings".to_string(),
        n => format!(
            "**{}** ({})",
            plural(n, "finding", "findings"),
            severity_summary(report.findings)
        ),
    }
}

/// The partial-context note, the touched files (collapsed) and the files not fully reviewed.
fn write_scope(report: &ScanReport, out: &mut dyn Write) -> io::Result<()> {
    if let Some(change) = report.change {
        if change.partial_context {
            writeln!(out)?;
            writeln!(out, "> {PARTIAL_CONTEXT}")?;
        }
        if !change.files.is_empty() {
            writeln!(out)?;
            let files = plural(change.files.len(), "file", "files");
            writeln!(out, "<details><summary>{files} changed</summary>")?;
            writeln!(out)?;
            for file in &change.files {
                writeln!(out, "- {}", text(&changed_file(file)))?;
            }
            writeln!(out)?;
            writeln!(out, "</details>")?;
        }
    }
    let left_out = not_reviewed(report.diagnostics);
    if !left_out.is_empty() {
        writeln!(out)?;
        writeln!(out, "**Not reviewed:**")?;
        writeln!(out)?;
        for note in &left_out {
            writeln!(out, "- {}", text(note))?;
        }
    }
    Ok(())
}

/// One row per finding: number, severity (bold when blocking), CWE, `path:line`, title.
fn write_table(findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "| # | Severity | CWE | Location | Title |")?;
    writeln!(out, "|--:|---|---|---|---|")?;
    for (i, f) in findings.iter().enumerate() {
        let severity = if is_blocking(f.severity) {
            format!("**{}**", f.severity)
        } else {
            f.severity.to_string()
        };
        writeln!(
            out,
            "| {} | {severity} | {} | {} | {} |",
            i + 1,
            cwe_link(f.cwe),
            code(&format!("{}:{}", f.path, f.span.start.line), true),
            text(&f.title),
        )?;
    }
    Ok(())
}

/// `[CWE-78](https://cwe.mitre.org/...)` for a catalogued CWE, plain `CWE-N` otherwise.
fn cwe_link(id: u32) -> String {
    if cwe::name(id).is_some() {
        format!("[CWE-{id}](https://cwe.mitre.org/data/definitions/{id}.html)")
    } else {
        format!("CWE-{id}")
    }
}

/// Finding `n` as a collapsed block: the summary repeats its table row; the body holds the
/// classification, explanation, related locations, data flow and fix.
fn write_details(n: usize, f: &Finding, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<details><summary>{n}. <b>{}</b> CWE-{} {} at <code>{}:{}</code></summary>",
        f.severity,
        f.cwe,
        html(&f.title),
        html(&f.path),
        f.span.start.line,
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{} · {} · rule {}",
        text(&classification(f)),
        rating(f),
        code(&f.rule_id, false)
    )?;
    if let Some(marker) = f.source_marker() {
        writeln!(out)?;
        writeln!(out, "Reported by: {}", inline(&marker))?;
    }
    writeln!(out)?;
    let explanation: Vec<String> = explanation_sentences(f).iter().map(|s| inline(s)).collect();
    writeln!(out, "{}", explanation.join(" "))?;
    for related in &f.related {
        writeln!(out)?;
        writeln!(
            out,
            "Other end: {} ({})",
            code(&location(&f.path, related.span), false),
            inline(&related.message)
        )?;
    }
    if !f.trace.is_empty() {
        writeln!(out)?;
        writeln!(out, "Data flow:")?;
        writeln!(out)?;
        for (i, step) in f.trace.iter().enumerate() {
            writeln!(
                out,
                "{}. {} {}",
                i + 1,
                code(&location(&step.path, step.span), false),
                inline(&step.message)
            )?;
        }
    }
    writeln!(out)?;
    writeln!(out, "**Fix:** {}", inline(&f.fix))?;
    writeln!(out)?;
    writeln!(out, "</details>")
}

/// `s` as Markdown text whose backtick-quoted parts stay code spans, as rules write code in
/// their messages (`` `yaml.load(blob)` constructs... ``). When the backticks do not pair up
/// (a quoted snippet held one), the whole of `s` is text, every backtick literal.
fn inline(s: &str) -> String {
    if s.matches('`').count() % 2 == 1 {
        return text(s);
    }
    s.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 0 {
                text(part)
            } else {
                code(part, false)
            }
        })
        .collect()
}

/// `s` as literal Markdown text on one line: the punctuation Markdown, GitHub's extensions or
/// HTML would act on is backslash-escaped; line breaks become spaces, other controls U+FFFD.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_unsafe(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// `s` as one code span, whatever it holds: the fence is one backtick longer than the longest
/// run inside, padded with spaces when `s` starts or ends with a backtick or space. In a table
/// cell (`in_table`) `|` is escaped too, as GFM splits cells before it reads code spans.
fn code(s: &str, in_table: bool) -> String {
    let s: String = s
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if is_unsafe(c) => '\u{fffd}',
            c => c,
        })
        .collect();
    if s.is_empty() {
        return String::new();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with(['`', ' ']) || s.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    let body = if in_table { s.replace('|', "\\|") } else { s };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// `s` as HTML text on one line, for the raw HTML of a `<summary>`.
fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_unsafe(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_literal() {
        assert_eq!(text("a|b <x> `c` *d*"), r"a\|b \<x\> \`c\` \*d\*");
        assert_eq!(text("one\ntwo"), "one two");
    }

    #[test]
    fn code_spans_outfence_backticks() {
        assert_eq!(code("x", false), "`x`");
        assert_eq!(code("a`b", false), "``a`b``");
        assert_eq!(code("`a", false), "`` `a ``");
        assert_eq!(code("a|b", true), r"`a\|b`");
        assert_eq!(code("a|b", false), "`a|b`");
    }

    #[test]
    fn inline_keeps_paired_backticks_as_code() {
        assert_eq!(inline("`a<b>` is *bad*"), r"`a<b>` is \*bad\*");
        assert_eq!(inline("odd ` one <b>"), r"odd \` one \<b\>");
    }

    #[test]
    fn html_escapes_markup() {
        assert_eq!(
            html("</summary><img src=x>"),
            "&lt;/summary&gt;&lt;img src=x&gt;"
        );
    }
}
