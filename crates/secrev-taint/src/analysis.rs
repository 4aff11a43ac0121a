//! The analysis of one function: taint carried forward along its control-flow graph, from the
//! sources and parameters it reads to the sinks it reaches and the value it returns.

use crate::kinds::{self, Kind, KindSet, ALL_KINDS};
use crate::label::{Label, Origin, Step, Taint, Trace, APPROXIMATE, NORMALIZED};
use crate::model::{Active, Checks, Condition, Flow, Models, SinkTarget, Source};
use crate::state::State;
use compact_str::format_compact;
use secrev_core::ByteSpan;
use secrev_ir::{
    BuildKind, Call, CompactString, EdgeKind, Function, FunctionKind, Part, Place, Stmt, Value,
    ValueKind, ENTRY,
};
use std::collections::HashMap;
use std::sync::Arc;

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
    param_sinks.truncate(MAX_PARAM_SINKS);
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
    fn step(&self, span: ByteSpan, note: impl Into<CompactString>) -> Step {
        Step {
            file: self.inputs.file,
            span,
            note: note.into(),
        }
    }

    fn source_label(&self, source: &Source, span: ByteSpan) -> Taint {
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
    fn entry_state(&mut self) -> State {
        let function = self.inputs.function;
        let mut state = State::default();
        let method = function.kind == FunctionKind::Method;
        for (i, param) in function.params.iter().enumerate() {
            if method && i == 0 {
                continue;
            }
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
        state
    }

    // ----- the fixpoint -----------------------------------------------------------------------

    fn run(&mut self, entry: State) {
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
    fn transfer(&mut self, state: &mut State, stmt: &Stmt) -> bool {
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

    // ----- values -----------------------------------------------------------------------------

    /// The taint of a value, reporting the sinks reached inside it.
    fn eval(&mut self, state: &mut State, value: &Value) -> Taint {
        match &value.kind {
            ValueKind::Str(_)
            | ValueKind::Bytes(_)
            | ValueKind::Int(_)
            | ValueKind::Float(_)
            | ValueKind::Bool(_)
            | ValueKind::None
            | ValueKind::Unknown => Taint::clean(),
            ValueKind::Ref {
                path,
                qualname,
                bound,
                base,
            } => {
                if let Some(base) = base {
                    let mut taint = self.eval(state, base);
                    if let Some(source) = qualname
                        .as_deref()
                        .and_then(|q| self.inputs.models.reference_source(q, self.inputs.active))
                    {
                        taint.union(&self.source_label(source, value.span));
                    }
                    return taint;
                }
                self.read_path(
                    state,
                    path,
                    qualname.as_deref(),
                    bound.as_deref(),
                    value.span,
                )
            }
            ValueKind::Build { kind, parts } => self.eval_build(state, *kind, parts),
            ValueKind::Call(call) => self.eval_call(state, call),
            ValueKind::List(items) | ValueKind::Tuple(items) | ValueKind::Set(items) => {
                let mut taint = Taint::clean();
                for item in items {
                    taint.union(&self.eval(state, item));
                }
                taint
            }
            ValueKind::Dict(entries) => {
                let mut taint = Taint::clean();
                for (key, item) in entries {
                    if let Some(key) = key {
                        taint.union(&self.eval(state, key));
                    }
                    taint.union(&self.eval(state, item));
                }
                taint
            }
            ValueKind::Comprehension { bindings, elements } => {
                let depth = self.overlay.len();
                for (name, items) in bindings {
                    let taint = self.eval(state, items);
                    self.overlay.push((name.clone(), taint));
                }
                let mut taint = Taint::clean();
                for element in elements {
                    taint.union(&self.eval(state, element));
                }
                self.overlay.truncate(depth);
                taint
            }
            ValueKind::Operation { op, operands } => self.eval_operation(state, op, operands),
        }
    }

    /// A name or attribute path: what the function stored there, else a source it names, else
    /// the value it was bound to once (a module constant).
    fn read_path(
        &mut self,
        state: &mut State,
        path: &str,
        qualname: Option<&str>,
        bound: Option<&Value>,
        span: ByteSpan,
    ) -> Taint {
        let root = path.split(['.', '[']).next().unwrap_or(path);
        if let Some((_, taint)) = self.overlay.iter().rev().find(|(name, _)| name == root) {
            return taint.clone();
        }
        if let Some(taint) = state.get(path) {
            return taint.clone();
        }
        let models = self.inputs.models;
        let active = self.inputs.active;
        if let Some(source) = qualname.and_then(|q| models.reference_source(q, active)) {
            return self.source_label(source, span);
        }
        if let Some(source) = models.path_source(path, active) {
            return self.source_label(source, span);
        }
        match bound {
            Some(bound) if self.bound_depth < MAX_BOUND_DEPTH => {
                self.bound_depth += 1;
                let reporting = std::mem::replace(&mut self.reporting, false);
                let taint = self.eval(&mut State::default(), bound);
                self.reporting = reporting;
                self.bound_depth -= 1;
                taint
            }
            _ => Taint::clean(),
        }
    }

    fn eval_build(&mut self, state: &mut State, kind: BuildKind, parts: &[Part]) -> Taint {
        let mut taint = Taint::clean();
        // The text so far, with clean holes as placeholders; `None` once a tainted hole came
        // before the scheme and host were settled.
        let mut prefix = (kind != BuildKind::Join).then(String::new);
        let mut fixed_host = false;
        for part in parts {
            match part {
                Part::Lit(text) => {
                    if let Some(prefix) = prefix.as_mut().filter(|_| !fixed_host) {
                        prefix.push_str(text);
                        fixed_host = fixes_host(prefix);
                    }
                }
                Part::Hole(value) => {
                    let hole = self.eval(state, value);
                    // Data after text that fixes the scheme and host (constants or clean
                    // values, such as a configured endpoint) cannot send a request or a
                    // browser anywhere else.
                    let hole = if fixed_host {
                        hole.sanitize(kind_bit("open-redirect") | kind_bit("ssrf"))
                    } else {
                        if hole.is_clean() {
                            if let Some(prefix) = prefix.as_mut() {
                                prefix.push('x');
                            }
                        } else {
                            prefix = None;
                        }
                        hole
                    };
                    taint.union(&hole);
                }
            }
        }
        taint
    }

    fn eval_operation(&mut self, state: &mut State, op: &str, operands: &[Value]) -> Taint {
        match (op, operands) {
            // A number cannot carry an injection.
            ("number", [operand]) => {
                self.eval(state, operand);
                Taint::clean()
            }
            // An element: what was stored under that constant key, else the container's taint
            // (a constant table looked up with untrusted data yields constants).
            ("[]", [base, key]) => {
                self.eval(state, key);
                let base_taint = self.eval(state, base);
                match subscript_path(base, key).and_then(|path| state.get_exact(&path)) {
                    Some(taint) => taint.clone(),
                    None => base_taint,
                }
            }
            // Tests produce booleans; the operands are still evaluated for the sinks in them.
            (
                "==" | "!=" | "<" | "<=" | ">" | ">=" | "is" | "is not" | "in" | "not in" | "not",
                _,
            ) => {
                for operand in operands {
                    self.eval(state, operand);
                }
                Taint::clean()
            }
            _ => {
                let mut taint = Taint::clean();
                for operand in operands {
                    taint.union(&self.eval(state, operand));
                }
                taint
            }
        }
    }

    // ----- calls ------------------------------------------------------------------------------

    fn eval_call(&mut self, state: &mut State, call: &Call) -> Taint {
        let receiver = match &call.callee.receiver {
            Some(receiver) => self.eval(state, receiver),
            None => Taint::clean(),
        };
        let args: Vec<Taint> = call.args.iter().map(|a| self.eval(state, a)).collect();
        let keywords: Vec<Taint> = call
            .keywords
            .iter()
            .map(|k| self.eval(state, &k.value))
            .collect();
        let inputs = CallTaint {
            receiver,
            args,
            keywords,
        };
        let qualname = call.qualname();
        let method = call.callee.method.as_deref();
        let target = self
            .inputs
            .targets
            .get(&(call.span.start, call.span.end))
            .copied();
        if self.reporting {
            self.check_call_sinks(call, &inputs, target.is_some());
        }
        if let (Some(method), Some(receiver)) = (method, &call.callee.receiver) {
            if MUTATORS.contains(&method) {
                if let Some(path) = place(receiver) {
                    let mut added = inputs.all_arguments();
                    if !added.is_clean() {
                        added = added
                            .step(&self.step(call.span, format_compact!("stored in `{path}`")));
                        state.set(&path, added, true);
                    }
                }
            }
        }
        self.call_result(state, call, &inputs, target, qualname, method)
    }

    fn call_result(
        &mut self,
        state: &mut State,
        call: &Call,
        inputs: &CallTaint,
        target: Option<Target>,
        qualname: &str,
        method: Option<&str>,
    ) -> Taint {
        let models = self.inputs.models;
        let active = self.inputs.active;
        if let Some(source) = models.call_source(qualname, method, active) {
            return self.source_label(source, call.span);
        }
        if !qualname.is_empty() {
            if let Some(source) = models.reference_source(qualname, active) {
                return self.source_label(source, call.span);
            }
        }
        // A member seeded as a source, called (`request.get_full_path()`).
        if let (Some(method), Some(receiver)) = (method, &call.callee.receiver) {
            if let Some(path) = place(receiver) {
                let member = format_compact!("{path}.{method}");
                if let Some(taint) = state.get_exact(&member) {
                    return taint.clone();
                }
                if let Some(source) = models.path_source(&member, active) {
                    return self.source_label(source, call.span);
                }
            }
        }
        let mut sanitizers = models
            .sanitizers_for(qualname, method, active)
            .filter(|s| s.when.as_ref().is_none_or(|c| condition_holds(c, call)))
            .peekable();
        if sanitizers.peek().is_some() {
            let kinds = sanitizers.fold(0, |acc, s| acc | s.kinds);
            return inputs.all().sanitize(kinds);
        }
        if let Some(propagator) = models.propagator_for(qualname, method, active) {
            let taint = match propagator.from {
                Flow::Arguments => inputs.all_arguments(),
                Flow::Receiver => inputs.receiver.clone(),
                Flow::All => inputs.all(),
            };
            return if propagator.normalizes {
                taint.flagged(NORMALIZED)
            } else {
                taint
            };
        }
        if let Some(target) = target {
            if let Some(summary) = self
                .inputs
                .summaries
                .get(target.function)
                .cloned()
                .flatten()
            {
                return self.apply_summary(&summary, call, inputs, target.offset);
            }
        }
        // A call nothing describes: a method of tainted data returns tainted data
        // (`name.strip()`); any other call probably passes its arguments on.
        let mut taint = inputs.receiver.clone();
        taint.union(&inputs.all_arguments().flagged(APPROXIMATE));
        taint
    }

    /// The effect of calling a project function whose summary is known.
    fn apply_summary(
        &mut self,
        summary: &Summary,
        call: &Call,
        inputs: &CallTaint,
        offset: usize,
    ) -> Taint {
        let note = format_compact!("passed to `{}`", call.callee.text);
        let step = self.step(call.span, note);
        let argument = |param: u16| -> Taint {
            let param = usize::from(param);
            if offset == 1 && param == 0 {
                return inputs.receiver.clone();
            }
            if let Some(name) = summary.params.get(param) {
                if let Some(i) = call.keywords.iter().position(|k| k.name == *name) {
                    return inputs.keywords[i].clone();
                }
            }
            param
                .checked_sub(offset)
                .and_then(|i| inputs.args.get(i))
                .cloned()
                .unwrap_or_default()
        };
        let mut result = Taint::clean();
        for label in summary.returns.labels() {
            match label.origin {
                Origin::Param(param) => {
                    for arg in argument(param).labels() {
                        result.add(Label {
                            origin: arg.origin.clone(),
                            sanitized: arg.sanitized | label.sanitized,
                            flags: arg.flags | label.flags,
                            trace: Trace::concat(
                                &Trace::then(&arg.trace, step.clone()),
                                &label.trace,
                            ),
                        });
                    }
                }
                Origin::Source { .. } => result.add(label.clone()),
            }
        }
        if self.reporting {
            for sink in &summary.sinks {
                for arg in argument(sink.param).labels() {
                    let sanitized = arg.sanitized | sink.sanitized;
                    if kinds::has(sanitized, sink.kind) {
                        continue;
                    }
                    let label = Label {
                        origin: arg.origin.clone(),
                        sanitized,
                        flags: arg.flags | sink.flags,
                        trace: Trace::concat(&Trace::then(&arg.trace, step.clone()), &sink.trace),
                    };
                    self.record(sink.kind, &sink.site, label);
                }
            }
        }
        result
    }

    /// Reports the sinks a call is, for the inputs that reach them.
    fn check_call_sinks(&mut self, call: &Call, inputs: &CallTaint, in_project: bool) {
        let models = self.inputs.models;
        let qualname = call.qualname();
        let method = call.callee.method.as_deref();
        let mut reached: Vec<(Kind, Taint)> = Vec::new();
        for sink in models.sinks(self.inputs.active) {
            let SinkTarget::Call {
                callee,
                arguments,
                keywords,
                receiver,
                all_arguments,
                when,
                unless,
            } = &sink.target
            else {
                continue;
            };
            if !callee.matches(qualname, method) || (in_project && !callee.is_exact()) {
                continue;
            }
            if when.as_ref().is_some_and(|c| !condition_holds(c, call))
                || unless.as_ref().is_some_and(|c| condition_holds(c, call))
            {
                continue;
            }
            let mut taint = Taint::clean();
            if *all_arguments {
                taint.union(&inputs.all_arguments());
            }
            for &position in arguments {
                if let Some(t) = inputs.args.get(position) {
                    taint.union(t);
                }
            }
            for (keyword, t) in call.keywords.iter().zip(&inputs.keywords) {
                if keywords.iter().any(|k| *k == keyword.name) {
                    taint.union(t);
                }
            }
            if *receiver {
                taint.union(&inputs.receiver);
            }
            if !taint.is_clean() {
                reached.push((sink.kind, taint));
            }
        }
        if reached.is_empty() {
            return;
        }
        let site = Site {
            file: self.inputs.file,
            span: call.span,
            what: format_compact!("`{}`", call_display(call)),
        };
        for (kind, taint) in reached {
            self.reach(kind, &site, &taint);
        }
    }

    /// Reports a store into a sink object (`session['role'] = ...`).
    fn check_store(&mut self, target: &Place, taint: &Taint) {
        if taint.is_clean() || !self.reporting {
            return;
        }
        let mut reached = Vec::new();
        for sink in self.inputs.models.sinks(self.inputs.active) {
            let SinkTarget::Store {
                owner,
                path,
                subscript,
            } = &sink.target
            else {
                continue;
            };
            if *subscript && !(target.weak || target.path.ends_with(']')) {
                continue;
            }
            let by_owner = owner
                .as_ref()
                .is_some_and(|glob| target.owner.as_deref().is_some_and(|o| glob.matches(o)));
            let by_path = path.as_deref().is_some_and(|p| {
                target.path.strip_prefix(p).is_some_and(|rest| {
                    rest.starts_with(['.', '[']) || (rest.is_empty() && target.weak)
                })
            });
            if by_owner || by_path {
                reached.push(sink.kind);
            }
        }
        let site = Site {
            file: self.inputs.file,
            span: target.span,
            what: format_compact!("`{}`", target.path),
        };
        for kind in reached {
            self.reach(kind, &site, taint);
        }
    }

    /// Data with this taint reaches a sink of `kind` at `site`.
    fn reach(&mut self, kind: Kind, site: &Site, taint: &Taint) {
        let step = Step {
            file: site.file,
            span: site.span,
            note: format_compact!("reaches {}", site.what),
        };
        for label in taint.labels() {
            if kinds::has(label.sanitized, kind) {
                continue;
            }
            let label = Label {
                trace: Trace::then(&label.trace, step.clone()),
                ..label.clone()
            };
            self.record(kind, site, label);
        }
    }

    fn record(&mut self, kind: Kind, site: &Site, label: Label) {
        match label.origin {
            Origin::Source {
                threat,
                label: source,
            } => self.hits.push(Hit {
                kind,
                site: site.clone(),
                threat,
                source,
                flags: label.flags,
                trace: label.trace,
            }),
            Origin::Param(param) => self.param_sinks.push(ParamSink {
                param,
                kind,
                sanitized: label.sanitized,
                flags: label.flags,
                trace: label.trace,
                site: site.clone(),
            }),
        }
    }

    // ----- conditions -------------------------------------------------------------------------

    /// Narrows the state on an edge where `cond` evaluated to `taken`.
    fn refine(&mut self, state: &mut State, cond: &Value, taken: bool) {
        let reporting = std::mem::replace(&mut self.reporting, false);
        self.refine_inner(state, cond, taken, 0);
        self.reporting = reporting;
    }

    fn refine_inner(&mut self, state: &mut State, cond: &Value, taken: bool, depth: usize) {
        if depth > 8 {
            return;
        }
        match &cond.kind {
            ValueKind::Operation { op, operands } => match (*op, operands.as_slice(), taken) {
                ("not", [inner], _) => self.refine_inner(state, inner, !taken, depth + 1),
                ("and", parts, true) | ("or", parts, false) => {
                    for part in parts {
                        self.refine_inner(state, part, taken, depth + 1);
                    }
                }
                ("in", [item, container], true) | ("not in", [item, container], false)
                    if self.is_allow_list(state, container) =>
                {
                    self.validate(state, item, ALL_KINDS);
                }
                // `if ".." in name: abort()`: past the test, the name has no traversal in it.
                ("in", [needle, haystack], false) | ("not in", [needle, haystack], true)
                    if needle
                        .as_str()
                        .is_some_and(|s| s.contains("..") || s == "/" || s == "\\") =>
                {
                    self.validate(state, haystack, kind_bit("path-injection"));
                }
                ("==" | "is", [a, b], true) | ("!=" | "is not", [a, b], false) => {
                    if b.is_constant() {
                        self.validate(state, a, ALL_KINDS);
                    } else if a.is_constant() {
                        self.validate(state, b, ALL_KINDS);
                    }
                }
                _ => {}
            },
            ValueKind::Call(call) if taken => self.refine_call(state, call),
            _ => {}
        }
    }

    fn refine_call(&mut self, state: &mut State, call: &Call) {
        let method = call.callee.method.as_deref();
        if let Some(guard) =
            self.inputs
                .models
                .guard_for(call.qualname(), method, self.inputs.active)
        {
            let checked = match guard.checks {
                Checks::Receiver => call.callee.receiver.as_deref(),
                Checks::Argument => call.args.get(guard.argument),
            };
            if let Some(checked) = checked {
                self.validate(state, checked, guard.kinds);
            }
            return;
        }
        // A prefix check on a normalised path keeps it inside the directory it names.
        if method == Some("startswith") {
            if let Some(receiver) = call.callee.receiver.as_deref() {
                let taint = self.eval(state, receiver);
                if taint.labels().iter().any(|l| l.flags & NORMALIZED != 0) {
                    self.validate(state, receiver, kind_bit("path-injection"));
                }
            }
        }
    }

    /// Whether a collection is trusted: its contents do not come from a source.
    fn is_allow_list(&mut self, state: &mut State, container: &Value) -> bool {
        if matches!(container.kind, ValueKind::Unknown) {
            return false;
        }
        container.is_constant() || self.eval(state, container).is_clean()
    }

    /// Marks every place a checked value was read from as safe for `kinds`.
    fn validate(&mut self, state: &mut State, checked: &Value, kinds: KindSet) {
        let mut places = Vec::new();
        places_in(checked, &mut places, 0);
        for (path, value) in places {
            let taint = self.eval(state, &value);
            state.set(&path, taint.sanitize(kinds), false);
        }
    }
}

/// The taint of each input of a call.
struct CallTaint {
    receiver: Taint,
    args: Vec<Taint>,
    keywords: Vec<Taint>,
}

impl CallTaint {
    fn all_arguments(&self) -> Taint {
        let mut taint = Taint::clean();
        for t in self.args.iter().chain(&self.keywords) {
            taint.union(t);
        }
        taint
    }

    fn all(&self) -> Taint {
        let mut taint = self.all_arguments();
        taint.union(&self.receiver);
        taint
    }
}

fn kind_bit(name: &str) -> KindSet {
    kinds::kind(name).map_or(0, |k| 1 << k)
}

/// Whether an argument condition of a model row holds at this call.
fn condition_holds(condition: &Condition, call: &Call) -> bool {
    let value = match (&condition.keyword, condition.position) {
        (Some(keyword), Some(position)) => call.arg(position, keyword),
        (Some(keyword), None) => call.keyword(keyword),
        (None, Some(position)) => call.args.get(position),
        (None, None) => None,
    };
    let Some(value) = value else {
        return false;
    };
    if let Some(expected) = condition.is {
        return value.truth() == Some(expected);
    }
    let resolved = value.resolved();
    let name = resolved.qualname().or_else(|| resolved.as_str());
    name.is_some_and(|n| condition.one_of.iter().any(|o| o == n))
}

/// Whether a string that starts with `text` has its scheme and host fixed by it: a path on this
/// site (`/profile/`), or an absolute URL up to the slash after the host.
fn fixes_host(text: &str) -> bool {
    if let Some(rest) = text.strip_prefix('/') {
        return !rest.is_empty() && !rest.starts_with(['/', '\\']);
    }
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+')
        && rest.find('/').is_some_and(|slash| slash > 0)
}

/// The part of a route's return value sent as an HTML body: the value itself, or the first item
/// of a `(body, status, headers)` tuple. `None` for JSON (dicts, lists) and for a tuple whose
/// headers set a content type other than HTML.
fn html_body(value: &Value) -> Option<&Value> {
    match &value.resolved().kind {
        ValueKind::Dict(_) | ValueKind::List(_) => None,
        ValueKind::Tuple(items) => {
            let body = items.first()?;
            let plain = items[1..].iter().any(|item| match &item.resolved().kind {
                ValueKind::Dict(headers) => headers.iter().any(|(key, value)| {
                    key.as_ref()
                        .and_then(Value::as_str)
                        .is_some_and(|k| k.eq_ignore_ascii_case("content-type"))
                        && value.as_str().is_some_and(|v| !v.contains("html"))
                }),
                _ => false,
            });
            (!plain).then_some(body)
        }
        _ => Some(value),
    }
}

/// The canonical access path of a value that is read from one (`name`, `obj.attr`, `d[key]`).
pub(crate) fn place(value: &Value) -> Option<CompactString> {
    match &value.kind {
        ValueKind::Ref {
            path, base: None, ..
        } => Some(path.clone()),
        ValueKind::Operation { op: "[]", operands } => match operands.as_slice() {
            [base, key] => subscript_path(base, key),
            _ => None,
        },
        _ => None,
    }
}

/// The access path of `base[key]` for a constant key.
fn subscript_path(base: &Value, key: &Value) -> Option<CompactString> {
    let base = place(base)?;
    match (key.as_str(), key.as_int()) {
        (Some(key), _) => Some(format_compact!("{base}[{key}]")),
        (None, Some(i)) => Some(format_compact!("{base}[{i}]")),
        _ => None,
    }
}

/// The access paths a checked value reads, with the values read there.
fn places_in(value: &Value, out: &mut Vec<(CompactString, Value)>, depth: usize) {
    if depth > 8 {
        return;
    }
    if let Some(path) = place(value) {
        out.push((path, value.clone()));
        return;
    }
    match &value.kind {
        ValueKind::Ref {
            base: Some(base), ..
        } => places_in(base, out, depth + 1),
        ValueKind::Call(call) => {
            if let Some(receiver) = &call.callee.receiver {
                places_in(receiver, out, depth + 1);
            }
            for arg in &call.args {
                places_in(arg, out, depth + 1);
            }
        }
        ValueKind::Operation { op: "[]", operands } => {
            if let Some(base) = operands.first() {
                places_in(base, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// How a call is named in messages.
fn call_display(call: &Call) -> String {
    match call.callee.qualname.as_deref() {
        Some(q) if !q.contains("()") => q.to_owned(),
        _ => call.callee.text.to_string(),
    }
}
