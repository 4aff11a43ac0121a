//! The analysis of one function: taint carried forward along its control-flow graph, from the
//! sources and parameters it reads to the sinks it reaches and the value it returns.

use crate::kinds::{self, Kind, KindSet, ALL_KINDS};
use crate::label::{Label, Origin, Step, Taint, Trace, APPROXIMATE, CONFINED, NORMALIZED};
use crate::model::{Active, Checks, Condition, Flow, Models, SinkTarget, Source, Threat};
use crate::state::State;
use compact_str::format_compact;
use secrev_core::ByteSpan;
use secrev_ir::{
    BuildKind, Call, CompactString, EdgeKind, Function, FunctionKind, Part, Place, Stmt, Value,
    ValueKind, ENTRY,
};
use std::collections::HashMap;

mod calls;
mod conditions;
mod values;

use std::sync::Arc;
pub(crate) use values::place;
use values::{html_body, kind_bit};

/// Passes over a loop before the analysis settles for what it has.
const MAX_PASSES: usize = 12;
/// How far names bound once are followed to their values.
const MAX_BOUND_DEPTH: usize = 6;
/// Parameter-to-sink facts kept per function.
const MAX_PARAM_SINKS: usize = 32;

/// A place where a sink is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub file: u32,
    pub span: ByteSpan,
    /// What the sink is, for messages: "`subprocess.run`", "the response body".
    pub what: CompactString,
}

/// Untrusted data reaching a sink.
#[derive(Debug, Clone)]
pub struct Hit {
    pub kind: Kind,
    pub site: Site,
    pub threat: crate::model::Threat,
    pub source: Arc<str>,
    pub flags: u8,
    /// From the source to the sink.
    pub trace: Arc<Trace>,
}

/// A parameter that reaches a sink inside the function (or a function it calls).
#[derive(Debug, Clone)]
pub struct ParamSink {
    pub param: u16,
    pub kind: Kind,
    pub sanitized: KindSet,
    pub flags: u8,
    /// From the parameter to the sink.
    pub trace: Arc<Trace>,
    pub site: Site,
}

/// What callers need to know about a function.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub params: Vec<CompactString>,
    /// The taint of the return value: parameters (`Origin::Param`) and sources read inside.
    pub returns: Taint,
    pub sinks: Vec<ParamSink>,
}

impl Summary {
    /// Whether two summaries tell callers the same thing.
    pub fn same(&self, other: &Summary) -> bool {
        self.returns.same(&other.returns)
            && self.sinks.len() == other.sinks.len()
            && self.sinks.iter().zip(&other.sinks).all(|(a, b)| {
                (a.param, a.kind, a.sanitized, a.flags) == (b.param, b.kind, b.sanitized, b.flags)
                    && a.site == b.site
            })
    }
}

/// A call resolved to a function of the scanned project.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub function: usize,
    /// 1 when the call passes the receiver as the first parameter (`self.helper(x)`).
    pub offset: usize,
}

/// Everything one function's analysis reads.
pub struct Inputs<'a> {
    pub models: &'a Models,
    pub active: &'a Active,
    pub file: u32,
    pub function: &'a Function,
    /// Project calls in this function, by the start and end of the call's span.
    pub targets: &'a HashMap<(u32, u32), Target>,
    pub summaries: &'a [Option<Arc<Summary>>],
}

/// What one function's analysis found.
pub struct Outcome {
    pub summary: Summary,
    pub hits: Vec<Hit>,
}

/// Methods that store their arguments in the object they are called on.
const MUTATORS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "add",
    "update",
    "setdefault",
    "appendleft",
    "extendleft",
    "put",
    "write",
];

