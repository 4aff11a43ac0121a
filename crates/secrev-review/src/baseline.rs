//! Baselines: the findings a project has accepted for now, so that a scan reports only what is
//! new. Entries are keyed by path and fingerprint (rule, enclosing function, normalised source
//! line), so they survive lines moving; identical findings in one file are counted, so a second
//! copy of an accepted defect is still reported.

use secrev_core::Finding;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The format version this build writes and reads.
const VERSION: u32 = 1;

/// A baseline file.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// Accepted findings of one kind at one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub fingerprint: String,
    /// For people reading the file: the rule and the first line it was seen on.
    pub rule_id: String,
    pub line: u32,
    /// How many identical findings the file had.
    pub count: u32,
}

impl Baseline {
    /// The baseline accepting `findings`.
    pub fn of(findings: &[Finding]) -> Baseline {
        let mut entries: BTreeMap<(&str, &str), Entry> = BTreeMap::new();
        for f in findings {
            entries
                .entry((&f.path, &f.fingerprint))
                .and_modify(|e| e.count += 1)
                .or_insert_with(|| Entry {
                    path: f.path.clone(),
                    fingerprint: f.fingerprint.clone(),
                    rule_id: f.rule_id.clone(),
                    line: f.span.start.line,
                    count: 1,
                });
        }
        Baseline {
            version: VERSION,
            findings: entries.into_values().collect(),
        }
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        let baseline: Baseline = serde_json::from_str(&text)
            .map_err(|e| format!("baseline {} is not valid: {e}", path.display()))?;
        if baseline.version != VERSION {
            return Err(format!(
                "baseline {} has version {}; this secrev reads version {VERSION}",
                path.display(),
                baseline.version
            ));
        }
        Ok(baseline)
    }

    /// Writes the baseline as pretty JSON.
    pub fn write(&self, path: &Path) -> Result<(), String> {
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| format!("cannot encode the baseline: {e}"))?;
        text.push('\n');
        std::fs::write(path, text)
            .map_err(|e| format!("cannot write baseline {}: {e}", path.display()))
    }

    /// The findings not accepted by the baseline, and how many were. Of identical findings in a
    /// file, the first ones (in report order) are the accepted ones.
    pub fn filter(&self, findings: Vec<Finding>) -> (Vec<Finding>, usize) {
        let mut left: BTreeMap<(String, String), u32> = self
            .findings
            .iter()
            .map(|e| ((e.path.clone(), e.fingerprint.clone()), e.count))
            .collect();
        let mut accepted = 0;
        let mut kept = Vec::new();
        for f in findings {
            let key = (f.path.clone(), f.fingerprint.clone());
            match left.get_mut(&key) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    accepted += 1;
                }
                _ => kept.push(f),
            }
        }
        (kept, accepted)
    }
}
