//! Grounding: every finding the model reports is checked against the code it was shown before
//! it becomes a [`Finding`]. The cited lines must exist in what was sent; quoted code must be on
//! them (a quote found once elsewhere moves the finding there: models miscount lines); the CWE
//! must be one MITRE's catalogue has; and the text must be about this code — a finding without a
//! line, or whose words name nothing on the lines it cites, is vague and dropped.

use crate::answer::{ModelFinding, Verdict};
use secrev_core::{
    cwe, fingerprint, Category, Confidence, Finding, LlmNote, Position, RelatedLocation, Severity,
    Source, Span,
};
use std::collections::HashSet;

/// The rule id of findings the model reported.
pub const LLM_RULE: &str = "LLM";

/// Why a model finding was not reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dropped {
    /// No line cited, or nothing in its text names the code on its lines.
    Vague,
    /// The cited lines are not in what was sent, or the quoted code is not there (nor once
    /// anywhere else).
    Ungrounded,
    /// No CWE, or one the catalogue does not have.
    UnknownCwe,
}

/// What the model was shown: a window of one file.
pub struct Shown<'a> {
    pub path: &'a str,
    /// Every line of the file as sent (redacted); line `n` is `lines[n - 1]`.
    pub lines: &'a [String],
    pub first: u32,
    pub last: u32,
}

impl Shown<'_> {
    fn line(&self, n: u32) -> &str {
        (n as usize)
            .checked_sub(1)
            .and_then(|i| self.lines.get(i))
            .map_or("", String::as_str)
    }

    fn contains(&self, n: u32) -> bool {
        n >= self.first && n <= self.last
    }
}

/// Longest explanation kept, in characters.
const MAX_MESSAGE: usize = 600;

/// Checks one model finding; `verdict` and `hedged` are the answer's.
pub fn ground(shown: &Shown, model: &ModelFinding, verdict: Verdict) -> Result<Finding, Dropped> {
    let quote = model.quote.as_deref().and_then(quote_lines);
    if model.lines.is_empty() && quote.is_none() {
        return Err(Dropped::Vague);
    }
    let id = model
        .cwes
        .iter()
        .copied()
        .find(|id| cwe::lookup(*id).is_some())
        .ok_or(Dropped::UnknownCwe)?;
    // Cited ranges that start in the window, ends clamped to it; a range of blank lines
    // points at nothing.
    let mut cited: Vec<(u32, u32)> = model
        .lines
        .iter()
        .filter(|(start, _)| shown.contains(*start))
        .map(|(start, end)| (*start, (*end).clamp(*start, shown.last)))
        .filter(|(start, end)| (*start..=*end).any(|n| !shown.line(n).trim().is_empty()))
        .collect();
    let (span, reanchored) = match &quote {
        Some(quote) => locate(shown, &cited, quote)?,
        None => {
            if cited.is_empty() {
                return Err(Dropped::Ungrounded);
            }
            // Without a quote, each cited place must be one the words are about.
            cited.retain(|range| specific(shown, &[*range], model));
            let (start, end) = *cited.first().ok_or(Dropped::Vague)?;
            (whole_lines(shown, start, end), false)
        }
    };
    let related = cited
        .iter()
        .filter(|(s, e)| !(*s <= span.end.line && *e >= span.start.line))
        .map(|(s, e)| RelatedLocation {
            span: whole_lines(shown, *s, *e),
            message: "also cited by the model".into(),
        })
        .collect();
    let confidence = confidence(model, verdict, quote.is_some(), reanchored);
    let message = one_line(&model.explanation, MAX_MESSAGE);
    Ok(Finding {
        rule_id: LLM_RULE.into(),
        title: format!(
            "{} (reported by the language model)",
            cwe::name(id).unwrap_or("")
        ),
        cwe: id,
        pillar: cwe::pillar_of(id).unwrap_or(id),
        category: category(id),
        severity: if confidence == Confidence::Low {
            Severity::Low
        } else {
            Severity::Medium
        },
        confidence,
        path: shown.path.to_owned(),
        span,
        message: if message.is_empty() {
            one_line(&model.title, MAX_MESSAGE)
        } else {
            message
        },
        fix: match one_line(&model.fix, MAX_MESSAGE) {
            f if f.is_empty() => "The model gave no fix; review the cited lines.".into(),
            f => f,
        },
        related,
        trace: Vec::new(),
        fingerprint: fingerprint(&format!("{LLM_RULE}/{id}"), "", shown.line(span.start.line)),
        source: Source::Llm,
        llm: Some(LlmNote {
            confidence,
            explanation: None,
            reanchored,
            dismissed: None,
        }),
    })
}

