//! Runs every rule over every fixture under `tests/fixtures/python/` and `tests/fixtures/c/`
//! (`.c` files as C, `.cpp` files as C++) and compares the findings with the annotations written
//! on the lines they concern (`#` comments in Python, `//` comments in C and C++):
//!
//! - `# expect: PY101` — this line must carry a PY101 finding (several ids: `PY101, PY102`;
//!   `PY101:low` also pins the severity);
//! - `# ok: PY101` — this line must not carry a PY101 finding (a negative example);
//! - `# then: PY901` — this line is the other end of a PY901 finding (the use after a check, the
//!   `return` that leaves a lock held): one of the finding's related locations.
//!
//! Any finding on a line without a matching `expect` fails the test, as does any `expect` without
//! a finding; the same holds for related locations and `then`. Every rule must have at least one `expect` and one `ok` somewhere (taint rules,
//! which need whole projects, have theirs in the corpus under `tests/taint/`).

use secrev_core::LineIndex;
use secrev_ir::Language;
use secrev_rules::helpers::module_name;
use secrev_rules::{authorizing_functions, authz_summary, check_unit, registry, AuthzIndex};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
struct Expectations {
    /// line -> (rule id -> pinned severity)
    expect: BTreeMap<u32, BTreeMap<String, Option<String>>>,
    ok: BTreeMap<u32, BTreeSet<String>>,
    then: BTreeMap<u32, BTreeSet<String>>,
}

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// The language of a fixture, by extension.
fn fixture_language(path: &Path) -> Option<Language> {
    match path.extension()?.to_str()? {
        "py" => Some(Language::Python),
        "c" => Some(Language::C),
        "cpp" => Some(Language::Cpp),
        _ => None,
    }
}

fn fixture_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            fixture_files(&path, out);
        } else if fixture_language(&path).is_some() {
            out.push(path);
        }
    }
}

fn annotation<'s>(line: &'s str, marker: &str, comment: &str) -> Option<&'s str> {
    let at = line.find(&format!("{comment} {marker}"))?;
    let rest = &line[at + comment.len() + 1 + marker.len()..];
    Some(rest.split(comment).next().unwrap_or(rest))
}

fn parse_expectations(source: &str, comment: &str) -> Expectations {
    let mut expectations = Expectations::default();
    for (i, line) in source.lines().enumerate() {
        let number = i as u32 + 1;
        if let Some(ids) = annotation(line, "expect:", comment) {
            for item in ids.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let (id, severity) = match item.split_once(':') {
                    Some((id, severity)) => (id.trim(), Some(severity.trim().to_owned())),
                    None => (item, None),
                };
                expectations
                    .expect
                    .entry(number)
                    .or_default()
                    .insert(id.to_owned(), severity);
            }
        }
        for (marker, set) in [
            ("ok:", &mut expectations.ok),
            ("then:", &mut expectations.then),
        ] {
            if let Some(ids) = annotation(line, marker, comment) {
                let ids = ids.split(',').map(str::trim).filter(|s| !s.is_empty());
                set.entry(number)
                    .or_default()
                    .extend(ids.map(str::to_owned));
            }
        }
    }
    expectations
}