/// Analyses one function.
pub fn analyze(inputs: &Inputs) -> Outcome {
    let mut analysis = Analysis {
        inputs,
        hits: Vec::new(),
        param_sinks: Vec::new(),
        returns: Taint::clean(),
        return_sink: None,
        overlay: Vec::new(),
        bound_depth: 0,
        reporting: true,
    };
    let entry = analysis.entry_state();
    analysis.run(entry);
    let Analysis {
        hits,
        mut param_sinks,
        returns,
        ..
    } = analysis;
    param_sinks.sort_by(|a, b| {
        (a.param, a.kind, a.site.file, a.site.span.start).cmp(&(
            b.param,
            b.kind,
            b.site.file,
            b.site.span.start,
        ))
    });
    param_sinks.dedup_by(|a, b| {
        (a.param, a.kind, a.sanitized, &a.site) == (b.param, b.kind, b.sanitized, &b.site)
    });
    // The limit holds for the injection and the exposure kinds apart.
    let mut kept = [0usize; 2];
    param_sinks.retain(|sink| {
        let class = usize::from(kinds::has(kinds::EXPOSURE_KINDS, sink.kind));
        kept[class] += 1;
        kept[class] <= MAX_PARAM_SINKS
    });
    Outcome {
        summary: Summary {
            params: inputs
                .function
                .params
                .iter()
                .map(|p| CompactString::from(p.name.as_str()))
                .collect(),
            returns,
            sinks: param_sinks,
        },
        hits,
    }
}

struct Analysis<'a, 'i> {
    inputs: &'i Inputs<'a>,
    hits: Vec<Hit>,
    param_sinks: Vec<ParamSink>,
    returns: Taint,
    /// The sink the function's return value is (a route handler's response body).
    return_sink: Option<Kind>,
    /// Names bound by the comprehensions being evaluated, innermost last.
    overlay: Vec<(CompactString, Taint)>,
    bound_depth: usize,
    /// Off while re-evaluating values for their taint only (conditions, bound names), so that
    /// a sink is reported once.
    reporting: bool,
}

impl Analysis<'_, '_> {
    pub(super) fn step(&self, span: ByteSpan, note: impl Into<CompactString>) -> Step {
        Step {
            file: self.inputs.file,
            span,
            note: note.into(),
        }
    }

    pub(super) fn source_label(&self, source: &Source, span: ByteSpan) -> Taint {
        Taint::of(Label {
            origin: Origin::Source {
                threat: source.threat,
                label: source.label.clone(),
            },
            sanitized: 0,
            flags: 0,
            trace: Trace::start(self.step(span, format_compact!("source: {}", source.label))),
        })
    }

    // ----- entry ------------------------------------------------------------------------------

    /// Parameters carry `Origin::Param` labels, or source labels in a request handler.
    pub(super) fn entry_state(&mut self) -> State {
        let function = self.inputs.function;
        let mut state = State::default();
        let method = function.kind == FunctionKind::Method;
        // `self` carries the receiver's taint too: an object built from untrusted data hands it
        // to every method that reads its fields.
        for (i, param) in function.params.iter().enumerate() {
            let label = Label {
                origin: Origin::Param(i as u16),
                sanitized: 0,
                flags: 0,
                trace: Trace::start(
                    self.step(param.span, format_compact!("parameter `{}`", param.name)),
                ),
            };
            state.set(&param.name, Taint::of(label), false);
        }
        let models = self.inputs.models;
        for (handler, by_decorator) in models.handlers_of(function, self.inputs.active) {
            self.return_sink = self.return_sink.or(handler.return_sink);
            for (i, param) in function.params.iter().enumerate() {
                if method && i == 0 {
                    continue;
                }
                let named = handler.parameter.as_deref() == Some(param.name.as_str());
                let taint = self.source_label(&handler.source, param.span);
                match (&handler.members, named) {
                    (Some(members), true) => {
                        state.set(&param.name, Taint::clean(), false);
                        for member in members {
                            state.set(
                                &format_compact!("{}.{member}", param.name),
                                taint.clone(),
                                false,
                            );
                        }
                    }
                    (None, true) => state.set(&param.name, taint, false),
                    (_, false) if by_decorator || handler.other_parameters => {
                        state.set(&param.name, taint, false)
                    }
                    _ => {}
                }
            }
        }
        // Parameters named like a secret (`password`) carry one, whatever else they carry.
        for (i, param) in function.params.iter().enumerate() {
            if method && i == 0 {
                continue;
            }
            if let Some(source) = models.parameter_source(&param.name, self.inputs.active) {
                let mut taint = state.get_exact(&param.name).cloned().unwrap_or_default();
                taint.union(&self.source_label(source, param.span));
                state.set(&param.name, taint, false);
            }
        }
        state
    }

