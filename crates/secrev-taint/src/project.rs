//! The whole-project driver: resolves calls between the scanned files, analyses functions
//! callees first so each call can use its callee's summary, and re-analyses callers whose
//! callees' summaries changed (recursion) until nothing changes or a round limit is hit.

use crate::analysis::{self, Hit, Inputs, Summary, Target};
use crate::model::{Active, Models};
use rayon::prelude::*;
use secrev_ir::{Call, Function, FunctionKind, Unit, ValueKind};
use std::collections::HashMap;
use std::sync::Arc;

/// Call depth the ordering distinguishes; deeper chains and recursion are settled by rounds.
const MAX_LEVEL: usize = 16;
/// Rounds of re-analysis after the first pass.
const MAX_ROUNDS: usize = 4;

/// One scanned file.
pub struct ProjectFile {
    /// The dotted module name (`app.views` for `app/views.py`), for resolving imports.
    pub module: String,
    pub unit: Arc<Unit>,
}

/// A function of the project: its file and its index in the file's unit.
#[derive(Clone, Copy)]
struct FnRef {
    file: u32,
    index: u32,
}

struct Project<'p> {
    files: &'p [ProjectFile],
    functions: Vec<FnRef>,
    /// Functions by their last name, with their full dotted names.
    by_name: HashMap<&'p str, Vec<(usize, String)>>,
    /// The first function id of each file.
    first: Vec<usize>,
}

impl<'p> Project<'p> {
    fn new(files: &'p [ProjectFile]) -> Project<'p> {
        let mut functions = Vec::new();
        let mut by_name: HashMap<&str, Vec<(usize, String)>> = HashMap::new();
        let mut first = Vec::with_capacity(files.len());
        for (file, project_file) in files.iter().enumerate() {
            first.push(functions.len());
            for (index, function) in project_file.unit.functions.iter().enumerate() {
                let id = functions.len();
                functions.push(FnRef {
                    file: file as u32,
                    index: index as u32,
                });
                if matches!(function.kind, FunctionKind::Function | FunctionKind::Method)
                    && !function.qualname.contains("<locals>")
                {
                    let full = if project_file.module.is_empty() {
                        function.qualname.clone()
                    } else {
                        format!("{}.{}", project_file.module, function.qualname)
                    };
                    by_name
                        .entry(function.name.as_str())
                        .or_default()
                        .push((id, full));
                }
            }
        }
        Project {
            files,
            functions,
            by_name,
            first,
        }
    }

    fn function(&self, id: usize) -> &'p Function {
        let at = self.functions[id];
        &self.files[at.file as usize].unit.functions[at.index as usize]
    }

    /// The project function a call runs, if the call names one.
    fn resolve(&self, file: u32, caller: &Function, call: &Call) -> Option<Target> {
        let qualname = call.qualname();
        if !qualname.is_empty() {
            if qualname.starts_with("builtins.") {
                return None;
            }
            let name = qualname.trim_start_matches('.');
            // A method of an instance of a project class: `store.Store().save`.
            let (name, offset) = match name.rsplit_once("().") {
                Some((class, method)) => (format!("{class}.{method}"), 1),
                None => (name.to_owned(), 0),
            };
            let last = name.rsplit('.').next().unwrap_or(&name);
            let candidates = self.by_name.get(last)?;
            let suffix = format!(".{name}");
            let mut matching = candidates
                .iter()
                .filter(|(_, full)| *full == name || full.ends_with(&suffix));
            let (id, _) = matching.next()?;
            if matching.next().is_some() {
                return None;
            }
            return Some(Target {
                function: *id,
                offset,
            });
        }
        let unit = &self.files[file as usize].unit;
        let local = |qualname: &str| {
            unit.functions
                .iter()
                .position(|f| f.qualname == qualname && f.kind != FunctionKind::ClassBody)
                .map(|i| self.first[file as usize] + i)
        };
        match (&call.callee.receiver, &call.callee.method) {
            (None, None) => {
                let name = call.callee.text.as_str();
                local(&format!("{}.<locals>.{name}", caller.qualname))
                    .or_else(|| local(name))
                    .map(|function| Target {
                        function,
                        offset: 0,
                    })
            }
            (Some(receiver), Some(method)) => {
                let class = match &receiver.kind {
                    // `self.helper()` in a method: the method's own class.
                    ValueKind::Ref { path, .. }
                        if caller.kind == FunctionKind::Method
                            && caller.params.first().is_some_and(|p| p.name == *path) =>
                    {
                        caller.qualname.rsplit_once('.')?.0.to_owned()
                    }
                    // `Job(...).run()` or `job = Job(...); job.run()` with a class of this file.
                    _ => {
                        let call = receiver.as_call()?;
                        let name = call.callee.text.as_str();
                        unit.functions
                            .iter()
                            .any(|f| f.kind == FunctionKind::ClassBody && f.qualname == name)
                            .then(|| name.to_owned())?
                    }
                };
                local(&format!("{class}.{method}")).map(|function| Target {
                    function,
                    offset: 1,
                })
            }
            _ => None,
        }
    }
}

