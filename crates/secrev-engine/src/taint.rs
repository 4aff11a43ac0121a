//! Runs the taint engine over every scanned file at once and turns what it finds into
//! findings of the taint rules (PY801...), with the data's path as the finding's trace.

use crate::config::Settings;
use crate::snapshot::Snapshot;
use crate::suppress::suppresses;
use rayon::prelude::*;
use secrev_core::fingerprint;
use secrev_core::{
    ByteSpan, Confidence, Finding, LineIndex, RelatedLocation, Severity, Span, TraceStep,
};
use secrev_ir::Unit;
use secrev_rules::helpers::is_test_path;
use secrev_rules::{Rule, TaintSpec};
use secrev_taint::{kinds, Hit, ProjectFile, Threat, APPROXIMATE};
use std::cell::OnceCell;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(crate) use secrev_rules::helpers::module_name;

/// One scanned file, kept for the project-wide taint analysis.
pub(crate) struct TaintInput {
    pub shown: String,
    pub source: String,
    pub unit: Arc<Unit>,
}

/// A scanned file that reads no source: kept out of memory unless the files that do read
/// sources call into it (it is imported by one) or call a function of theirs that returns
/// source data (it imports one).
pub(crate) struct LightFile {
    pub path: PathBuf,
    pub shown: String,
    pub imports: Vec<String>,
}

/// How the taint analysis keeps a scanned file.
pub(crate) enum TaintFile {
    Loaded(TaintInput),
    Light(LightFile),
}

impl TaintFile {
    /// Keeps a lowered file: whole when it reads sources, else by its imports only.
    pub(crate) fn keep(
        path: &Path,
        shown: String,
        source: &str,
        mut unit: Unit,
        settings: &Settings,
    ) -> TaintFile {
        let test = secrev_taint::is_test_module(&module_name(&shown));
        if settings.models.has_sources_in(&unit, test) {
            // The taint analysis reads the control-flow graphs; the ops the rules read are
            // dropped to keep many files in memory at once.
            for function in &mut unit.functions {
                function.ops = Vec::new();
            }
            TaintFile::Loaded(TaintInput {
                shown,
                source: source.to_owned(),
                unit: Arc::new(unit),
            })
        } else {
            TaintFile::Light(LightFile {
                path: path.to_owned(),
                shown,
                imports: unit.imports.into_iter().map(|i| i.qualname).collect(),
            })
        }
    }
}

/// The text of a file scanned earlier, read again; `None` if it can no longer be read or is no
/// longer a text file within the size limit.
pub(crate) fn read_again(
    path: &Path,
    snapshot: &dyn Snapshot,
    settings: &Settings,
) -> Option<String> {
    let bytes = snapshot.read(path).ok()?;
    if bytes.len() as u64 > settings.max_file_size || bytes[..bytes.len().min(8192)].contains(&0) {
        return None;
    }
    let text = String::from_utf8_lossy(&bytes);
    Some(text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned())
}

/// Lowers a file again for the taint analysis; `None` if it can no longer be read.
fn load(light: &LightFile, snapshot: &dyn Snapshot, settings: &Settings) -> Option<TaintInput> {
    let source = read_again(&light.path, snapshot, settings)?;
    let mut unit = secrev_python::lower(&source).unit;
    for function in &mut unit.functions {
        function.ops = Vec::new();
    }
    Some(TaintInput {
        shown: light.shown.clone(),
        source,
        unit: Arc::new(unit),
    })
}

/// Whether `module` is the dotted name `name` or a package path ending in it (`proj.app.db` is
/// `app.db`).
fn is_module(module: &str, name: &str) -> bool {
    module == name
        || module
            .strip_suffix(name)
            .is_some_and(|rest| rest.ends_with('.'))
}

/// Whether an import names module `module` or something inside it (`app.db.find_user` names
/// `app.db`; `.helpers.run` names `pkg.helpers`), matching by trailing package names.
fn names_module(import: &str, module: &str) -> bool {
    let import = import.trim_start_matches('.');
    let mut end = import.len();
    loop {
        let prefix = &import[..end];
        if is_module(module, prefix) {
            return true;
        }
        match prefix.rfind('.') {
            Some(dot) => end = dot,
            None => return false,
        }
    }
}

