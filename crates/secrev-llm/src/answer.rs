//! The model's answer: the JSON schema it is asked for, and a parser that takes what comes
//! back — JSON (bare, fenced, or inside prose; field names and value shapes read leniently) or,
//! failing that, free text, whose numbered items become findings (CWE ids, cited line ranges,
//! backticked code) and whose sentences give the verdict, hedged or not.

use regex::Regex;
use secrev_core::Confidence;
use serde_json::{json, Value};
use std::sync::LazyLock;

/// What the model concluded about the code as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It reported defects.
    Defects,
    /// It said there are none.
    NoDefects,
    /// It said neither.
    Unclear,
}

/// One defect as the model reported it, before it is checked against the code.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModelFinding {
    /// The CWE ids it named (the first is the finding's).
    pub cwes: Vec<u32>,
    /// The line ranges it cited (1-based, inclusive), in the order cited.
    pub lines: Vec<(u32, u32)>,
    /// The code it quoted as the defect's place.
    pub quote: Option<String>,
    /// Code it named in passing (backticked words of free text).
    pub code_words: Vec<String>,
    pub title: String,
    pub explanation: String,
    pub fix: String,
    /// Its own confidence, when it gave one.
    pub confidence: Option<Confidence>,
    /// The finding is worded as a possibility ("potential", "could", "if not ...").
    pub hedged: bool,
}

/// The model's judgement of one of secrev's findings (`--llm-triage`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// The finding's id in the prompt (`S1`).
    pub id: String,
    pub false_positive: bool,
    pub reason: String,
}

/// A parsed answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub verdict: Verdict,
    /// The verdict is qualified: "no defects, but ..." with concerns tied to lines, or defects
    /// that are only possible.
    pub hedged: bool,
    /// The answer was JSON (as asked) rather than free text.
    pub structured: bool,
    pub findings: Vec<ModelFinding>,
    pub triage: Vec<Judgement>,
}

/// The JSON schema answers are asked to match (strict: every key required, no others).
pub fn schema() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["reasoning", "verdict", "findings", "triage"],
        "properties": {
            "reasoning": { "type": "string" },
            "verdict": { "type": "string", "enum": ["defects", "no_defects"] },
            "findings": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["cwe", "start_line", "end_line", "code", "explanation", "fix", "confidence"],
                    "properties": {
                        "cwe": { "type": "string", "pattern": "^CWE-[0-9]+$" },
                        "start_line": { "type": "integer" },
                        "end_line": { "type": "integer" },
                        "code": { "type": "string" },
                        "explanation": { "type": "string" },
                        "fix": { "type": "string" },
                        "confidence": { "type": "string", "enum": ["low", "medium", "high"] }
                    }
                }
            },
            "triage": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["id", "verdict", "reason"],
                    "properties": {
                        "id": { "type": "string" },
                        "verdict": { "type": "string", "enum": ["true_positive", "false_positive"] },
                        "reason": { "type": "string" }
                    }
                }
            }
        }
    })
}

/// Parses an answer: JSON when there is a JSON object with findings or a verdict in it, free
/// text otherwise.
pub fn parse(text: &str) -> Answer {
    json_answer(text).unwrap_or_else(|| free_text(text))
}

static CWE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bCWE[-\s]?(\d{1,5})\b").expect("valid regex"));
static LINES: LazyLock<Regex> = LazyLock::new(|| {
    let range = r"\d+(?:\s*(?:-|–|—|to)\s*\d+)?";
    Regex::new(&format!(
        r"(?i)\blines?\s*:?\s*(?:like\s+|around\s+|approximately\s+|near\s+|~\s*)?({range}(?:\s*(?:,|and|or|&)\s*{range})*)"
    ))
    .expect("valid regex")
});
static RANGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d+)(?:\s*(?:-|–|—|to)\s*(\d+))?").expect("valid regex"));
static BACKTICKS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"`([^`\n]+)`").expect("valid regex"));
static ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^ {0,3}(\d+)[.)]\s+(.*)$").expect("valid regex"));
static NEGATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(no|not|none|without)\b").expect("valid regex"));