/// What the project-wide pass found.
pub struct Found {
    pub hits: Vec<Hit>,
    /// Files with functions that return data from a source (their callers elsewhere see it).
    pub returning: Vec<usize>,
    /// Qualified names called from analysed functions that name no function of the project:
    /// functions of files not (yet) in the analysis, or of libraries.
    pub unresolved: Vec<String>,
    /// The functions (not module or class bodies) the analysis followed data through, as file
    /// and span: there, what reaches a sink is known.
    pub covered: Vec<(usize, secrev_core::ByteSpan)>,
}

/// The qualified names that functions reading source data, and everything they call, call
/// without the call resolving to a project function: what a file not yet in the project may
/// define. Resolution only, no taint analysis: cheap enough to grow the project before
/// analysing it.
pub fn reachable_unresolved(models: &Models, files: &[ProjectFile]) -> Vec<String> {
    let project = Project::new(files);
    let active = actives(models, files);
    let targets = resolve_all(&project);
    let mut expand = sourced(models, &project, &active);
    let mut relevant: Vec<bool> = expand.iter().map(|&e| e > 0).collect();
    let mut frontier: Vec<usize> = (0..relevant.len()).filter(|&id| relevant[id]).collect();
    add_callees(&mut frontier, &mut relevant, &mut expand, &targets);
    unresolved_calls(&project, &targets, &expand)
}

fn actives(models: &Models, files: &[ProjectFile]) -> Vec<Active> {
    files
        .iter()
        .map(|f| {
            models.active_in(
                |m| f.unit.imports_module(m),
                crate::model::is_test_module(&f.module),
            )
        })
        .collect()
}

/// Every call's project target, per function, by the call's span.
fn resolve_all(project: &Project) -> Vec<HashMap<(u32, u32), Target>> {
    (0..project.functions.len())
        .into_par_iter()
        .map(|id| {
            let function = project.function(id);
            let file = project.functions[id].file;
            let mut targets = HashMap::new();
            function.cfg.for_each_call(&mut |call| {
                if let Some(target) = project.resolve(file, function, call) {
                    targets.insert((call.span.start, call.span.end), target);
                }
            });
            targets
        })
        .collect()
}

/// How far calls are followed from a function that reads untrusted data: every function it
/// calls, transitively.
const FOLLOW_ALL: u8 = 2;
/// How far calls are followed from a function that reads only secrets: the functions it calls
/// directly. A secret handed down a chain of calls before it is logged is rare, and following
/// every call of the many functions that touch a password would cost more than the analysis of
/// untrusted data itself.
const FOLLOW_ONE: u8 = 1;

/// For each function, how far its calls are followed: `FOLLOW_ALL` when it reads untrusted
/// data or handles requests, `FOLLOW_ONE` when it reads only secrets, 0 when it reads no source.
fn sourced(models: &Models, project: &Project, active: &[Active]) -> Vec<u8> {
    (0..project.functions.len())
        .into_par_iter()
        .map(|id| {
            let at = project.functions[id];
            let found = models.function_sources(project.function(id), &active[at.file as usize]);
            if found & crate::model::UNTRUSTED != 0 {
                FOLLOW_ALL
            } else if found != 0 {
                FOLLOW_ONE
            } else {
                0
            }
        })
        .collect()
}