/// Loads the light files `wanted` (in parallel) and moves them to `loaded`; returns how many.
fn load_into(
    wanted: &BTreeSet<usize>,
    light: &mut [Option<LightFile>],
    loaded: &mut Vec<TaintInput>,
    snapshot: &dyn Snapshot,
    settings: &Settings,
) -> usize {
    let taken: Vec<LightFile> = wanted.iter().filter_map(|&i| light[i].take()).collect();
    let inputs: Vec<TaintInput> = taken
        .par_iter()
        .filter_map(|l| load(l, snapshot, settings))
        .collect();
    let count = inputs.len();
    loaded.extend(inputs);
    count
}

/// The light files by the last name of their module, for finding the modules an import names.
struct ModuleIndex {
    modules: Vec<String>,
    by_last: HashMap<String, Vec<usize>>,
}

impl ModuleIndex {
    fn new(light: &[Option<LightFile>]) -> ModuleIndex {
        let modules: Vec<String> = light
            .iter()
            .map(|l| l.as_ref().map_or(String::new(), |l| module_name(&l.shown)))
            .collect();
        let mut by_last: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, module) in modules.iter().enumerate() {
            if let Some(last) = module.rsplit('.').next().filter(|l| !l.is_empty()) {
                by_last.entry(last.to_owned()).or_default().push(i);
            }
        }
        ModuleIndex { modules, by_last }
    }

    /// The light files whose module an import names.
    fn named_by<'s>(&'s self, import: &'s str) -> impl Iterator<Item = usize> + 's {
        let import = import.trim_start_matches('.');
        import
            .match_indices('.')
            .map(|(at, _)| at)
            .chain(std::iter::once(import.len()))
            .flat_map(move |end| {
                let prefix = &import[..end];
                let last = prefix.rsplit('.').next().unwrap_or(prefix);
                self.by_last
                    .get(last)
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(move |&i| is_module(&self.modules[i], prefix))
            })
    }
}

/// The selected rules that report taint, with what they report.
pub(crate) fn taint_rules(settings: &Settings) -> Vec<(&'static Rule, &'static TaintSpec)> {
    settings
        .rules
        .iter()
        .filter_map(|rule| rule.hooks.taint.map(|spec| (*rule, spec)))
        .collect()
}

/// Rounds of bringing more files into the taint analysis: each follows calls one file further.
const MAX_LOAD_ROUNDS: usize = 8;

/// Findings of the taint rules over the scanned files. The files that read sources are
/// analysed first; then, round by round, the files defining functions they call and the files
/// calling their functions that return source data join, until no more files join.
pub(crate) fn taint_findings(
    files: Vec<TaintFile>,
    snapshot: &dyn Snapshot,
    settings: &Settings,
) -> TaintFindings {
    let rules = taint_rules(settings);
    let mut loaded = Vec::new();
    let mut light = Vec::new();
    for file in files {
        match file {
            TaintFile::Loaded(input) => loaded.push(input),
            TaintFile::Light(file) => light.push(Some(file)),
        }
    }
    if loaded.is_empty() {
        return TaintFindings::default();
    }
    let index = ModuleIndex::new(&light);
    let mut rounds = 0;
    let project_of = |loaded: &[TaintInput]| -> Vec<ProjectFile> {
        loaded
            .iter()
            .map(|input| ProjectFile {
                module: module_name(&input.shown),
                unit: input.unit.clone(),
            })
            .collect()
    };
    let outcome = loop {
        // Grow the project along calls first (resolution only), then analyse it once.
        for _ in 0..MAX_LOAD_ROUNDS {
            let called = secrev_taint::reachable_unresolved(&settings.models, &project_of(&loaded));
            let wanted: BTreeSet<usize> = called
                .iter()
                .flat_map(|name| index.named_by(name))
                .filter(|&i| light[i].is_some())
                .collect();
            if load_into(&wanted, &mut light, &mut loaded, snapshot, settings) == 0 {
                break;
            }
        }
        let project = project_of(&loaded);
        let outcome = secrev_taint::analyze(&settings.models, &project);
        rounds += 1;
        if rounds > MAX_LOAD_ROUNDS {
            break outcome;
        }
        // Files defining functions the analysed code calls...
        let mut wanted: BTreeSet<usize> = outcome
            .unresolved_calls
            .iter()
            .flat_map(|name| index.named_by(name))
            .filter(|&i| light[i].is_some())
            .collect();
        // ...and files calling functions that return source data.
        let returning: Vec<String> = outcome
            .returns_sources
            .iter()
            .map(|&i| module_name(&loaded[i].shown))
            .filter(|m| !m.is_empty())
            .collect();
        if !returning.is_empty() {
            wanted.extend(light.iter().enumerate().filter_map(|(i, l)| {
                l.as_ref()?
                    .imports
                    .iter()
                    .any(|import| returning.iter().any(|m| names_module(import, m)))
                    .then_some(i)
            }));
        }
        if load_into(&wanted, &mut light, &mut loaded, snapshot, settings) == 0 {
            break outcome;
        }
    };
    let inputs = loaded.as_slice();
    let files = Files {
        inputs,
        indexes: inputs.iter().map(|_| OnceCell::new()).collect(),
    };
    let findings = outcome
        .hits
        .iter()
        .filter_map(|hit| {
            let kind = kinds::kind_name(hit.kind);
            let (rule, spec) = rules.iter().find(|(_, spec)| spec.kind == kind)?;
            to_finding(hit, rule, spec, &files, settings)
        })
        .collect();
    let covered = outcome
        .covered
        .iter()
        .filter_map(|&(file, span)| {
            let (path, span) = files.resolve(file as u32, span)?;
            Some((path.to_owned(), span.start.line, span.end.line))
        })
        .collect();
    TaintFindings { findings, covered }
}

