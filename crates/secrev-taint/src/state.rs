//! The taint of every access path at one point of a function.

use crate::label::Taint;
use secrev_ir::CompactString;
use std::collections::BTreeMap;

/// Access paths (`name`, `obj.attr`, `table[key]`) and their taint. A path not in the map takes
/// the taint of its longest prefix that is (an element of a tainted list is tainted); a path
/// with no such prefix is not tracked here, and its value is looked up elsewhere (a source, a
/// module constant).
#[derive(Debug, Clone, Default)]
pub struct State {
    paths: BTreeMap<CompactString, Taint>,
}

/// The prefixes of an access path, longest first, ending at the root name.
fn prefixes(path: &str) -> impl Iterator<Item = &str> {
    let mut end = Some(path.len());
    std::iter::from_fn(move || {
        let current = end?;
        let prefix = &path[..current];
        end = prefix.rfind(['.', '[']);
        Some(prefix)
    })
}

impl State {
    /// The taint of `path`, if the state tracks it or one of its prefixes.
    pub fn get(&self, path: &str) -> Option<&Taint> {
        prefixes(path).find_map(|prefix| self.paths.get(prefix))
    }

    /// The taint of `path` itself, without looking at its prefixes.
    pub fn get_exact(&self, path: &str) -> Option<&Taint> {
        self.paths.get(path)
    }

    /// `path = taint`: replaces what `path` and everything read from it held. A weak store
    /// (an element under an unknown key) adds to it instead.
    pub fn set(&mut self, path: &str, taint: Taint, weak: bool) {
        if weak {
            let mut merged = self.get(path).cloned().unwrap_or_default();
            merged.union(&taint);
            self.paths.insert(CompactString::from(path), merged);
            return;
        }
        let stale: Vec<CompactString> = self
            .paths
            .range::<str, _>((std::ops::Bound::Excluded(path), std::ops::Bound::Unbounded))
            .take_while(|(key, _)| key.starts_with(path))
            .filter(|(key, _)| matches!(key.as_bytes().get(path.len()), Some(b'.' | b'[')))
            .map(|(key, _)| key.clone())
            .collect();
        for key in stale {
            self.paths.remove(&key);
        }
        self.paths.insert(CompactString::from(path), taint);
    }

    /// The state after two paths meet: a path is tainted if it is on either.
    pub fn join(&mut self, other: &State) {
        let keys: Vec<CompactString> = other
            .paths
            .keys()
            .filter(|k| !self.paths.contains_key(*k))
            .cloned()
            .collect();
        for (key, taint) in self.paths.iter_mut() {
            if let Some(theirs) = other.get(key) {
                taint.union(theirs);
            }
        }
        for key in keys {
            let mut taint = self.get(&key).cloned().unwrap_or_default();
            if let Some(theirs) = other.paths.get(&key) {
                taint.union(theirs);
            }
            self.paths.insert(key, taint);
        }
    }

    /// Whether two states have the same labels everywhere, traces aside.
    pub fn same(&self, other: &State) -> bool {
        self.paths.len() == other.paths.len()
            && self
                .paths
                .iter()
                .zip(&other.paths)
                .all(|((ka, a), (kb, b))| ka == kb && a.same(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_run_from_longest_to_root() {
        let all: Vec<&str> = prefixes("a.b[k].c").collect();
        assert_eq!(all, ["a.b[k].c", "a.b[k]", "a.b", "a"]);
    }
}
