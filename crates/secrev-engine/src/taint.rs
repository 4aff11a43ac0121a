//! Runs the taint engine over every scanned file at once and turns what it finds into
//! findings of the taint rules (PY801...), with the data's path as the finding's trace.

use crate::config::Settings;
use crate::fingerprint::fingerprint;
use crate::suppress::suppresses;
use secrev_core::{
    ByteSpan, Confidence, Finding, LineIndex, RelatedLocation, Severity, Span, TraceStep,
};
use secrev_ir::Unit;
use secrev_rules::helpers::is_test_path;
use secrev_rules::{Rule, TaintSpec};
use secrev_taint::{kinds, Hit, ProjectFile, Threat, APPROXIMATE};
use std::cell::OnceCell;
use std::sync::Arc;

/// One scanned file, kept for the project-wide taint analysis.
pub(crate) struct TaintInput {
    pub shown: String,
    pub source: String,
    pub unit: Arc<Unit>,
}

/// The selected rules that report taint, with what they report.
pub(crate) fn taint_rules(settings: &Settings) -> Vec<(&'static Rule, &'static TaintSpec)> {
    settings
        .rules
        .iter()
        .filter_map(|rule| rule.hooks.taint.map(|spec| (*rule, spec)))
        .collect()
}

/// Findings of the taint rules over all `inputs`.
pub(crate) fn taint_findings(inputs: &[TaintInput], settings: &Settings) -> Vec<Finding> {
    let rules = taint_rules(settings);
    let files: Vec<ProjectFile> = inputs
        .iter()
        .map(|input| ProjectFile {
            module: module_name(&input.shown),
            unit: input.unit.clone(),
        })
        .collect();
    let hits = secrev_taint::analyze(&settings.models, &files);
    let files = Files {
        inputs,
        indexes: inputs.iter().map(|_| OnceCell::new()).collect(),
    };
    hits.iter()
        .filter_map(|hit| {
            let kind = kinds::kind_name(hit.kind);
            let (rule, spec) = rules.iter().find(|(_, spec)| spec.kind == kind)?;
            to_finding(hit, rule, spec, &files, settings)
        })
        .collect()
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
    let guessed = hit.flags & APPROXIMATE != 0;
    let confidence = match (local, guessed) {
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
    let message = format!(
        "Data from {} ({whence}) reaches {} here{via}, so {}.",
        hit.source, hit.site.what, spec.harm
    );
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
        fix: spec.fix.to_owned(),
        related: vec![RelatedLocation {
            span: origin.span,
            message: format!("untrusted data enters here ({})", origin.path),
        }]
        .into_iter()
        .filter(|r| origin.path == path && r.span != span)
        .collect(),
        trace,
        fingerprint: fingerprint(info.id, function, &first),
    })
}

/// The dotted module name of a file (`pkg/views.py` → `pkg.views`, `pkg/__init__.py` → `pkg`),
/// from the directories that can be package names.
pub(crate) fn module_name(shown: &str) -> String {
    let without = shown
        .strip_suffix(".py")
        .or_else(|| shown.strip_suffix(".pyi"))
        .unwrap_or(shown);
    let parts: Vec<&str> = without.split(['/', '\\']).collect();
    let mut names: Vec<&str> = parts
        .iter()
        .rev()
        .take_while(|p| is_identifier(p))
        .copied()
        .collect();
    names.reverse();
    if names.last() == Some(&"__init__") {
        names.pop();
    }
    names.join(".")
}

fn is_identifier(part: &str) -> bool {
    let mut chars = part.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
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
    fn module_names_follow_package_directories() {
        assert_eq!(module_name("app/views.py"), "app.views");
        assert_eq!(module_name("./src/app/__init__.py"), "src.app");
        assert_eq!(module_name("my-project/app/db.py"), "app.db");
        assert_eq!(module_name("script.py"), "script");
    }
}
