//! One pass of the forward taint analysis over one function's graph, started either from the
//! function's sources (its own, and what functions of the same file hand back) or from one of
//! its parameters, to summarise for its callers what that parameter's data does.
//!
//! The state maps each tainted access path to where its data came from; an assignment of clean
//! data removes the taint, and a call with a tainted argument returns tainted data unless it is
//! a sanitizer or a function of the file whose summary says otherwise.

use super::models::{matches, models, named_in};
use super::unit::{Env, InputFlow, ParamFlow, Reached, Sink, Summaries};
use crate::rules::c::common::escapes;
use secrev_core::ByteSpan;
use secrev_ir::{any_in, BlockId, Call, Function, Part, Stmt, Value, ValueKind, ENTRY};
use std::collections::{BTreeMap, BTreeSet};

/// Where tainted data came from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Origin {
    /// A source: what the data is, who controls it (`remote`, `local`), where it enters.
    Input {
        label: &'static str,
        threat: &'static str,
        span: ByteSpan,
    },
    /// The parameter at this position, while its function is summarised.
    Param(usize),
}

type State = BTreeMap<String, Origin>;

/// What a pass starts from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Seed {
    Inputs,
    Param(usize),
}

/// What one pass found.
#[derive(Default)]
pub(super) struct Outcome {
    /// Sinks that source data reaches (from [`Seed::Inputs`]).
    pub reached: Vec<Reached>,
    /// Source data handed back to callers (from [`Seed::Inputs`]).
    pub input: InputFlow,
    /// What the parameter's data does (from [`Seed::Param`]).
    pub param: ParamFlow,
    /// Summaries of (function, parameter) the pass needed and did not find yet.
    pub demands: BTreeSet<(usize, usize)>,
}

/// Runs one pass over `env`'s function `at`.
pub(super) fn run(env: &Env, sums: &Summaries, at: usize, seed: Seed) -> Outcome {
    let Some(function) = env.unit.functions.get(at) else {
        return Outcome::default();
    };
    let mut pass = Pass {
        env,
        sums,
        at,
        function,
        seed,
        out: Outcome::default(),
    };
    let entry = pass.entry();
    pass.walk(entry);
    pass.out
}

struct Pass<'e> {
    env: &'e Env<'e>,
    sums: &'e Summaries,
    at: usize,
    function: &'e Function,
    seed: Seed,
    out: Outcome,
}