/// What the taint analysis reports to the scan.
#[derive(Default)]
pub(crate) struct TaintFindings {
    pub findings: Vec<Finding>,
    /// Functions (path, first and last line) whose data flow the analysis followed.
    pub covered: Vec<(String, u32, u32)>,
}

impl TaintFindings {
    /// Whether a pattern rule's finding is settled by the taint analysis: the rule has a taint
    /// counterpart and the finding lies in a function the analysis followed (there it reports
    /// what is reachable, and a guess from the pattern is only noise), or a taint finding
    /// reports the same weakness on the same line.
    pub(crate) fn settles(&self, finding: &Finding) -> bool {
        let covered = secrev_rules::registry::superseded_by_taint(&finding.rule_id)
            && self.covered.iter().any(|(path, first, last)| {
                *path == finding.path && (*first..=*last).contains(&finding.span.start.line)
            });
        // A taint finding of the same weakness on the same line says the same with evidence.
        let repeated = self.findings.iter().any(|t| {
            t.cwe == finding.cwe
                && t.path == finding.path
                && t.span.start.line == finding.span.start.line
        });
        covered || repeated
    }
}

/// The scanned files, with line indexes computed for those that get reported.
struct Files<'i> {
    inputs: &'i [TaintInput],
    indexes: Vec<OnceCell<LineIndex>>,
}

impl<'i> Files<'i> {
    fn index(&self, file: usize) -> Option<(&'i TaintInput, &LineIndex)> {
        let input = self.inputs.get(file)?;
        let index = self.indexes[file].get_or_init(|| LineIndex::new(&input.source));
        Some((input, index))
    }

    fn resolve(&self, file: u32, span: ByteSpan) -> Option<(&'i str, Span)> {
        let (input, index) = self.index(file as usize)?;
        Some((input.shown.as_str(), index.resolve(&input.source, span)))
    }

    /// The source text of a span.
    fn text(&self, file: u32, span: ByteSpan) -> Option<String> {
        let input = self.inputs.get(file as usize)?;
        input
            .source
            .get(span.start as usize..span.end as usize)
            .map(str::to_owned)
    }

    fn line(&self, file: u32, line: u32) -> String {
        self.index(file as usize)
            .and_then(|(input, index)| index.line_text(&input.source, line))
            .unwrap_or_default()
            .to_owned()
    }
}

