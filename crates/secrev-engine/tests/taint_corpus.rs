//! Measures the taint rules (PY8xx) on the labelled corpus under `tests/taint/`: small web apps
//! and scripts in which every sink line carries `# expect: PY8xx` (untrusted data can reach it)
//! or `# ok: PY8xx` (it cannot). Each project directory (`tests/taint/<part>/<project>/`) is
//! scanned on its own, as a user would scan it.
//!
//! Per rule: TP = `expect` line reported, FN = `expect` line not reported, FP = `ok` line
//! reported or a finding on a line with no annotation for that rule, TN = `ok` line not
//! reported. The table is printed (`cargo test -p secrev-engine --test taint_corpus --
//! --nocapture`) and the test fails when the corpus shrinks below its size requirements, when a
//! rule finds nothing, or when the average TPR - FPR drops below 0.8.

use secrev_engine::{discover, scan, FileConfig};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Default, Clone, Copy)]
struct Score {
    tp: usize,
    fn_: usize,
    fp: usize,
    tn: usize,
}

impl Score {
    fn tpr(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    fn fpr(&self) -> f64 {
        ratio(self.fp, self.fp + self.tn)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/taint")
}

fn subdirectories(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// `(file, line)` -> rule ids, for one annotation marker.
type Labels = BTreeMap<(PathBuf, u32), BTreeSet<String>>;

fn read_labels(files: &[PathBuf], expect: &mut Labels, ok: &mut Labels) {
    for file in files {
        let source = std::fs::read_to_string(file).expect("corpus file is UTF-8");
        for (i, line) in source.lines().enumerate() {
            for (marker, labels) in [("# expect:", &mut *expect), ("# ok:", &mut *ok)] {
                if let Some(at) = line.find(marker) {
                    let ids = line[at + marker.len()..].split('#').next().unwrap_or("");
                    for id in ids.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                        labels
                            .entry((file.clone(), i as u32 + 1))
                            .or_default()
                            .insert(id.to_owned());
                    }
                }
            }
        }
    }
}

#[test]
fn taint_rules_on_the_labelled_corpus() {
    let settings = FileConfig {
        select: Some(vec!["PY8".to_owned()]),
        ..FileConfig::default()
    }
    .resolve(None)
    .expect("settings");
    let rules: BTreeMap<&str, &str> = settings
        .rules
        .iter()
        .filter_map(|r| r.hooks.taint.map(|t| (r.info.id, t.kind)))
        .collect();
    let mut expect = Labels::new();
    let mut ok = Labels::new();
    let mut reported: Labels = Labels::new();
    let mut messages: BTreeMap<(PathBuf, u32, String), String> = BTreeMap::new();
    for part in subdirectories(&corpus_root()) {
        for project in subdirectories(&part) {
            let found = discover(std::slice::from_ref(&project), &settings.exclude);
            read_labels(&found.files, &mut expect, &mut ok);
            let outcome = scan(&found.files, &settings, 0, &|| {});
            for finding in outcome.findings {
                let key = (PathBuf::from(&finding.path), finding.span.start.line);
                messages.insert(
                    (key.0.clone(), key.1, finding.rule_id.clone()),
                    finding.message.clone(),
                );
                reported.entry(key).or_default().insert(finding.rule_id);
            }
        }
    }

    let mut scores: BTreeMap<&str, Score> =
        rules.keys().map(|id| (*id, Score::default())).collect();
    let mut misses = Vec::new();
    let has = |labels: &Labels, key: &(PathBuf, u32), id: &str| {
        labels.get(key).is_some_and(|ids| ids.contains(id))
    };
    for (key, ids) in &expect {
        for id in ids {
            let Some(score) = scores.get_mut(id.as_str()) else {
                continue;
            };
            if has(&reported, key, id) {
                score.tp += 1;
            } else {
                score.fn_ += 1;
                misses.push(format!("FN {}:{} {id}", key.0.display(), key.1));
            }
        }
    }
    for (key, ids) in &ok {
        for id in ids {
            let Some(score) = scores.get_mut(id.as_str()) else {
                continue;
            };
            if has(&reported, key, id) {
                score.fp += 1;
                let message = messages
                    .get(&(key.0.clone(), key.1, id.clone()))
                    .cloned()
                    .unwrap_or_default();
                misses.push(format!("FP {}:{} {id}: {message}", key.0.display(), key.1));
            } else {
                score.tn += 1;
            }
        }
    }
    for (key, ids) in &reported {
        for id in ids {
            if !has(&expect, key, id) && !has(&ok, key, id) {
                if let Some(score) = scores.get_mut(id.as_str()) {
                    score.fp += 1;
                }
                let message = messages
                    .get(&(key.0.clone(), key.1, id.clone()))
                    .cloned()
                    .unwrap_or_default();
                misses.push(format!(
                    "FP (unlabelled) {}:{} {id}: {message}",
                    key.0.display(),
                    key.1
                ));
            }
        }
    }

    let mut table = String::from(
        "| rule | sink kind | TP | FN | FP | TN | TPR | FPR | TPR-FPR |\n|---|---|--:|--:|--:|--:|--:|--:|--:|\n",
    );
    let mut total = Score::default();
    let mut sum = 0.0;
    let mut failures = Vec::new();
    for (id, score) in &scores {
        let youden = score.tpr() - score.fpr();
        sum += youden;
        table.push_str(&format!(
            "| {id} | {} | {} | {} | {} | {} | {:.2} | {:.2} | {:.2} |\n",
            rules[id],
            score.tp,
            score.fn_,
            score.fp,
            score.tn,
            score.tpr(),
            score.fpr(),
            youden
        ));
        total.tp += score.tp;
        total.fn_ += score.fn_;
        total.fp += score.fp;
        total.tn += score.tn;
        if score.tp == 0 {
            failures.push(format!("{id}: no vulnerable case found"));
        }
        if score.fp + score.tn < score.tp + score.fn_ {
            failures.push(format!("{id}: fewer safe cases than vulnerable ones"));
        }
    }
    let average = sum / scores.len().max(1) as f64;
    table.push_str(&format!(
        "| all | | {} | {} | {} | {} | {:.2} | {:.2} | {:.2} (average of rules) |\n",
        total.tp,
        total.fn_,
        total.fp,
        total.tn,
        total.tpr(),
        total.fpr(),
        average
    ));
    println!("{table}");
    misses.sort();
    println!("{}", misses.join("\n"));
    let cases = total.tp + total.fn_ + total.fp + total.tn;
    if cases < 300 {
        failures.push(format!("only {cases} labelled cases; the corpus needs 300"));
    }
    if average < 0.8 {
        failures.push(format!("average TPR-FPR is {average:.2}, below 0.8"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