/// The model's confidence, lowered for hedged words, a clean verdict around the finding, and
/// corrected line numbers; free text without a quote is never above medium.
fn confidence(
    model: &ModelFinding,
    verdict: Verdict,
    quoted: bool,
    reanchored: bool,
) -> Confidence {
    let mut c = model.confidence.unwrap_or(Confidence::Medium);
    if model.hedged || verdict == Verdict::NoDefects {
        c = Confidence::Low;
    }
    if !quoted {
        c = c.min(Confidence::Medium);
    }
    if reanchored {
        c = match c {
            Confidence::High => Confidence::Medium,
            _ => Confidence::Low,
        };
    }
    c
}

/// The quote's non-empty lines, whitespace-collapsed, with any `12 | ` prefixes the model
/// copied from the prompt removed; `None` when too short to identify a place.
fn quote_lines(quote: &str) -> Option<Vec<String>> {
    let lines: Vec<String> = quote
        .lines()
        .map(|l| {
            let l = l.trim_start();
            let digits = l.len() - l.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            match l[digits..].trim_start().strip_prefix('|') {
                Some(rest) if digits > 0 => collapse(rest),
                _ => collapse(l),
            }
        })
        .filter(|l| !l.is_empty())
        .collect();
    let chars: usize = lines
        .iter()
        .map(|l| l.chars().filter(|c| !c.is_whitespace()).count())
        .sum();
    (chars >= 3).then_some(lines)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where the quote is: on the cited lines (one line of slack either side), else at its one
/// occurrence in the window (re-anchored).
fn locate(shown: &Shown, cited: &[(u32, u32)], quote: &[String]) -> Result<(Span, bool), Dropped> {
    let at = |n: u32| -> bool {
        quote.iter().enumerate().all(|(i, q)| {
            let line = n + i as u32;
            shown.contains(line) && collapse(shown.line(line)).contains(q.as_str())
        })
    };
    let near_cited = cited
        .iter()
        .flat_map(|(s, e)| s.saturating_sub(1).max(shown.first)..=(*e + 1).min(shown.last))
        .find(|n| at(*n));
    if let Some(n) = near_cited {
        return Ok((quote_span(shown, n, quote), false));
    }
    let mut anywhere = (shown.first..=shown.last).filter(|n| at(*n));
    match (anywhere.next(), anywhere.next()) {
        (Some(n), None) => Ok((quote_span(shown, n, quote), true)),
        _ => Err(Dropped::Ungrounded),
    }
}

/// The span of a quote found at line `n`: from its first character to its last.
fn quote_span(shown: &Shown, n: u32, quote: &[String]) -> Span {
    let last = n + quote.len() as u32 - 1;
    let start_col = column_of(shown.line(n), &quote[0]).unwrap_or(1);
    let end_line = shown.line(last);
    let end_col = column_of(end_line, &quote[quote.len() - 1])
        .map(|c| c + quote[quote.len() - 1].chars().count() as u32)
        .unwrap_or(end_line.chars().count() as u32 + 1);
    Span {
        start: Position {
            line: n,
            column: start_col,
        },
        end: Position {
            line: last,
            column: end_col,
        },
    }
}

/// The 1-based column where `needle` starts in `line`, when the line holds it verbatim.
fn column_of(line: &str, needle: &str) -> Option<u32> {
    line.find(needle)
        .map(|byte| line[..byte].chars().count() as u32 + 1)
}

/// Lines `start..=end` whole: first non-blank character to the end of the last line.
fn whole_lines(shown: &Shown, start: u32, end: u32) -> Span {
    let first = shown.line(start);
    let indent = first.chars().take_while(|c| c.is_whitespace()).count() as u32;
    Span {
        start: Position {
            line: start,
            column: indent + 1,
        },
        end: Position {
            line: end,
            column: shown.line(end).chars().count() as u32 + 1,
        },
    }
}

/// Words too common in prose and code alike to tie a sentence to a line.
const COMMON: [&str; 24] = [
    "self", "return", "none", "true", "false", "else", "elif", "pass", "with", "from", "import",
    "this", "that", "line", "lines", "code", "value", "values", "data", "used", "using", "class",
    "function", "call",
];

/// Whether the finding's words name something on its cited lines: a backticked word, or a
/// word of four letters or more that is (part of) an identifier there.
pub(crate) fn specific(shown: &Shown, cited: &[(u32, u32)], model: &ModelFinding) -> bool {
    let text: String = cited
        .iter()
        .flat_map(|(s, e)| s.saturating_sub(1).max(shown.first)..=(*e + 1).min(shown.last))
        .map(|n| shown.line(n))
        .collect::<Vec<_>>()
        .join("\n");
    // A title that names a CWE repeats the catalogue's words ("Improper Check or Handling"),
    // which say nothing about this code.
    let title = if model.title.to_ascii_uppercase().contains("CWE") {
        ""
    } else {
        model.title.as_str()
    };
    let prose = format!("{title} {}", model.explanation);
    mentions_code(&prose, &model.code_words, &text)
}

/// Whether `prose` (or one of `code_words`) names an identifier, or part of one, of `code`.
pub(crate) fn mentions_code(prose: &str, code_words: &[String], code: &str) -> bool {
    if code_words
        .iter()
        .any(|w| w.len() >= 3 && code.contains(w.as_str()))
    {
        return true;
    }
    let parts: HashSet<String> = code
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .flat_map(|ident| {
            std::iter::once(ident.to_ascii_lowercase())
                .chain(ident.split('_').map(str::to_ascii_lowercase))
        })
        .filter(|w| w.len() >= 4 && !COMMON.contains(&w.as_str()))
        .collect();
    prose
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map(str::to_ascii_lowercase)
        .any(|w| parts.contains(&w) || parts.contains(w.trim_end_matches('s')))
}

/// Whitespace collapsed, cut at `max` characters.
fn one_line(s: &str, max: usize) -> String {
    let s = collapse(s);
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s,
    }
}