/// Words that make a finding a possibility rather than a claim.
const HEDGES: [&str; 10] = [
    "potential",
    "might",
    "could",
    "may ",
    "if not",
    "not directly visible",
    "although not",
    "possibly",
    "appears to",
    "if the input",
];

/// Section headings whose items are advice, not findings.
const ADVICE_HEADINGS: [&str; 5] = [
    "recommend",
    "suggest",
    "conclusion",
    "best practice",
    "mitigation",
];

/// Labels of the advice part of an item (`**Suggestion**: ...`).
const FIX_LABELS: [&str; 5] = [
    "suggestion",
    "solution",
    "recommendation",
    "fix",
    "mitigation",
];

// ---- JSON ----

fn json_answer(text: &str) -> Option<Answer> {
    let doc = json_object(text)?;
    let findings_value = doc.get("findings");
    let verdict_value = doc.get("verdict");
    if findings_value.is_none() && verdict_value.is_none() {
        return None;
    }
    let findings: Vec<ModelFinding> = findings_value
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(json_finding).collect())
        .unwrap_or_default();
    let verdict = match verdict_value.and_then(Value::as_str) {
        Some(v) => {
            let v = v.to_ascii_lowercase();
            if v.contains("no") || v.contains("clean") || v.contains("none") {
                Verdict::NoDefects
            } else {
                Verdict::Defects
            }
        }
        None if findings.is_empty() => Verdict::Unclear,
        None => Verdict::Defects,
    };
    let triage = doc
        .get("triage")
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(judgement).collect())
        .unwrap_or_default();
    Some(Answer {
        verdict,
        hedged: verdict == Verdict::NoDefects && !findings.is_empty(),
        structured: true,
        findings,
        triage,
    })
}

/// The first JSON object in `text`: the whole text, a fenced block, or from the first `{` to
/// the last `}`.
fn json_object(text: &str) -> Option<serde_json::Map<String, Value>> {
    let trimmed = text.trim();
    let candidates = [
        Some(trimmed),
        trimmed
            .strip_prefix("```json")
            .or_else(|| trimmed.strip_prefix("```"))
            .and_then(|t| t.trim_end().strip_suffix("```")),
        trimmed
            .find('{')
            .zip(trimmed.rfind('}'))
            .filter(|(a, b)| a < b)
            .map(|(a, b)| &trimmed[a..=b]),
    ];
    candidates
        .into_iter()
        .flatten()
        .find_map(|c| match serde_json::from_str::<Value>(c) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        })
}