/// The access path an argument names (`buf`, `&line`, `req.body`).
pub(super) fn path_of(value: &Value) -> Option<&str> {
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

impl<'e> Pass<'e> {
    /// The state on entry: `main`'s `argv` and other parameter sources, or the parameter
    /// being summarised.
    fn entry(&self) -> State {
        let mut entry = State::new();
        let params = &self.function.params;
        match self.seed {
            Seed::Param(k) => {
                if let Some(p) = params.get(k) {
                    entry.insert(p.name.clone(), Origin::Param(k));
                }
            }
            Seed::Inputs => {
                for row in &models().source {
                    let Some(param) = row.parameter.as_deref() else {
                        continue;
                    };
                    let here = row
                        .function
                        .as_deref()
                        .is_none_or(|f| f == self.function.qualname);
                    if let Some(p) = params.iter().find(|p| here && p.name == param) {
                        entry.insert(
                            p.name.clone(),
                            Origin::Input {
                                label: &row.label,
                                threat: &row.threat,
                                span: p.span,
                            },
                        );
                    }
                }
            }
        }
        entry
    }

    /// The forward may-analysis over the graph. Taint only grows, so this settles; the budget
    /// keeps pathological graphs linear.
    fn walk(&mut self, entry: State) {
        let cfg = &self.function.cfg;
        let mut states: Vec<Option<State>> = vec![None; cfg.blocks.len()];
        if let Some(first) = states.get_mut(ENTRY as usize) {
            *first = Some(entry);
        }
        let mut work: Vec<BlockId> = vec![ENTRY];
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
                self.transfer(&mut state, stmt);
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
    }

    /// The summary of what `function`'s parameter `k` does; empty (and asked for) until the
    /// unit analysis has computed it.
    fn flow(&mut self, function: usize, k: usize) -> Option<&'e ParamFlow> {
        let found = self.sums.params.get(&(function, k));
        if found.is_none() {
            self.out.demands.insert((function, k));
        }
        found
    }

    /// The origin of the data `value` carries, if it is tainted.
    fn taint_of(&mut self, state: &State, value: &Value, depth: u32) -> Option<Origin> {
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
                if let Some(b) = bound.as_deref() {
                    if let Some(origin) = self.taint_of(state, b, depth + 1) {
                        return Some(origin);
                    }
                }
                base.as_deref()
                    .and_then(|b| self.taint_of(state, b, depth + 1))
            }
            ValueKind::Call(call) => self.returned(state, call, depth),
            ValueKind::Operation { op, operands } => match *op {
                "sizeof" | "number" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "not" | "and"
                | "or" => None,
                _ => operands
                    .iter()
                    .find_map(|o| self.taint_of(state, o, depth + 1)),
            },
            ValueKind::Build { parts, .. } => parts.iter().find_map(|p| match p {
                Part::Hole(h) => self.taint_of(state, h, depth + 1),
                Part::Lit(_) => None,
            }),
            ValueKind::List(items) | ValueKind::Tuple(items) => items
                .iter()
                .find_map(|i| self.taint_of(state, i, depth + 1)),
            _ => None,
        }
    }

    /// The origin of the data a call returns: a source's, a tainted argument's (a function of
    /// the file only where its summary says the parameter reaches its return value), or what
    /// a function of the file returns from its own sources.
    fn returned(&mut self, state: &State, call: &Call, depth: u32) -> Option<Origin> {
        let m = models();
        if named_in(call, &m.sanitizer) || escapes(call) {
            return None;
        }
        if self.seed == Seed::Inputs {
            if let Some(row) = m.source.iter().find(|r| {
                r.buffer.is_none()
                    && r.parameter.is_none()
                    && matches(call, r.call.as_deref(), r.method.as_deref())
            }) {
                return Some(Origin::Input {
                    label: &row.label,
                    threat: &row.threat,
                    span: call.span,
                });
            }
        }
        let Some(target) = self.env.target(call) else {
            return call
                .callee
                .receiver
                .as_deref()
                .into_iter()
                .chain(&call.args)
                .find_map(|a| self.taint_of(state, a, depth + 1));
        };
        for (k, arg) in call.args.iter().enumerate() {
            let Some(origin) = self.taint_of(state, arg, depth + 1) else {
                continue;
            };
            if self.flow(target, k).is_some_and(|f| f.returned) {
                return Some(origin);
            }
        }
        if self.seed == Seed::Inputs {
            return self.sums.input(target).returned;
        }
        None
    }

    /// Records that data of `origin` reaches `sink` (through the call `via` of this function,
    /// when the sink is in a function it calls).
    fn reach(&mut self, origin: Origin, sink: &Sink, via: Option<(ByteSpan, usize)>) {
        match origin {
            Origin::Input { threat, .. } => {
                if sink.threats.is_empty() || sink.threats.iter().any(|t| t == threat) {
                    self.out.reached.push(Reached {
                        sink: sink.clone(),
                        origin,
                        via,
                    });
                }
            }
            Origin::Param(_) => {
                if !self.out.param.sinks.contains(sink) {
                    self.out.param.sinks.push(sink.clone());
                }
            }
        }
    }

    /// Records data of `origin` written where the caller sees it: through the parameter `to`,
    /// into the field `field` of what it points to (empty for the whole buffer).
    fn hand_out(&mut self, (to, field): (usize, &str), origin: Origin) {
        match origin {
            Origin::Input { .. } => {
                let outs = &mut self.out.input.outs;
                if !outs.iter().any(|(j, f, _)| *j == to && f == field) {
                    outs.push((to, field.to_owned(), origin));
                }
            }
            Origin::Param(k) if k != to => {
                self.out.param.outs.insert((to, field.to_owned()));
            }
            Origin::Param(_) => {}
        }
    }

    /// What one call does: the sinks it reaches, and what it writes into its arguments.
    fn call_effects(&mut self, state: &State, call: &Call, writes: &mut Vec<(String, Origin)>) {
        let m = models();
        for row in m
            .sink
            .iter()
            .filter(|r| matches(call, r.call.as_deref(), r.method.as_deref()))
        {
            for &at in &row.args {
                let Some(arg) = call.args.get(at) else {
                    continue;
                };
                if let Some(origin) = self.taint_of(state, arg, 0) {
                    let sink = Sink::new(self.at, call, row, arg.span);
                    self.reach(origin, &sink, None);
                }
            }
        }
        if self.seed == Seed::Inputs {
            if let Some(row) = m.source.iter().find(|r| {
                r.buffer.is_some() && matches(call, r.call.as_deref(), r.method.as_deref())
            }) {
                if let Some(path) = row.buffer.and_then(|b| call.args.get(b)).and_then(path_of) {
                    let origin = Origin::Input {
                        label: &row.label,
                        threat: &row.threat,
                        span: call.span,
                    };
                    writes.push((path.to_owned(), origin));
                }
            }
        }
        if named_in(call, &m.propagator) {
            if let Some(dest) = call.args.first().and_then(path_of) {
                let rest = call.args.get(1..).unwrap_or(&[]);
                if let Some(origin) = rest.iter().find_map(|a| self.taint_of(state, a, 0)) {
                    writes.push((dest.to_owned(), origin));
                }
            }
        }
        self.file_function_effects(state, call, writes);
    }

    /// A call to a function of the file: the sinks its summaries say tainted arguments reach,
    /// and what it writes into the caller's buffers.
    fn file_function_effects(
        &mut self,
        state: &State,
        call: &Call,
        writes: &mut Vec<(String, Origin)>,
    ) {
        let out_path = |j: usize, field: &str| {
            call.args
                .get(j)
                .and_then(path_of)
                .map(|path| format!("{path}{field}"))
        };
        let Some(target) = self.env.target(call) else {
            return;
        };
        for (k, arg) in call.args.iter().enumerate() {
            let Some(origin) = self.taint_of(state, arg, 0) else {
                continue;
            };
            let Some(flow) = self.flow(target, k) else {
                continue;
            };
            for sink in &flow.sinks {
                self.reach(origin, sink, Some((call.span, target)));
            }
            writes.extend(
                flow.outs
                    .iter()
                    .filter_map(|(j, field)| Some((out_path(*j, field)?, origin))),
            );
        }
        if self.seed == Seed::Inputs {
            let input = self.sums.input(target);
            writes.extend(
                input
                    .outs
                    .iter()
                    .filter_map(|(j, field, origin)| Some((out_path(*j, field)?, *origin))),
            );
        }
    }

    /// Runs one statement: sinks it reaches, then what it taints.
    fn transfer(&mut self, state: &mut State, stmt: &Stmt) {
        let Some(value) = crate::held::stmt_value(stmt) else {
            return;
        };
        let mut writes: Vec<(String, Origin)> = Vec::new();
        any_in(value, &mut |v| {
            if let ValueKind::Call(call) = &v.kind {
                self.call_effects(state, call, &mut writes);
            }
            false
        });
        match stmt {
            Stmt::Assign {
                target,
                value,
                augmented,
            } => match self.taint_of(state, value, 0) {
                Some(origin) => {
                    if let Some(to) =
                        self.env
                            .out_param(self.function, &target.path, target.weak, false)
                    {
                        self.hand_out(to, origin);
                    }
                    state.insert(target.path.to_string(), origin);
                }
                None if !augmented && !target.weak => {
                    state.remove(target.path.as_str());
                }
                None => {}
            },
            Stmt::Return {
                value: Some(value), ..
            } => match self.taint_of(state, value, 0) {
                Some(origin @ Origin::Input { .. }) => {
                    self.out.input.returned.get_or_insert(origin);
                }
                Some(Origin::Param(_)) => self.out.param.returned = true,
                None => {}
            },
            _ => {}
        }
        for (path, origin) in writes {
            if let Some(to) = self.env.out_param(self.function, &path, false, true) {
                self.hand_out(to, origin);
            }
            state.insert(path, origin);
        }
    }
}
