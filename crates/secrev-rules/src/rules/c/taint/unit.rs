//! Taint across the functions of one file. Each function of the file gets summaries: for each
//! parameter a caller passes tainted data to, whether that data reaches the return value, which
//! other parameters' buffers it is written into, and which sinks it reaches (in the function or
//! in functions it calls); and for the function as a whole, which source data it returns or
//! writes into its callers' buffers (a `read_request(fd, buf)` helper that `recv`s into `buf`).
//!
//! Calls resolve by name to the functions the file defines: plain C names, `Class::method` for
//! `this->m()` and for unqualified calls inside a method of the class (the front-end qualifies
//! those), a namespace's function called by its plain name when only one function has that
//! name. The summaries are computed in rounds until nothing changes (recursion converges the
//! same way), at most [`ROUNDS`] of them: a parameter's summary only when some caller passes
//! it tainted data, and a function's own flows only when it reads a source or calls a function
//! that hands one back.

use super::flow::{run, Origin, Seed};
use super::models::{matches, models, SinkRow};
use crate::rules::c::common::c_name;
use secrev_core::ByteSpan;
use secrev_ir::{Call, Function, FunctionKind, Unit, ValueKind};
use std::collections::{BTreeMap, BTreeSet};

/// The most rounds of summary computation: each round follows data one call deeper, and a
/// chain of helpers longer than this is rare enough to give up on.
const ROUNDS: usize = 6;

/// A sink call in a function of the file.
#[derive(Clone, PartialEq, Debug)]
pub(super) struct Sink {
    /// The function it is in (index into the unit's functions).
    pub(super) function: usize,
    pub(super) kind: &'static str,
    /// The called function, as named in messages.
    pub(super) name: String,
    /// The argument that must not be untrusted.
    pub(super) arg: ByteSpan,
    /// The threats that do harm here; all when empty.
    pub(super) threats: &'static [String],
}

impl Sink {
    pub(super) fn new(function: usize, call: &Call, row: &'static SinkRow, arg: ByteSpan) -> Sink {
        let kind = match row.kind.as_str() {
            "command" => "command",
            "sql" => "sql",
            "format" => "format",
            _ => "path",
        };
        let name = match c_name(call) {
            "" => call.qualname(),
            name => name,
        };
        Sink {
            function,
            kind,
            name: name.to_owned(),
            arg,
            threats: &row.threats,
        }
    }
}

/// A sink reached by source data.
#[derive(Clone, Debug)]
pub(crate) struct Reached {
    pub(super) sink: Sink,
    pub(super) origin: Origin,
    /// When the sink is in another function: the call that hands the data on, in the function
    /// that read it, and the function called.
    pub(super) via: Option<(ByteSpan, usize)>,
}

/// What the data of one parameter does in its function.
#[derive(Clone, Default, PartialEq)]
pub(super) struct ParamFlow {
    /// It reaches the return value.
    pub returned: bool,
    /// It is written into the buffers of these parameters (into one field of what they point
    /// to: `.name`; the whole buffer: empty).
    pub outs: BTreeSet<(usize, String)>,
    /// It reaches these sinks, in the function or in functions it calls.
    pub sinks: Vec<Sink>,
}

/// The source data a function hands to its callers.
#[derive(Clone, Default, PartialEq)]
pub(super) struct InputFlow {
    pub returned: Option<Origin>,
    /// Parameters whose buffers (or one field of what they point to) receive source data.
    pub outs: Vec<(usize, String, Origin)>,
}

impl InputFlow {
    fn is_empty(&self) -> bool {
        self.returned.is_none() && self.outs.is_empty()
    }
}

/// The summaries computed so far.
#[derive(Default)]
pub(super) struct Summaries {
    /// By (function, parameter position); present once some caller needed it.
    pub params: BTreeMap<(usize, usize), ParamFlow>,
    inputs: Vec<InputFlow>,
}

impl Summaries {
    pub(super) fn input(&self, function: usize) -> &InputFlow {
        static NONE: InputFlow = InputFlow {
            returned: None,
            outs: Vec::new(),
        };
        self.inputs.get(function).unwrap_or(&NONE)
    }
}

/// The file being analysed, and which of its functions a call names.
pub(super) struct Env<'u> {
    pub unit: &'u Unit,
    source: &'u str,
    by_name: BTreeMap<&'u str, Vec<usize>>,
    /// Free functions by their last name segment (`helper` for `net::helper`).
    by_last: BTreeMap<&'u str, Vec<usize>>,
}

