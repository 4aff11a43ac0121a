//! secrev's rules. Each rule is one file under `rules/<group>/` that opens with its
//! documentation and holds a [`Rule`]: its metadata and the hooks it runs on the representation.
//! [`registry::all`] lists every rule; [`check_unit`] runs a set of rules over one lowered file in
//! a single walk.

mod context;
mod held;
pub mod helpers;
pub mod registry;
mod rules;

pub use context::{Context, Hit, Reporter};
pub use rules::authz::project::{
    authorizing_functions, authz_summary, AuthzIndex, AuthzSummary, Delegated, Learn,
};

use secrev_core::RuleInfo;
use secrev_ir::{Assert, Assign, Call, Function, Handler, Op, Unit, Value};

/// A rule: what it is, and the hooks it runs.
pub struct Rule {
    pub info: RuleInfo,
    pub hooks: Hooks,
}

/// The places in the representation a rule looks at. Each hook is called once per matching item.
#[derive(Clone, Copy)]
pub struct Hooks {
    pub call: Option<Hook<Call>>,
    pub assign: Option<Hook<Assign>>,
    pub handler: Option<Hook<Handler>>,
    pub assert: Option<Hook<Assert>>,
    pub compare: Option<Hook<Value>>,
    /// Once per function (module body included): parameters, decorators.
    pub function: Option<Hook<Function>>,
    /// Once per file, with the module body as the context's function.
    pub unit: Option<Hook<Unit>>,
    /// Not a hook: the rule reports what the taint engine finds for this sink kind.
    pub taint: Option<&'static TaintSpec>,
}

/// What a taint rule reports: the sink kind (as named in the taint models) and the words its
/// findings use.
pub struct TaintSpec {
    /// The sink kind, as the models name it (`command-injection`).
    pub kind: &'static str,
    /// What the data can do at the sink, completing "... so ...".
    pub harm: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

impl Hooks {
    /// No hooks; rules set the ones they need with `..Hooks::NONE`.
    pub const NONE: Hooks = Hooks {
        call: None,
        assign: None,
        handler: None,
        assert: None,
        compare: None,
        function: None,
        unit: None,
        taint: None,
    };
}

/// A hit of one rule, ready to become a finding.
pub struct RuleHit<'r> {
    pub rule: &'r Rule,
    /// The qualified name of the function the hit is in.
    pub function: String,
    pub hit: Hit,
}

/// Runs `rules` over `unit` in one walk of its functions and ops: each op is offered only to the
/// rules that have a hook for its kind. Rules for another language than the unit's are skipped.
pub fn check_unit<'r>(
    rules: &[&'r Rule],
    unit: &Unit,
    source: &str,
    path: &str,
) -> Vec<RuleHit<'r>> {
    let rules: Vec<&'r Rule> = rules
        .iter()
        .copied()
        .filter(|r| registry::runs_on(r, unit.language))
        .collect();
    let rules = rules.as_slice();
    let with = |has: fn(&Hooks) -> bool| -> Vec<(usize, &'r Rule)> {
        rules
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, r)| has(&r.hooks))
            .collect()
    };
    let call_rules = with(|h| h.call.is_some());
    let assign_rules = with(|h| h.assign.is_some());
    let handler_rules = with(|h| h.handler.is_some());
    let assert_rules = with(|h| h.assert.is_some());
    let compare_rules = with(|h| h.compare.is_some());
    let function_rules = with(|h| h.function.is_some());
    let unit_rules = with(|h| h.unit.is_some());

    let mut hits = Vec::new();
    let cache = context::UnitCache::default();
    for function in &unit.functions {
        let ctx = Context::new(source, path, unit, function, &cache);
        let mut reporters: Vec<Reporter> = rules.iter().map(|_| Reporter::default()).collect();
        if function.kind == secrev_ir::FunctionKind::Module {
            for (i, rule) in &unit_rules {
                if let Some(hook) = rule.hooks.unit {
                    hook(&ctx, unit, &mut reporters[*i]);
                }
            }
        }
        for (i, rule) in &function_rules {
            if let Some(hook) = rule.hooks.function {
                hook(&ctx, function, &mut reporters[*i]);
            }
        }
        for op in &function.ops {
            match op {
                Op::Call(call) => {
                    dispatch(&call_rules, |h| h.call, &ctx, call.as_ref(), &mut reporters)
                }
                Op::Assign(assign) => {
                    dispatch(&assign_rules, |h| h.assign, &ctx, assign, &mut reporters)
                }
                Op::Handler(handler) => {
                    dispatch(&handler_rules, |h| h.handler, &ctx, handler, &mut reporters)
                }
                Op::Assert(assert) => {
                    dispatch(&assert_rules, |h| h.assert, &ctx, assert, &mut reporters)
                }
                Op::Compare(value) => {
                    dispatch(&compare_rules, |h| h.compare, &ctx, value, &mut reporters)
                }
            }
        }
        for (rule, reporter) in rules.iter().zip(reporters) {
            hits.extend(reporter.into_hits().into_iter().map(|hit| RuleHit {
                rule,
                function: function.qualname.clone(),
                hit,
            }));
        }
    }
    drop_superseded(&mut hits);
    hits
}

/// Drops the pattern rules' hits on a call where a taint rule reports the same defect
/// ([`registry::superseded_on_same_call`]): the taint hit's span (the argument) lies inside
/// the pattern hit's (the call), in whichever function either was found.
fn drop_superseded(hits: &mut Vec<RuleHit>) {
    let found: Vec<(&str, secrev_core::ByteSpan)> =
        hits.iter().map(|h| (h.rule.info.id, h.hit.span)).collect();
    hits.retain(|h| {
        let Some(by) = registry::superseded_on_same_call(h.rule.info.id) else {
            return true;
        };
        let outer = h.hit.span;
        !found
            .iter()
            .any(|(id, span)| *id == by && outer.start <= span.start && span.end <= outer.end)
    });
}

/// A hook that inspects one item of type `T`.
type Hook<T> = fn(&Context, &T, &mut Reporter);

fn dispatch<T>(
    rules: &[(usize, &Rule)],
    hook_of: fn(&Hooks) -> Option<Hook<T>>,
    ctx: &Context,
    item: &T,
    reporters: &mut [Reporter],
) {
    for (i, rule) in rules {
        if let Some(hook) = hook_of(&rule.hooks) {
            hook(ctx, item, &mut reporters[*i]);
        }
    }
}