/// A CWE and every weakness above it in the CWE-1000 view (all parents, not only primary).
pub(crate) fn ancestors(id: u32) -> Vec<u32> {
    let mut seen = vec![id];
    let mut i = 0;
    while i < seen.len() && seen.len() < 64 {
        if let Some(record) = cwe::lookup(seen[i]) {
            for p in record.parents {
                if !seen.contains(p) {
                    seen.push(*p);
                }
            }
        }
        i += 1;
    }
    seen
}

/// Whether two CWEs are one family: equal, or one a descendant of the other below the pillar
/// level (CWE-78 and CWE-77 are; CWE-78 and CWE-89, cousins under injection, are not).
pub fn same_family(a: u32, b: u32) -> bool {
    let below = |x: u32, y: u32| !cwe::PILLARS.contains(&y) && ancestors(x).contains(&y);
    a == b || below(a, b) || below(b, a)
}

/// The review category of a CWE, from the weaknesses it descends from.
fn category(id: u32) -> Category {
    const TABLE: [(&[u32], Category); 11] = [
        (&[22, 73, 59], Category::PathTraversal),
        (&[502], Category::Deserialization),
        (
            &[74, 77, 78, 89, 94, 79, 90, 643, 1336, 113, 117, 917],
            Category::Injection,
        ),
        (&[362, 367], Category::RaceCondition),
        (&[400, 770, 1333, 409, 674], Category::CrashDos),
        (&[404, 772, 401, 775], Category::ResourceLeak),
        (
            &[310, 326, 327, 328, 330, 295, 311, 312, 319, 321, 259, 798],
            Category::Crypto,
        ),
        (&[200, 209, 532, 359], Category::InfoLeak),
        (&[119, 787, 125, 416, 476, 190], Category::MemorySafety),
        (
            &[284, 285, 287, 862, 863, 269, 732, 276],
            Category::ImproperAccess,
        ),
        (&[20, 1284, 129], Category::InputValidation),
    ];
    let up = ancestors(id);
    TABLE
        .iter()
        .find(|(ids, _)| ids.iter().any(|i| up.contains(i)))
        .map_or(Category::Other, |(_, c)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_stop_below_pillars() {
        assert!(same_family(78, 77));
        assert!(same_family(77, 78));
        assert!(!same_family(78, 89));
        assert!(!same_family(78, 707));
        assert_eq!(category(89), Category::Injection);
        assert_eq!(category(23), Category::PathTraversal);
        assert_eq!(category(691), Category::Other);
    }

    #[test]
    fn quotes_lose_copied_line_numbers() {
        assert_eq!(
            quote_lines(" 12 |   os.system(cmd)\n"),
            Some(vec!["os.system(cmd)".to_string()])
        );
        assert_eq!(quote_lines("x"), None);
    }
}