/// The unresolved calls of the functions whose calls are all followed (`expand`).
fn unresolved_calls(
    project: &Project,
    targets: &[HashMap<(u32, u32), Target>],
    expand: &[u8],
) -> Vec<String> {
    // Files are brought in for the calls of functions that follow untrusted data; functions
    // followed for secrets only use what is loaded already.
    let mut unresolved: Vec<String> = (0..expand.len())
        .filter(|&id| expand[id] >= FOLLOW_ALL)
        .flat_map(|id| {
            let mut names = Vec::new();
            project.function(id).cfg.for_each_call(&mut |call| {
                let qualname = call.qualname();
                if !qualname.is_empty()
                    && !qualname.starts_with("builtins.")
                    && !targets[id].contains_key(&(call.span.start, call.span.end))
                {
                    names.push(qualname.to_owned());
                }
            });
            names
        })
        .collect();
    unresolved.sort_unstable();
    unresolved.dedup();
    unresolved
}

/// Runs the analysis over every function of the project that can see source data.
pub fn analyze_project(models: &Models, files: &[ProjectFile]) -> Found {
    let project = Project::new(files);
    let count = project.functions.len();
    let active = actives(models, files);
    // Resolve every call once; the call graph orders the analysis.
    let targets = resolve_all(&project);
    let mut callers: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (id, calls) in targets.iter().enumerate() {
        for target in calls.values() {
            if target.function != id {
                callers[target.function].push(id);
            }
        }
    }
    for list in &mut callers {
        list.sort_unstable();
        list.dedup();
    }
    let levels = levels(&targets);

    let mut summaries: Vec<Option<Arc<Summary>>> = vec![None; count];
    let mut hits: Vec<Vec<Hit>> = vec![Vec::new(); count];
    let run =
        |ids: &[usize], summaries: &[Option<Arc<Summary>>]| -> Vec<(usize, analysis::Outcome)> {
            ids.par_iter()
                .map(|&id| {
                    let at = project.functions[id];
                    let inputs = Inputs {
                        models,
                        active: &active[at.file as usize],
                        file: at.file,
                        function: project.function(id),
                        targets: &targets[id],
                        summaries,
                    };
                    (id, analysis::analyze(&inputs))
                })
                .collect()
        };

    // Only functions that can see source data need analysing: those that read a source, what
    // they call (transitively), and the callers of functions that return source data.
    let mut expand = sourced(models, &project, &active);
    let mut relevant: Vec<bool> = expand.iter().map(|&e| e > 0).collect();
    let mut analysed = vec![false; count];
    let mut frontier: Vec<usize> = (0..count).filter(|&id| relevant[id]).collect();
    for _ in 0..MAX_ROUNDS {
        add_callees(&mut frontier, &mut relevant, &mut expand, &targets);
        if frontier.is_empty() {
            break;
        }
        analyse_in_order(
            &frontier,
            &levels,
            &callers,
            &run,
            &mut summaries,
            &mut hits,
            &mut analysed,
        );
        // Callers of functions that now return source data see it too.
        let mut next: Vec<usize> = Vec::new();
        for &id in &frontier {
            let level = returned_level(&summaries[id]);
            if level == 0 {
                continue;
            }
            for &caller in &callers[id] {
                if !relevant[caller] || expand[caller] < level {
                    expand[caller] = expand[caller].max(level);
                    next.push(caller);
                }
            }
        }
        next.sort_unstable();
        next.dedup();
        for &id in &next {
            relevant[id] = true;
        }
        frontier = next;
    }
    let mut returning: Vec<usize> = (0..count)
        .filter(|&id| returns_source(&summaries[id], true))
        .map(|id| project.functions[id].file as usize)
        .collect();
    returning.dedup();
    let unresolved = unresolved_calls(&project, &targets, &expand);
    // Covered: where untrusted data is followed (functions followed for secrets only say
    // nothing about what pattern rules for untrusted data guess).
    let covered = (0..count)
        .filter(|&id| expand[id] >= FOLLOW_ALL)
        .filter_map(|id| {
            let function = project.function(id);
            matches!(function.kind, FunctionKind::Function | FunctionKind::Method)
                .then(|| (project.functions[id].file as usize, function.span))
        })
        .collect();
    Found {
        hits: hits.into_iter().flatten().collect(),
        returning,
        unresolved,
        covered,
    }
}

type Run<'r> = dyn Fn(&[usize], &[Option<Arc<Summary>>]) -> Vec<(usize, analysis::Outcome)> + 'r;

