//! Configuration: `secrev.toml` (or `.secrev.toml`), or `[tool.secrev]` in `pyproject.toml`,
//! found by walking up from the scanned path; command-line flags override it.

use globset::{Glob, GlobSet, GlobSetBuilder};
use secrev_core::{Confidence, Severity};
use secrev_rules::{registry, Rule};
use secrev_taint::Models;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The configuration file's keys (all optional).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FileConfig {
    /// Rule ids, names or id prefixes to run (`["PY1", "PY301"]`); default: every rule.
    pub select: Option<Vec<String>>,
    /// Rule ids, names or id prefixes not to run.
    pub ignore: Option<Vec<String>>,
    /// Glob patterns of paths not to scan.
    pub exclude: Option<Vec<String>>,
    /// Glob pattern → rules not reported in matching files.
    pub per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
    /// The lowest severity that makes the scan fail (exit 1).
    pub fail_on: Option<Severity>,
    /// Findings below this confidence are not reported.
    pub min_confidence: Option<Confidence>,
    /// Honour Bandit's `# nosec` comments.
    pub respect_nosec: Option<bool>,
    /// Files larger than this many bytes are skipped.
    pub max_file_size: Option<u64>,
    /// Extra taint model files (sources, sinks, sanitizers), relative to the config file.
    pub taint_models: Option<Vec<String>>,
    /// The `[llm]` section, read by `secrev-llm` (only when `--llm` asks for it).
    pub llm: Option<toml::Table>,
}

