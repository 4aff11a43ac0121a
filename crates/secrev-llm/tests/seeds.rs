//! The five seed documents (`tests/data/seeds/`) are real free-form answers of a large language
//! model asked to review OpenStack Neutron code for security defects. Each must parse into its
//! findings — CWE ids and cited line ranges, item by item — and its verdict, hedged or not.

use secrev_llm::answer::{parse, Answer, Verdict};

fn seed(name: &str) -> Answer {
    let path = format!("{}/tests/data/seeds/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse(&text)
}

/// A parsed item: its CWE ids, cited line ranges, and whether it is hedged.
type Item = (Vec<u32>, Vec<(u32, u32)>, bool);

fn items(answer: &Answer) -> Vec<Item> {
    answer
        .findings
        .iter()
        .map(|f| (f.cwes.clone(), f.lines.clone(), f.hedged))
        .collect()
}

#[test]
fn seed_000_no_direct_defects_but_concerns_on_lines() {
    let answer = seed("000_dc43ce18fcf5e37b.txt");
    assert!(!answer.structured);
    assert_eq!(answer.verdict, Verdict::NoDefects);
    assert!(answer.hedged, "concerns cite lines 318 and 321");
    // The three analysis items; the recommendations section is advice, not findings.
    assert_eq!(
        items(&answer),
        vec![
            (vec![], vec![(318, 318)], true),
            (vec![], vec![(321, 321)], true),
            (vec![], vec![], true),
        ]
    );
    assert_eq!(
        answer.findings[1].title,
        "Potential Information Disclosure in Logging"
    );
    assert_eq!(
        answer.findings[2].code_words,
        ["ip_lib", "iptables_manager"]
    );
}

#[test]
fn seed_001_no_defects_with_a_checklist_of_cwes() {
    let answer = seed("001_111e2695675f9789.txt");
    assert_eq!(answer.verdict, Verdict::NoDefects);
    assert!(!answer.hedged, "no concern is tied to a line");
    assert_eq!(
        items(&answer),
        vec![
            (vec![20], vec![], false),
            (vec![404, 770], vec![], true),
            (vec![703], vec![], false),
            (vec![94], vec![], true),
            (vec![362], vec![], true),
            (vec![], vec![], false),
        ]
    );
}

#[test]
fn seed_002_six_cwe_findings_with_line_ranges() {
    let answer = seed("002_ead02fb96a587353.txt");
    assert_eq!(answer.verdict, Verdict::Defects);
    assert!(answer.hedged, "the findings are 'potential' ones");
    assert_eq!(
        items(&answer),
        vec![
            (
                vec![664],
                vec![
                    (48, 48),
                    (61, 61),
                    (68, 68),
                    (211, 211),
                    (221, 221),
                    (253, 253)
                ],
                true
            ),
            (vec![691], vec![(318, 322)], false),
            (vec![707], vec![(200, 200), (346, 346), (347, 347)], true),
            (vec![703], vec![(318, 322)], true),
            (vec![284], vec![], false),
            (vec![682], vec![(206, 217), (348, 355)], true),
        ]
    );
    // The closing "No direct examples of CWE-435, CWE-693, ..." names no finding.
    assert!(answer.findings.iter().all(|f| !f.cwes.contains(&435)));
    assert!(answer.findings[1].fix.starts_with("Enhance error handling"));
}

#[test]
fn seed_003_no_direct_defects_but_line_ranges() {
    let answer = seed("003_f26849b073544023.txt");
    assert_eq!(answer.verdict, Verdict::NoDefects);
    assert!(answer.hedged);
    assert_eq!(
        items(&answer),
        vec![
            (vec![], vec![(322, 328)], true),
            (vec![], vec![], false),
            (vec![], vec![(49, 56), (58, 68), (79, 91), (92, 96)], true),
            (vec![], vec![(87, 90), (138, 139), (261, 265)], true),
            (vec![], vec![], true),
        ]
    );
}

#[test]
fn seed_004_plain_no_defects() {
    let answer = seed("004_d247664269d78412.txt");
    assert_eq!(answer.verdict, Verdict::NoDefects);
    assert!(!answer.hedged);
    assert_eq!(answer.findings.len(), 5);
    assert!(answer
        .findings
        .iter()
        .all(|f| f.cwes.is_empty() && f.lines.is_empty()));
}