#[test]
fn every_fixture_matches_its_annotations() {
    let rules = registry::all();
    let known: BTreeSet<&str> = rules.iter().map(|r| r.info.id).collect();
    let mut files = Vec::new();
    fixture_files(&fixtures_root(), &mut files);
    assert!(!files.is_empty(), "no fixtures found");

    let mut failures = Vec::new();
    let mut positives: BTreeSet<String> = BTreeSet::new();
    let mut negatives: BTreeSet<String> = BTreeSet::new();
    let lowered_files: Vec<(String, String, Language, secrev_ir::Unit, Vec<String>)> = files
        .iter()
        .map(|file| {
            let source = std::fs::read_to_string(file).expect("fixture is UTF-8");
            let language = fixture_language(file).expect("fixture language");
            let (unit, syntax_errors) = match language {
                Language::Python => {
                    let lowered = secrev_python::lower(&source);
                    (lowered.unit, lowered.syntax_errors)
                }
                c_family => {
                    let lowered = secrev_cpp::lower(&source, c_family);
                    (lowered.unit, lowered.syntax_errors)
                }
            };
            let syntax_errors = syntax_errors.iter().map(|e| format!("{e:?}")).collect();
            let shown = file
                .strip_prefix(fixtures_root())
                .unwrap_or(file)
                .display()
                .to_string();
            (shown, source, language, unit, syntax_errors)
        })
        .collect();
    // Hits that depend on calls into other files are settled by the index of every fixture, as
    // the engine settles them by the index of every scanned file; a file's authorizing
    // functions are learned from the fixture already lowered.
    let learn = |file: &Path| {
        lowered_files
            .iter()
            .find(|(shown, ..)| Path::new(shown) == file)
            .map(|(_, _, _, unit, _)| authorizing_functions(unit))
    };
    let project = AuthzIndex::new(
        lowered_files
            .iter()
            .filter(|(_, _, language, _, _)| *language == Language::Python)
            .map(|(shown, _, _, unit, _)| {
                authz_summary(unit, &module_name(shown), shown, Path::new(shown))
            }),
        &learn,
    );
    for (shown, source, language, unit, syntax_errors) in &lowered_files {
        let (shown, source) = (shown.as_str(), source.as_str());
        let index = LineIndex::new(source);
        let comment = if *language == Language::Python {
            "#"
        } else {
            "//"
        };
        if !syntax_errors.is_empty() {
            failures.push(format!("{shown}: syntax errors {syntax_errors:?}"));
        }
        let expectations = parse_expectations(source, comment);
        for ids in expectations.expect.values() {
            for id in ids.keys() {
                if !known.contains(id.as_str()) {
                    failures.push(format!("{shown}: annotation names unknown rule {id}"));
                }
                positives.insert(id.clone());
            }
        }
        for ids in expectations.ok.values() {
            negatives.extend(ids.iter().cloned());
        }

        let mut hits = check_unit(&rules, unit, source, shown);
        hits.retain(|h| h.hit.delegated.as_ref().is_none_or(|d| !project.settles(d)));
        let mut found: BTreeMap<u32, BTreeMap<String, String>> = BTreeMap::new();
        let mut related: BTreeMap<u32, BTreeSet<String>> = BTreeMap::new();
        for hit in &hits {
            for (span, _) in &hit.hit.related {
                related
                    .entry(index.resolve(source, *span).start.line)
                    .or_default()
                    .insert(hit.rule.info.id.to_owned());
            }
            let severity = hit.hit.severity.unwrap_or(hit.rule.info.severity);
            found
                .entry(index.resolve(source, hit.hit.span).start.line)
                .or_default()
                .insert(hit.rule.info.id.to_owned(), severity.to_string());
        }
        for (line, ids) in &found {
            for (id, severity) in ids {
                match expectations.expect.get(line).and_then(|e| e.get(id)) {
                    None => failures.push(format!(
                        "{shown}:{line}: unexpected {id} finding: {}",
                        hits.iter()
                            .find(|h| index.resolve(source, h.hit.span).start.line == *line
                                && h.rule.info.id == id)
                            .map_or(String::new(), |h| h.hit.message.clone())
                    )),
                    Some(Some(pinned)) if pinned != severity => failures.push(format!(
                        "{shown}:{line}: {id} has severity {severity}, annotation says {pinned}"
                    )),
                    Some(_) => {}
                }
            }
        }
        for (line, ids) in &expectations.expect {
            for id in ids.keys() {
                if !found.get(line).is_some_and(|f| f.contains_key(id)) {
                    failures.push(format!("{shown}:{line}: missing {id} finding"));
                }
            }
        }
        for (line, ids) in &related {
            for id in ids {
                if !expectations.then.get(line).is_some_and(|t| t.contains(id)) {
                    failures.push(format!(
                        "{shown}:{line}: unexpected other end of a {id} finding"
                    ));
                }
            }
        }
        for (line, ids) in &expectations.then {
            for id in ids {
                if !related.get(line).is_some_and(|r| r.contains(id)) {
                    failures.push(format!(
                        "{shown}:{line}: no {id} finding has its other end here"
                    ));
                }
            }
        }
        for (line, ids) in &expectations.ok {
            for id in ids {
                if found.get(line).is_some_and(|f| f.contains_key(id)) {
                    failures.push(format!("{shown}:{line}: {id} fired on a line marked ok"));
                }
            }
        }
    }
    // Taint rules are measured on the labelled corpus under `tests/taint/` (secrev-engine).
    for rule in rules.iter().filter(|r| r.hooks.taint.is_none()) {
        if !positives.contains(rule.info.id) {
            failures.push(format!("{}: no `# expect:` fixture", rule.info.id));
        }
        if !negatives.contains(rule.info.id) {
            failures.push(format!("{}: no `# ok:` fixture", rule.info.id));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