    // ----- the fixpoint -----------------------------------------------------------------------

    pub(super) fn run(&mut self, entry: State) {
        let cfg = &self.inputs.function.cfg;
        let order = cfg.reverse_postorder();
        let mut position = vec![usize::MAX; cfg.blocks.len()];
        for (i, block) in order.iter().enumerate() {
            position[*block as usize] = i;
        }
        let mut incoming: Vec<Option<State>> = vec![None; cfg.blocks.len()];
        incoming[ENTRY as usize] = Some(entry);
        let mut done_once = vec![false; cfg.blocks.len()];
        let mut pending: std::collections::BTreeSet<usize> = [0].into_iter().collect();
        let mut passes = vec![0usize; cfg.blocks.len()];
        while let Some(at) = pending.pop_first() {
            let id = order[at] as usize;
            passes[id] += 1;
            if passes[id] > MAX_PASSES {
                continue;
            }
            let Some(mut state) = incoming[id].clone() else {
                continue;
            };
            let block = &cfg.blocks[id];
            let before = state.clone();
            let mut alive = true;
            for stmt in &block.stmts {
                if !self.transfer(&mut state, stmt) {
                    alive = false;
                    break;
                }
            }
            done_once[id] = true;
            for edge in &block.succs {
                let next = edge.to as usize;
                if position[next] == usize::MAX {
                    continue;
                }
                let out = match &edge.kind {
                    EdgeKind::Exception => {
                        let mut out = before.clone();
                        out.join(&state);
                        Some(out)
                    }
                    _ if !alive => None,
                    EdgeKind::Normal => Some(state.clone()),
                    EdgeKind::Branch { cond, taken } => {
                        if cond.truth() == Some(!taken) {
                            None
                        } else {
                            let mut out = state.clone();
                            self.refine(&mut out, cond, *taken);
                            Some(out)
                        }
                    }
                };
                let Some(out) = out else { continue };
                let changed = match &mut incoming[next] {
                    slot @ None => {
                        *slot = Some(out);
                        true
                    }
                    Some(existing) => {
                        let mut joined = existing.clone();
                        joined.join(&out);
                        let changed = !joined.same(existing);
                        *existing = joined;
                        changed
                    }
                };
                if changed || !done_once[next] {
                    pending.insert(position[next]);
                }
            }
        }
    }

    /// Applies one statement; false when control cannot go on past it.
    pub(super) fn transfer(&mut self, state: &mut State, stmt: &Stmt) -> bool {
        match stmt {
            Stmt::Assign {
                target,
                value,
                augmented,
            } => {
                let mut taint = self.eval(state, value);
                if *augmented {
                    if let Some(old) = state.get(&target.path) {
                        taint.union(old);
                    }
                }
                self.check_store(target, &taint);
                let taint = if taint.is_clean() {
                    taint
                } else {
                    taint.step(&self.step(
                        target.span,
                        format_compact!("assigned to `{}`", target.path),
                    ))
                };
                state.set(&target.path, taint, target.weak);
                true
            }
            Stmt::Eval(value) => {
                self.eval(state, value);
                !matches!(&value.kind, ValueKind::Call(call) if self.inputs.models.is_exit(call.qualname()))
            }
            Stmt::Return { value, span } => {
                if let Some(value) = value {
                    let taint = self.eval(state, value);
                    if let Some(kind) = self.return_sink {
                        if let Some(body) = html_body(value) {
                            let reporting = std::mem::replace(&mut self.reporting, false);
                            let body_taint = self.eval(state, body);
                            self.reporting = reporting;
                            let site = Site {
                                file: self.inputs.file,
                                span: *span,
                                what: "the response body".into(),
                            };
                            self.reach(kind, &site, &body_taint);
                        }
                    }
                    self.returns.union(&taint);
                }
                true
            }
        }
    }
}