/// A configuration problem: always fatal (exit 2).
#[derive(Debug)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Resolved settings for one scan.
pub struct Settings {
    pub rules: Vec<&'static Rule>,
    pub exclude: GlobSet,
    pub per_file_ignores: Vec<(GlobSet, BTreeSet<&'static str>)>,
    pub fail_on: Severity,
    pub min_confidence: Confidence,
    pub respect_nosec: bool,
    pub max_file_size: u64,
    /// The taint models: secrev's own and the user's.
    pub models: Arc<Models>,
    /// The configuration file that was read, if any.
    pub config_path: Option<PathBuf>,
    /// The configuration file's `[llm]` section, unread: the LLM layer interprets it.
    pub llm: Option<toml::Table>,
}

const DEFAULT_MAX_FILE_SIZE: u64 = 20 * 1024 * 1024;

impl FileConfig {
    /// Reads a configuration file; `pyproject.toml` contributes its `[tool.secrev]` table.
    pub fn load(path: &Path) -> Result<FileConfig, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("cannot read config file {}: {e}", path.display())))?;
        let invalid = |e: toml::de::Error| {
            ConfigError(format!("invalid config file {}: {e}", path.display()))
        };
        if path.file_name().is_some_and(|n| n == "pyproject.toml") {
            let doc: toml::Table = toml::from_str(&text).map_err(invalid)?;
            match doc.get("tool").and_then(|t| t.get("secrev")) {
                Some(table) => table.clone().try_into().map_err(invalid),
                None => Ok(FileConfig::default()),
            }
        } else {
            toml::from_str(&text).map_err(invalid)
        }
    }

    /// Finds the nearest configuration file at or above `start`.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = std::fs::canonicalize(start).ok()?;
        let mut dir = if start.is_dir() {
            Some(start.as_path())
        } else {
            start.parent()
        };
        while let Some(d) = dir {
            for name in ["secrev.toml", ".secrev.toml"] {
                let candidate = d.join(name);
                if candidate.is_file() {
                    return Some(candidate);
                }
            }
            let pyproject = d.join("pyproject.toml");
            if pyproject.is_file()
                && std::fs::read_to_string(&pyproject).is_ok_and(|t| t.contains("[tool.secrev"))
            {
                return Some(pyproject);
            }
            dir = d.parent();
        }
        None
    }

    /// Layers `overrides` (from the command line) on top of `self`.
    pub fn merge(mut self, overrides: FileConfig) -> FileConfig {
        macro_rules! take {
            ($($field:ident),*) => { $( if overrides.$field.is_some() { self.$field = overrides.$field; } )* };
        }
        take!(
            select,
            fail_on,
            min_confidence,
            respect_nosec,
            max_file_size
        );
        for (mine, theirs) in [
            (&mut self.ignore, overrides.ignore),
            (&mut self.exclude, overrides.exclude),
        ] {
            if let Some(theirs) = theirs {
                mine.get_or_insert_with(Vec::new).extend(theirs);
            }
        }
        self
    }

    /// Resolves rule selectors and globs.
    pub fn resolve(self, config_path: Option<PathBuf>) -> Result<Settings, ConfigError> {
        let all = registry::all();
        let selected: BTreeSet<&'static str> = match &self.select {
            Some(selectors) => select(&all, selectors, Prefixes::SkipOptIn)?,
            None => all
                .iter()
                .filter(|r| !registry::is_opt_in(r))
                .map(|r| r.info.id)
                .collect(),
        };
        let ignored = select(
            &all,
            self.ignore.as_deref().unwrap_or_default(),
            Prefixes::All,
        )?;
        let rules: Vec<&'static Rule> = all
            .into_iter()
            .filter(|r| selected.contains(r.info.id) && !ignored.contains(r.info.id))
            .collect();
        // Sources whose data no selected taint rule reports are not followed at all.
        let kinds = rules
            .iter()
            .filter_map(|r| r.hooks.taint)
            .filter_map(|spec| secrev_taint::kinds::kind(spec.kind))
            .fold(0, |set, kind| set | (1 << kind));
        let exclude = globs(self.exclude.as_deref().unwrap_or_default())?;
        let mut per_file_ignores = Vec::new();
        for (pattern, selectors) in self.per_file_ignores.unwrap_or_default() {
            per_file_ignores.push((
                globs(&[pattern])?,
                select(&registry::all(), &selectors, Prefixes::All)?,
            ));
        }
        Ok(Settings {
            rules,
            exclude,
            per_file_ignores,
            fail_on: self.fail_on.unwrap_or(Severity::Low),
            min_confidence: self.min_confidence.unwrap_or(Confidence::Low),
            respect_nosec: self.respect_nosec.unwrap_or(false),
            max_file_size: self.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
            models: Arc::new({
                let mut models = load_models(
                    self.taint_models.as_deref().unwrap_or_default(),
                    config_path.as_deref(),
                )?;
                models.restrict_to(kinds);
                models
            }),
            config_path,
            llm: self.llm,
        })
    }
}

/// secrev's taint models plus the user's files, found relative to the config file.
fn load_models(paths: &[String], config_path: Option<&Path>) -> Result<Models, ConfigError> {
    let mut models = Models::builtin().map_err(ConfigError)?;
    let base = config_path.and_then(Path::parent).unwrap_or(Path::new(""));
    for path in paths {
        models.add_file(&base.join(path)).map_err(ConfigError)?;
    }
    Ok(models)
}

/// Whether an id prefix covers opt-in rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prefixes {
    /// Selecting: `PY1` turns on the PY1xx rules that run by default; opt-in rules need their
    /// exact id or name.
    SkipOptIn,
    /// Ignoring: `PY1` turns off every PY1xx rule.
    All,
}

/// Rule ids matching selectors: an exact id or name, an id prefix (`PY1`), or `ALL`.
fn select(
    all: &[&'static Rule],
    selectors: &[String],
    prefixes: Prefixes,
) -> Result<BTreeSet<&'static str>, ConfigError> {
    let mut ids = BTreeSet::new();
    for selector in selectors {
        let selector = selector.trim();
        // An empty selector would match every id as a prefix: `--ignore PY101,` would turn off
        // every rule.
        if selector.is_empty() {
            return Err(ConfigError(
                "empty rule selector (a stray comma in a rule list?)".to_owned(),
            ));
        }
        let matched: Vec<&'static str> = all
            .iter()
            .filter(|r| {
                let exact = r.info.name == selector || r.info.id.eq_ignore_ascii_case(selector);
                let prefix = r
                    .info
                    .id
                    .to_ascii_uppercase()
                    .starts_with(&selector.to_ascii_uppercase())
                    && (prefixes == Prefixes::All || !registry::is_opt_in(r));
                exact || prefix || selector.eq_ignore_ascii_case("ALL")
            })
            .map(|r| r.info.id)
            .collect();
        if matched.is_empty() {
            return Err(ConfigError(format!(
                "unknown rule selector `{selector}` (see `secrev rules` for the rule ids)"
            )));
        }
        ids.extend(matched);
    }
    Ok(ids)
}