fn to_finding(
    hit: &Hit,
    rule: &Rule,
    spec: &TaintSpec,
    files: &Files,
    settings: &Settings,
) -> Option<Finding> {
    let info = &rule.info;
    let input = files.inputs.get(hit.site.file as usize)?;
    let ignored = settings
        .per_file_ignores
        .iter()
        .any(|(globs, ids)| ids.contains(info.id) && globs.is_match(&input.shown));
    let local = hit.threat == Threat::Local;
    let secret = hit.threat == Threat::Secret;
    let guessed = hit.flags & APPROXIMATE != 0;
    let confidence = match (local, guessed) {
        // A secret is followed only along flows that keep its text; how sure the rule is
        // that the name marks a secret is its own confidence.
        _ if secret => info.confidence,
        (false, false) => Confidence::High,
        (true, true) => Confidence::Low,
        _ => Confidence::Medium,
    };
    if ignored || confidence < settings.min_confidence {
        return None;
    }
    let (path, span) = files.resolve(hit.site.file, hit.site.span)?;
    let first = files.line(hit.site.file, span.start.line);
    let last = files.line(hit.site.file, span.end.line);
    if suppresses(&first, info.id, settings.respect_nosec)
        || suppresses(&last, info.id, settings.respect_nosec)
    {
        return None;
    }
    let steps = hit.trace.steps();
    let trace: Vec<TraceStep> = steps
        .iter()
        .filter_map(|step| {
            let (path, span) = files.resolve(step.file, step.span)?;
            Some(TraceStep {
                path: path.to_owned(),
                span,
                message: step.note.to_string(),
            })
        })
        .collect();
    let origin = trace.first()?;
    let whence = if origin.path == path {
        format!("line {}", origin.span.start.line)
    } else {
        format!("{}:{}", origin.path, origin.span.start.line)
    };
    let hops = trace
        .iter()
        .filter(|s| s.message.starts_with("passed to"))
        .count();
    let via = match hops {
        0 => String::new(),
        1 => " through 1 call".to_owned(),
        n => format!(" through {n} calls"),
    };
    // The secret as written where it is read (`conf.admin_password`), for the message and
    // the fix.
    let code = files
        .text(hit.trace.steps()[0].file, hit.trace.steps()[0].span)
        .filter(|code| !code.contains('\n') && code.len() <= 60)
        // A parameter's span covers its default and annotation (`password=None`).
        .map(|code| match code.split_once(['=', ':']) {
            Some((name, _))
                if !name.is_empty()
                    && name.trim().chars().all(|c| c.is_alphanumeric() || c == '_') =>
            {
                name.trim().to_owned()
            }
            _ => code,
        });
    let message = match &code {
        Some(code) if secret => format!(
            "`{code}`, {} ({whence}), reaches {} here{via}, so {}.",
            hit.source, hit.site.what, spec.harm
        ),
        _ => format!(
            "Data from {} ({whence}) reaches {} here{via}, so {}.",
            hit.source, hit.site.what, spec.harm
        ),
    };
    let fix = spec
        .fix
        .replace("{secret}", code.as_deref().unwrap_or("the secret"));
    let mut severity = info.severity;
    if local {
        // Whoever starts a command-line tool already runs code as that user.
        severity = lower(severity);
    }
    if is_test_path(path) {
        severity = severity.min(Severity::Low);
    }
    let function = enclosing_function(&input.unit, hit.site.span);
    Some(Finding {
        rule_id: info.id.to_owned(),
        title: info.title.to_owned(),
        cwe: info.cwe,
        pillar: info.pillar(),
        category: info.category,
        severity,
        confidence,
        path: path.to_owned(),
        span,
        message,
        fix,
        related: vec![RelatedLocation {
            span: origin.span,
            message: if secret {
                "the secret is read here".to_owned()
            } else {
                "untrusted data enters here".to_owned()
            },
        }]
        .into_iter()
        .filter(|r| origin.path == path && r.span != span)
        .collect(),
        trace,
        fingerprint: fingerprint(info.id, function, &first),
        source: Default::default(),
        llm: None,
    })
}

fn enclosing_function(unit: &Unit, span: ByteSpan) -> &str {
    unit.functions
        .iter()
        .filter(|f| f.span.start <= span.start && span.end <= f.span.end)
        .min_by_key(|f| f.span.end - f.span.start)
        .map_or("", |f| f.qualname.as_str())
}

fn lower(severity: Severity) -> Severity {
    match severity {
        Severity::Critical => Severity::High,
        Severity::High => Severity::Medium,
        _ => Severity::Low.min(severity),
    }
}

#[cfg(test)]
mod tests {
    use super::module_name;

    #[test]
    fn imports_name_modules_by_trailing_packages() {
        use super::names_module;
        assert!(names_module("app.db.find_user", "proj.app.db"));
        assert!(names_module(".helpers.run", "pkg.helpers"));
        assert!(names_module("app.db", "app.db"));
        assert!(!names_module("app.db", "app.dbx"));
        assert!(!names_module("os.path", "proj.app.db"));
    }

    #[test]
    fn module_names_follow_package_directories() {
        assert_eq!(module_name("app/views.py"), "app.views");
        assert_eq!(module_name("./src/app/__init__.py"), "src.app");
        assert_eq!(module_name("my-project/app/db.py"), "app.db");
        assert_eq!(module_name("script.py"), "script");
    }
}