impl<'u> Env<'u> {
    fn new(unit: &'u Unit, source: &'u str) -> Env<'u> {
        let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut by_last: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, f) in unit.functions.iter().enumerate() {
            if !matches!(f.kind, FunctionKind::Function | FunctionKind::Method) {
                continue;
            }
            by_name.entry(f.qualname.as_str()).or_default().push(i);
            if f.kind == FunctionKind::Function {
                let last = f.qualname.rsplit("::").next().unwrap_or(&f.qualname);
                by_last.entry(last).or_default().push(i);
            }
        }
        Env {
            unit,
            source,
            by_name,
            by_last,
        }
    }

    /// The function of the file `call` runs: the one of its name that takes its arguments.
    pub(super) fn target(&self, call: &Call) -> Option<usize> {
        let name = call.qualname();
        let found = match self.by_name.get(name) {
            Some(found) => found,
            // `helper(...)` for the file's only `net::helper`, never a method on an object.
            None if call.callee.receiver.is_none() && !name.is_empty() => {
                let last = name.rsplit("::").next().unwrap_or(name);
                self.by_last.get(last).filter(|found| found.len() == 1)?
            }
            None => return None,
        };
        let takes = |&&i: &&usize| {
            self.unit
                .functions
                .get(i)
                .is_some_and(|f| accepts(f, call.args.len()))
        };
        // Overloads (or `#ifdef` alternatives) that all take this many arguments cannot be told
        // apart without types: such a call is left unresolved, as one into another file.
        let mut taking = found.iter().filter(takes);
        let first = taking.next()?;
        taking.next().is_none().then_some(*first)
    }

    /// The parameter through which a store to `path` in `function` reaches the caller, and the
    /// field of what it points to that the store writes (`.name`; empty for the whole): an
    /// element or field of a pointer parameter (`buf[n] = c`, `*out = x`, `req->name = s`), a
    /// buffer a call fills (`recv(fd, buf, ...)`, `strcpy(out, s)`), or a non-const reference
    /// assigned whole. Parameters declared `const` are not written through.
    pub(super) fn out_param<'p>(
        &self,
        function: &Function,
        path: &'p str,
        weak: bool,
        by_call: bool,
    ) -> Option<(usize, &'p str)> {
        let deref = path.starts_with('*');
        let bare = path.trim_start_matches('*');
        let root_end = bare.find(['.', '[']).unwrap_or(bare.len());
        let root = &bare[..root_end];
        let at = function.params.iter().position(|p| p.name == root)?;
        let local = function.locals.iter().find(|l| l.param && l.name == root)?;
        if local.is_const {
            return None;
        }
        let pointer = local.pointers > 0 || local.array_len.is_some();
        let reference = {
            let before = self.source.get(..local.span.start as usize).unwrap_or("");
            let decl = self
                .source
                .get(local.span.start as usize..local.span.end as usize);
            before.trim_end().ends_with('&') || decl.is_some_and(|d| d.starts_with('&'))
        };
        let into = deref || weak || by_call || root_end < bare.len();
        // Only fields are told apart: an element or the pointee is the whole buffer.
        let field = match bare[root_end..].find('[') {
            Some(0) => "",
            Some(end) => &bare[root_end..root_end + end],
            None => &bare[root_end..],
        };
        (reference || into && pointer).then_some((at, field))
    }
}

/// Whether `function` can be called with `count` arguments.
fn accepts(function: &Function, count: usize) -> bool {
    let params = &function.params;
    if params.iter().any(|p| p.name == "...") {
        return true;
    }
    count <= params.len() && params.get(count).is_none_or(|p| p.default.is_some())
}

/// Whether the function reads a source itself.
fn reads_sources(function: &Function) -> bool {
    let models = models();
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

/// Whether the function calls one of the file's functions that hands back source data.
fn calls_input_helper(env: &Env, sums: &Summaries, function: &Function) -> bool {
    let mut found = false;
    function.cfg.for_each_call(&mut |call| {
        found = found || env.target(call).is_some_and(|t| !sums.input(t).is_empty());
    });
    found
}

/// The sinks source data reaches in the file, one per sink argument: data read in the
/// function itself wins over data passed in, then the earliest source.
pub(crate) fn analyse(unit: &Unit, source: &str) -> Vec<Reached> {
    let env = Env::new(unit, source);
    let readers: Vec<bool> = unit.functions.iter().map(reads_sources).collect();
    if !readers.contains(&true) {
        return Vec::new();
    }
    let mut sums = Summaries {
        params: BTreeMap::new(),
        inputs: vec![InputFlow::default(); unit.functions.len()],
    };
    let mut reached = Vec::new();
    for _ in 0..ROUNDS {
        let mut changed = false;
        let mut demands = BTreeSet::new();
        reached.clear();
        let mut inputs = Vec::new();
        for (at, function) in unit.functions.iter().enumerate() {
            if readers[at] || calls_input_helper(&env, &sums, function) {
                let outcome = run(&env, &sums, at, Seed::Inputs);
                reached.extend(outcome.reached);
                demands.extend(outcome.demands);
                inputs.push((at, outcome.input));
            }
        }
        let mut params = Vec::new();
        for &(at, k) in sums.params.keys() {
            let outcome = run(&env, &sums, at, Seed::Param(k));
            demands.extend(outcome.demands);
            params.push(((at, k), outcome.param));
        }
        for (at, input) in inputs {
            if sums.inputs[at] != input {
                sums.inputs[at] = input;
                changed = true;
            }
        }
        for (key, flow) in params {
            if sums.params.get(&key) != Some(&flow) {
                sums.params.insert(key, flow);
                changed = true;
            }
        }
        for key in demands {
            if let std::collections::btree_map::Entry::Vacant(slot) = sums.params.entry(key) {
                slot.insert(ParamFlow::default());
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    reached.sort_by_key(|r| {
        let origin = match r.origin {
            Origin::Input { span, .. } => span.start,
            Origin::Param(_) => u32::MAX,
        };
        (
            r.sink.arg.start,
            r.sink.arg.end,
            r.sink.kind,
            r.via.is_some(),
            origin,
            r.via.map(|(span, _)| span.start),
        )
    });
    reached.dedup_by(|b, a| a.sink.arg == b.sink.arg && a.sink.kind == b.sink.kind);
    reached
}