fn json_finding(item: &Value) -> Option<ModelFinding> {
    let object = item.as_object()?;
    let text = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| object.get(*k).and_then(Value::as_str))
            .unwrap_or("")
            .trim()
            .to_owned()
    };
    let number = |keys: &[&str]| {
        keys.iter().find_map(|k| match object.get(*k)? {
            Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
    };
    let cwes = match object.get("cwe") {
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .into_iter()
            .collect(),
        Some(Value::String(s)) => cwe_ids(s)
            .into_iter()
            .chain(s.trim().parse().ok())
            .take(1)
            .collect(),
        _ => Vec::new(),
    };
    let start = number(&["start_line", "line", "startLine"]);
    let end = number(&["end_line", "endLine"]).or(start);
    let lines = match (start, end) {
        (Some(s), Some(e)) if s > 0 => vec![(s, e.max(s))],
        _ => Vec::new(),
    };
    let quote = Some(text(&["code", "quote", "snippet"])).filter(|q| !q.is_empty());
    let explanation = text(&["explanation", "description", "message"]);
    let confidence = match text(&["confidence"]).to_ascii_lowercase().as_str() {
        "high" => Some(Confidence::High),
        "medium" => Some(Confidence::Medium),
        "low" => Some(Confidence::Low),
        _ => None,
    };
    Some(ModelFinding {
        cwes,
        lines,
        quote,
        code_words: code_words(&explanation),
        title: text(&["title", "name"]),
        hedged: is_hedged(&explanation),
        explanation,
        fix: text(&["fix", "remediation", "recommendation"]),
        confidence,
    })
}

fn judgement(item: &Value) -> Option<Judgement> {
    let id = item.get("id")?.as_str()?.trim().to_owned();
    let verdict = item.get("verdict")?.as_str()?.to_ascii_lowercase();
    Some(Judgement {
        id,
        false_positive: verdict.contains("false"),
        reason: item
            .get("reason")
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_owned(),
    })
}

// ---- free text ----

/// One numbered item of a free-text answer.
#[derive(Default)]
struct Item {
    title: String,
    explanation: Vec<String>,
    fix: Vec<String>,
}

fn free_text(text: &str) -> Answer {
    let text = normalise(text);
    let items = numbered_items(&text);
    let findings: Vec<ModelFinding> = items.iter().map(item_finding).collect();
    let claims_clean = sentences(&text).any(claims_no_defects);
    let verdict = if claims_clean {
        Verdict::NoDefects
    } else if !findings.is_empty() {
        Verdict::Defects
    } else {
        Verdict::Unclear
    };
    let hedged = match verdict {
        Verdict::NoDefects => findings.iter().any(|f| !f.lines.is_empty()),
        Verdict::Defects => findings.iter().any(|f| f.hedged),
        Verdict::Unclear => false,
    };
    Answer {
        verdict,
        hedged,
        structured: false,
        findings,
        triage: Vec::new(),
    }
}

/// Typographic quotes and their mis-decoded forms as ASCII; emphasis quotes dropped.
fn normalise(text: &str) -> String {
    text.replace("â€™", "'")
        .replace("â€œ", "\"")
        .replace("â€\u{9d}", "\"")
        .replace(['\u{2018}', '\u{2019}'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
        .replace("'''", "")
}

/// The numbered items outside advice sections and code fences. An item runs until the next
/// item, a heading, or an unindented paragraph.
fn numbered_items(text: &str) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let mut open = false;
    let mut advice = false;
    let mut fenced = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced || trimmed.is_empty() {
            continue;
        }
        if trimmed.starts_with('#') {
            let heading = trimmed.to_ascii_lowercase();
            advice = ADVICE_HEADINGS.iter().any(|h| heading.contains(h));
            open = false;
            continue;
        }
        if let Some(caps) = ITEM.captures(line) {
            open = !advice;
            if open {
                items.push(Item {
                    title: strip_markup(&caps[2]),
                    ..Item::default()
                });
            }
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            open = false;
            continue;
        }
        if let (true, Some(item)) = (open, items.last_mut()) {
            let body = strip_markup(trimmed.trim_start_matches(['-', '*', '•']).trim());
            let lower = body.to_ascii_lowercase();
            match FIX_LABELS.iter().find(|l| {
                lower.starts_with(*l) && lower[l.len()..].trim_start().starts_with([':', 's'])
            }) {
                Some(_) => item.fix.push(
                    body.split_once(':')
                        .map_or(body.as_str(), |(_, f)| f)
                        .trim()
                        .to_owned(),
                ),
                None => item.explanation.push(body),
            }
        }
    }
    items
}

/// `**Title**:` → `Title:`.
fn strip_markup(s: &str) -> String {
    s.replace("**", "")
        .trim()
        .trim_end_matches(':')
        .trim()
        .to_owned()
}

fn item_finding(item: &Item) -> ModelFinding {
    let explanation = item.explanation.join(" ");
    let claim = format!("{} {}", item.title, explanation);
    ModelFinding {
        cwes: cwe_ids(&claim),
        lines: line_ranges(&claim),
        quote: None,
        code_words: code_words(&claim),
        title: item.title.clone(),
        hedged: is_hedged(&claim),
        explanation,
        fix: item.fix.join(" "),
        confidence: None,
    }
}

/// Sentences, roughly: split at `.`, `!`, `?` followed by a space, and at line ends.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .flat_map(|line| line.split(". ").flat_map(|s| s.split("? ")))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Whether a sentence says the code has no security defects ("no direct security defects are
/// detected", "I did not identify any security defects"), and not only no *other* ones, or
/// none under a condition.
fn claims_no_defects(sentence: &str) -> bool {
    let s = sentence.to_ascii_lowercase();
    let about_defects = [
        "security defect",
        "vulnerabilit",
        "security issue",
        "security flaw",
    ]
    .iter()
    .any(|w| s.contains(w));
    let qualified = [
        "other",
        "additional",
        "further",
        "examples of",
        "if not",
        "unless",
    ]
    .iter()
    .any(|w| s.contains(w));
    about_defects && NEGATION.is_match(&s) && !qualified
}

fn is_hedged(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    HEDGES.iter().any(|h| lower.contains(h))
}

/// CWE ids mentioned, in order, without repeats.
pub(crate) fn cwe_ids(text: &str) -> Vec<u32> {
    let mut ids = Vec::new();
    for caps in CWE.captures_iter(text) {
        if let Ok(id) = caps[1].parse::<u32>() {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    ids
}

/// Line ranges cited: `line 318`, `lines 318-322`, `lines 48, 61 and 68`, `Lines 49-56`.
pub(crate) fn line_ranges(text: &str) -> Vec<(u32, u32)> {
    let mut ranges = Vec::new();
    for caps in LINES.captures_iter(text) {
        for range in RANGE.captures_iter(&caps[1]) {
            let start: u32 = range[1].parse().unwrap_or(0);
            let end: u32 = range
                .get(2)
                .and_then(|m| m.as_str().parse().ok())
                .unwrap_or(start);
            if start > 0 && !ranges.contains(&(start, end.max(start))) {
                ranges.push((start, end.max(start)));
            }
        }
    }
    ranges
}

/// Backticked words: code the text names.
pub(crate) fn code_words(text: &str) -> Vec<String> {
    BACKTICKS
        .captures_iter(text)
        .map(|c| c[1].trim().to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_citations_in_their_usual_shapes() {
        assert_eq!(line_ranges("at line 318, there's"), vec![(318, 318)]);
        assert_eq!(line_ranges("At lines like 321, log"), vec![(321, 321)]);
        assert_eq!(
            line_ranges("(e.g., lines 48, 61 and 68) and Lines 49-56, 58–68"),
            vec![(48, 48), (61, 61), (68, 68), (49, 56), (58, 68)]
        );
        assert_eq!(line_ranges("deadlines 5"), vec![]);
        assert_eq!(cwe_ids("CWE-78 and cwe 89, CWE-78"), vec![78, 89]);
    }

    #[test]
    fn json_is_found_in_fences_and_prose() {
        let fenced = "```json\n{\"verdict\":\"defects\",\"findings\":[{\"cwe\":\"CWE-89\",\"line\":\"4\",\"code\":\"q\"}]}\n```";
        let answer = parse(fenced);
        assert!(answer.structured);
        assert_eq!(answer.findings[0].cwes, vec![89]);
        assert_eq!(answer.findings[0].lines, vec![(4, 4)]);
        let prose = "Here you go: {\"verdict\": \"no_defects\", \"findings\": []} Hope it helps.";
        assert_eq!(parse(prose).verdict, Verdict::NoDefects);
        let not_an_answer = "{\"hello\": 1}";
        assert!(!parse(not_an_answer).structured);
    }

    #[test]
    fn odd_answers_do_not_panic() {
        for text in [
            "",
            "{",
            "}{",
            "```",
            "1. line 99999999999999 CWE-99999999",
            "1.  **é**: lines 5–3 and 0, CWE-\u{feff}78",
            "{\"findings\": [1, null, {\"cwe\": -3, \"start_line\": -1}], \"verdict\": 7}",
            "{\"findings\": [{\"cwe\": 4294967296, \"line\": 18446744073709551615}]}",
        ] {
            let answer = parse(text);
            assert!(answer
                .findings
                .iter()
                .all(|f| f.lines.iter().all(|(s, e)| *s > 0 && s <= e)));
        }
    }

    #[test]
    fn a_clean_claim_is_not_an_other_or_conditional_one() {
        assert!(claims_no_defects(
            "No security defects are detected in the code"
        ));
        assert!(claims_no_defects(
            "I did not identify any direct security defects"
        ));
        assert!(!claims_no_defects("No other security defects were found"));
        assert!(!claims_no_defects(
            "vulnerabilities arise if not properly sanitized"
        ));
        assert!(!claims_no_defects(
            "several potential security defects can be identified"
        ));
    }
}