/// Adds to `frontier` (and marks relevant) every function its functions call: transitively
/// from functions whose calls are all followed, one call deep from the others (`expand`).
fn add_callees(
    frontier: &mut Vec<usize>,
    relevant: &mut [bool],
    expand: &mut [u8],
    targets: &[HashMap<(u32, u32), Target>],
) {
    let mut at = 0;
    while at < frontier.len() {
        let id = frontier[at];
        at += 1;
        if expand[id] == 0 {
            continue;
        }
        let level = if expand[id] >= FOLLOW_ALL {
            FOLLOW_ALL
        } else {
            0
        };
        for target in targets[id].values() {
            let callee = target.function;
            if !relevant[callee] || expand[callee] < level {
                relevant[callee] = true;
                expand[callee] = expand[callee].max(level);
                frontier.push(callee);
            }
        }
    }
    frontier.sort_unstable();
    frontier.dedup();
}

/// Analyses `ids` callees first; then re-analyses callers that saw a summary which changed
/// afterwards (recursion, or chains deeper than the level cap), for a few rounds.
fn analyse_in_order(
    ids: &[usize],
    levels: &[usize],
    callers: &[Vec<usize>],
    run: &Run,
    summaries: &mut [Option<Arc<Summary>>],
    hits: &mut [Vec<Hit>],
    analysed: &mut [bool],
) {
    let mut by_level: Vec<Vec<usize>> = vec![Vec::new(); MAX_LEVEL + 1];
    for &id in ids {
        by_level[levels[id]].push(id);
    }
    let mut changed_late: Vec<usize> = Vec::new();
    for ids in &by_level {
        for (id, outcome) in run(ids, summaries) {
            let changed = store(summaries, hits, id, outcome);
            analysed[id] = true;
            if changed && callers[id].iter().any(|&c| analysed[c] && c != id) {
                changed_late.push(id);
            }
        }
    }
    for _ in 0..MAX_ROUNDS {
        let mut dirty: Vec<usize> = changed_late
            .iter()
            .flat_map(|&id| callers[id].iter().copied())
            .filter(|&c| analysed[c])
            .collect();
        dirty.sort_unstable();
        dirty.dedup();
        if dirty.is_empty() {
            break;
        }
        changed_late.clear();
        for (id, outcome) in run(&dirty, summaries) {
            if store(summaries, hits, id, outcome) {
                changed_late.push(id);
            }
        }
    }
}

/// Whether a function returns data from a source; with `remote_only`, from a network peer.
/// Files outside the analysis that call such a function are brought in for network data only:
/// a helper returning an environment variable or a command-line argument is common in services
/// and tools, and reading every file that calls it costs more than the low-severity findings it
/// could add. Callers inside the analysis are always followed.
fn returns_source(summary: &Option<Arc<Summary>>, remote_only: bool) -> bool {
    summary.as_ref().is_some_and(|s| {
        s.returns.labels().iter().any(|l| match &l.origin {
            crate::label::Origin::Source { threat, .. } => {
                !remote_only || *threat == crate::model::Threat::Remote
            }
            crate::label::Origin::Param(_) => false,
        })
    })
}

/// How far the callers of a function are followed for what it returns: all their calls when
/// it returns untrusted data, one call deep when it returns only secrets, not at all otherwise.
fn returned_level(summary: &Option<Arc<Summary>>) -> u8 {
    let Some(summary) = summary else { return 0 };
    let mut level = 0;
    for label in summary.returns.labels() {
        if let crate::label::Origin::Source { threat, .. } = &label.origin {
            level = level.max(if *threat == crate::model::Threat::Secret {
                FOLLOW_ONE
            } else {
                FOLLOW_ALL
            });
        }
    }
    level
}

/// Records an analysis outcome; true when the function's summary changed.
fn store(
    summaries: &mut [Option<Arc<Summary>>],
    hits: &mut [Vec<Hit>],
    id: usize,
    outcome: analysis::Outcome,
) -> bool {
    hits[id] = outcome.hits;
    let changed = summaries[id]
        .as_ref()
        .is_none_or(|old| !old.same(&outcome.summary));
    if changed {
        summaries[id] = Some(Arc::new(outcome.summary));
    }
    changed
}

/// Each function's distance from the leaves of the call graph (callees first), capped.
fn levels(targets: &[HashMap<(u32, u32), Target>]) -> Vec<usize> {
    let mut levels = vec![0usize; targets.len()];
    for _ in 0..MAX_LEVEL {
        let mut changed = false;
        for (id, calls) in targets.iter().enumerate() {
            let level = calls
                .values()
                .filter(|t| t.function != id)
                .map(|t| (levels[t.function] + 1).min(MAX_LEVEL))
                .max()
                .unwrap_or(0);
            if level > levels[id] {
                levels[id] = level;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    levels
}