fn globs(patterns: &[String]) -> Result<GlobSet, ConfigError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern)
            .map_err(|e| ConfigError(format!("invalid glob `{pattern}`: {e}")))?;
        builder.add(glob);
        // A bare directory or file name matches it anywhere in the tree.
        if !pattern.contains('/') {
            let anywhere = format!("**/{pattern}");
            if let Ok(glob) = Glob::new(&anywhere) {
                builder.add(glob);
            }
        }
    }
    builder
        .build()
        .map_err(|e| ConfigError(format!("invalid globs: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_selector_is_an_error() {
        let config = FileConfig {
            select: Some(vec!["NOPE999".into()]),
            ..FileConfig::default()
        };
        assert!(config.resolve(None).is_err());
    }

    #[test]
    fn empty_selector_is_an_error_not_every_rule() {
        for (select, ignore) in [
            (None, vec!["PY101".into(), String::new()]),
            (Some(vec!["  ".into()]), vec![]),
        ] {
            let config = FileConfig {
                select,
                ignore: Some(ignore),
                ..FileConfig::default()
            };
            assert!(config.resolve(None).is_err());
        }
    }

    #[test]
    fn prefixes_select_groups_and_ignore_removes() {
        let config = FileConfig {
            select: Some(vec!["PY1".into()]),
            ignore: Some(vec!["PY101".into()]),
            ..FileConfig::default()
        };
        let settings = config.resolve(None).expect("valid");
        assert!(settings
            .rules
            .iter()
            .all(|r| r.info.id.starts_with("PY1") && r.info.id != "PY101"));
    }

    #[test]
    fn pyproject_without_table_is_empty_and_bad_keys_fail() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pyproject = dir.path().join("pyproject.toml");
        std::fs::write(&pyproject, "[project]\nname = 'x'\n").expect("write");
        assert!(FileConfig::load(&pyproject)
            .expect("loads")
            .select
            .is_none());
        std::fs::write(&pyproject, "[tool.secrev]\nselct = ['PY1']\n").expect("write");
        assert!(FileConfig::load(&pyproject).is_err());
        let toml = dir.path().join("secrev.toml");
        std::fs::write(&toml, "fail-on = \"high\"\nmin-confidence = \"medium\"\n").expect("write");
        let config = FileConfig::load(&toml).expect("loads");
        assert_eq!(config.fail_on, Some(Severity::High));
        std::fs::write(&toml, "fail-on = [").expect("write");
        assert!(FileConfig::load(&toml).is_err());
    }

    #[test]
    fn opt_in_rules_need_their_exact_id() {
        let defaults = FileConfig::default().resolve(None).expect("valid");
        assert!(defaults.rules.iter().all(|r| !registry::is_opt_in(r)));
        let by_prefix = FileConfig {
            select: Some(vec!["PY1".into()]),
            ..FileConfig::default()
        };
        let by_prefix = by_prefix.resolve(None).expect("valid");
        assert!(by_prefix.rules.iter().all(|r| !registry::is_opt_in(r)));
        let exact = FileConfig {
            select: Some(vec!["PY105".into()]),
            ..FileConfig::default()
        };
        let exact = exact.resolve(None).expect("valid");
        assert_eq!(
            exact.rules.iter().map(|r| r.info.id).collect::<Vec<_>>(),
            ["PY105"]
        );
    }
}
