//! Taint (C6xx): untrusted data (command-line arguments, the environment, bytes read from
//! descriptors, sockets and Qt devices, URL query items) reaching a command, an SQL statement,
//! a format string or a file path within one function. (Unbounded copies of any data whose
//! length is not bounded are C101's, whatever the data's origin.)
//!
//! Sources, sinks and sanitizers are data (`models/c/taint.toml`). The analysis is
//! intraprocedural: a forward may-analysis over the function's graph that carries, for each
//! tainted access path, where its data came from; an assignment of clean data removes the taint,
//! and a call with a tainted argument returns tainted data unless it is a sanitizer. Data that
//! enters through a parameter (other than `main`'s `argv`) is not followed; the project-wide
//! taint engine (`secrev-taint`) reads Python units only.

mod command;
mod format;
mod path;
mod sql;

use crate::rules::c::common::c_name;
use crate::{Context, Reporter, Rule};
use secrev_core::ByteSpan;
use secrev_ir::{any_in, BlockId, Call, Function, Stmt, Value, ValueKind, ENTRY};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

pub(crate) const RULES: &[&Rule] = &[&command::RULE, &sql::RULE, &format::RULE, &path::RULE];

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Models {
    #[serde(default)]
    source: Vec<SourceRow>,
    #[serde(default)]
    sink: Vec<SinkRow>,
    #[serde(default)]
    sanitizer: Vec<NameList>,
    #[serde(default)]
    propagator: Vec<NameList>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceRow {
    call: Option<String>,
    method: Option<String>,
    parameter: Option<String>,
    function: Option<String>,
    buffer: Option<usize>,
    threat: String,
    label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SinkRow {
    call: Option<String>,
    method: Option<String>,
    args: Vec<usize>,
    kind: String,
    /// The threats that do harm here; all when absent.
    #[serde(default)]
    threats: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NameList {
    call: Vec<String>,
}

const MODEL_TEXT: &str = include_str!("../../../../models/c/taint.toml");

/// The models, parsed once; a file that does not parse yields none (a test checks it does).
fn models() -> &'static Models {
    static MODELS: OnceLock<Models> = OnceLock::new();
    MODELS.get_or_init(|| toml::from_str(MODEL_TEXT).unwrap_or_default())
}

/// Whether `call` is the one a row names by `call` (free or qualified name) or `method`.
fn matches(call: &Call, name: Option<&str>, method: Option<&str>) -> bool {
    if let Some(name) = name {
        let c = c_name(call);
        return c == name || call.qualname() == name;
    }
    method.is_some_and(|m| call.callee.method.as_deref() == Some(m))
}

fn named_in(call: &Call, lists: &[NameList]) -> bool {
    lists
        .iter()
        .flat_map(|l| &l.call)
        .any(|n| matches(call, Some(n), None))
}

/// Where tainted data came from.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Origin {
    label: &'static str,
    threat: &'static str,
    span: ByteSpan,
}

type State = BTreeMap<String, Origin>;

/// A sink reached by tainted data.
struct Reached {
    kind: &'static str,
    sink: String,
    arg: ByteSpan,
    origin: Origin,
}

/// The access path an argument names (`buf`, `&line`, `req.body`).
fn path_of(value: &Value) -> Option<&str> {
    match &value.kind {
        ValueKind::Operation {
            op: "addr",
            operands,
        } => operands.first().and_then(path_of),
        ValueKind::Ref {
            path, base: None, ..
        } => Some(path),
        _ => None,
    }
}

/// The origin of the data `value` carries, if it is tainted.
fn taint_of(models: &'static Models, state: &State, value: &Value, depth: u32) -> Option<Origin> {
    if depth > 32 {
        return None;
    }
    match &value.kind {
        ValueKind::Ref {
            path, bound, base, ..
        } => {
            let mut prefix = path.as_str();
            loop {
                if let Some(origin) = state.get(prefix) {
                    return Some(*origin);
                }
                match prefix.rfind('.') {
                    Some(dot) => prefix = &prefix[..dot],
                    None => break,
                }
            }
            bound
                .as_deref()
                .and_then(|b| taint_of(models, state, b, depth + 1))
                .or_else(|| {
                    base.as_deref()
                        .and_then(|b| taint_of(models, state, b, depth + 1))
                })
        }
        ValueKind::Call(call) => {
            if named_in(call, &models.sanitizer) {
                return None;
            }
            if let Some(row) = models.source.iter().find(|r| {
                r.buffer.is_none()
                    && r.parameter.is_none()
                    && matches(call, r.call.as_deref(), r.method.as_deref())
            }) {
                return Some(Origin {
                    label: &row.label,
                    threat: &row.threat,
                    span: call.span,
                });
            }
            call.callee
                .receiver
                .as_deref()
                .into_iter()
                .chain(&call.args)
                .find_map(|a| taint_of(models, state, a, depth + 1))
        }
        ValueKind::Operation { op, operands } => match *op {
            "sizeof" | "number" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "not" | "and" | "or" => {
                None
            }
            _ => operands
                .iter()
                .find_map(|o| taint_of(models, state, o, depth + 1)),
        },
        ValueKind::Build { parts, .. } => parts.iter().find_map(|p| match p {
            secrev_ir::Part::Hole(h) => taint_of(models, state, h, depth + 1),
            secrev_ir::Part::Lit(_) => None,
        }),
        ValueKind::List(items) | ValueKind::Tuple(items) => items
            .iter()
            .find_map(|i| taint_of(models, state, i, depth + 1)),
        _ => None,
    }
}

/// Runs one statement: sinks it reaches, then what it taints.
fn transfer(models: &'static Models, state: &mut State, stmt: &Stmt, reached: &mut Vec<Reached>) {
    let Some(value) = crate::held::stmt_value(stmt) else {
        return;
    };
    let mut writes: Vec<(String, Origin)> = Vec::new();
    any_in(value, &mut |v| {
        let ValueKind::Call(call) = &v.kind else {
            return false;
        };
        for row in models
            .sink
            .iter()
            .filter(|r| matches(call, r.call.as_deref(), r.method.as_deref()))
        {
            for &at in &row.args {
                let Some(arg) = call.args.get(at) else {
                    continue;
                };
                let harmful = |o: &Origin| {
                    row.threats.is_empty() || row.threats.iter().any(|t| t == o.threat)
                };
                if let Some(origin) = taint_of(models, state, arg, 0).filter(harmful) {
                    let kind = match row.kind.as_str() {
                        "command" => "command",
                        "sql" => "sql",
                        "format" => "format",
                        _ => "path",
                    };
                    reached.push(Reached {
                        kind,
                        sink: if c_name(call).is_empty() {
                            call.qualname().to_owned()
                        } else {
                            c_name(call).to_owned()
                        },
                        arg: arg.span,
                        origin,
                    });
                }
            }
        }
        if let Some(row) = models
            .source
            .iter()
            .find(|r| r.buffer.is_some() && matches(call, r.call.as_deref(), r.method.as_deref()))
        {
            if let Some(path) = row.buffer.and_then(|b| call.args.get(b)).and_then(path_of) {
                writes.push((
                    path.to_owned(),
                    Origin {
                        label: &row.label,
                        threat: &row.threat,
                        span: call.span,
                    },
                ));
            }
        }
        if named_in(call, &models.propagator) {
            if let Some(dest) = call.args.first().and_then(path_of) {
                if let Some(origin) = call.args[1..]
                    .iter()
                    .find_map(|a| taint_of(models, state, a, 0))
                {
                    writes.push((dest.to_owned(), origin));
                }
            }
        }
        false
    });
    if let Stmt::Assign {
        target,
        value,
        augmented,
    } = stmt
    {
        match taint_of(models, state, value, 0) {
            Some(origin) => {
                state.insert(target.path.to_string(), origin);
            }
            None if !augmented && !target.weak => {
                state.remove(target.path.as_str());
            }
            None => {}
        }
    }
    state.extend(writes);
}

/// Whether the function reads a source at all: most do not, and need no analysis.
fn reads_sources(models: &Models, function: &Function) -> bool {
    let argv = models.source.iter().any(|r| {
        r.parameter
            .as_deref()
            .is_some_and(|p| function.params.iter().any(|q| q.name == p))
            && r.function.as_deref().is_none_or(|f| f == function.qualname)
    });
    argv || function.cfg.any_value(&mut |v| match &v.kind {
        ValueKind::Call(call) => models.source.iter().any(|r| {
            r.parameter.is_none() && matches(call, r.call.as_deref(), r.method.as_deref())
        }),
        _ => false,
    })
}

/// The sinks tainted data reaches in `function`.
fn analyse(function: &Function) -> Vec<Reached> {
    let models = models();
    if !reads_sources(models, function) {
        return Vec::new();
    }
    let cfg = &function.cfg;
    let mut entry = State::new();
    for row in &models.source {
        if let Some(param) = row.parameter.as_deref() {
            let here = row
                .function
                .as_deref()
                .is_none_or(|f| f == function.qualname);
            if let Some(p) = function.params.iter().find(|p| here && p.name == param) {
                entry.insert(
                    p.name.clone(),
                    Origin {
                        label: &row.label,
                        threat: &row.threat,
                        span: p.span,
                    },
                );
            }
        }
    }
    let mut states: Vec<Option<State>> = vec![None; cfg.blocks.len()];
    if let Some(first) = states.get_mut(ENTRY as usize) {
        *first = Some(entry);
    }
    let mut reached = Vec::new();
    let mut work: Vec<BlockId> = vec![ENTRY];
    // Taint only grows, so this settles; the budget keeps pathological graphs linear.
    let mut budget = cfg.blocks.len() * 8 + 16;
    while let Some(id) = work.pop() {
        if budget == 0 {
            break;
        }
        budget -= 1;
        let Some(mut state) = states.get(id as usize).cloned().flatten() else {
            continue;
        };
        let block = &cfg.blocks[id as usize];
        for stmt in &block.stmts {
            transfer(models, &mut state, stmt, &mut reached);
        }
        for edge in &block.succs {
            let Some(slot) = states.get_mut(edge.to as usize) else {
                continue;
            };
            let changed = match slot {
                None => {
                    *slot = Some(state.clone());
                    true
                }
                Some(existing) => {
                    let before = existing.len();
                    for (k, v) in &state {
                        existing.entry(k.clone()).or_insert(*v);
                    }
                    existing.len() != before
                }
            };
            if changed {
                work.push(edge.to);
            }
        }
    }
    reached.sort_by_key(|r| (r.arg.start, r.arg.end));
    reached.dedup_by_key(|r| (r.kind, r.arg.start, r.arg.end));
    reached
}

/// Reports the sinks of `kind` that tainted data reaches in `function`.
fn report(
    ctx: &Context,
    function: &Function,
    out: &mut Reporter,
    kind: &str,
    harm: &str,
    fix: &str,
) {
    for r in analyse(function).into_iter().filter(|r| r.kind == kind) {
        out.report(
            r.arg,
            format!(
                "`{}` reaches `{}` here carrying {} (line {}), {harm}.",
                ctx.code(r.arg),
                r.sink,
                r.origin.label,
                ctx.line_of(r.origin.span)
            ),
            fix,
        )
        .related(r.origin.span, format!("{} enters here", r.origin.label));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_models_parse() {
        let parsed: Result<super::Models, _> = toml::from_str(super::MODEL_TEXT);
        let models = parsed.expect("models/c/taint.toml parses");
        assert!(models.source.len() > 10 && models.sink.len() > 10);
    }
}
