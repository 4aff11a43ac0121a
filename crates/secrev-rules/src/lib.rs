//! secrev's rules. Each rule is one file under `rules/<group>/` that opens with its
//! documentation and holds a [`Rule`]: its metadata and the hooks it runs on the representation.
//! [`registry::all`] lists every rule; [`check_unit`] runs a set of rules over one lowered file in
//! a single walk.

mod context;
pub mod helpers;
pub mod registry;
mod rules;

pub use context::{Context, Hit, Reporter};

use secrev_core::{LineIndex, RuleInfo};
use secrev_ir::{Assert, Assign, Call, Function, Handler, Op, Unit, Value};

/// A rule: what it is, and the hooks it runs.
pub struct Rule {
    pub info: RuleInfo,
    pub hooks: Hooks,
}

/// The places in the representation a rule looks at. Each hook is called once per matching item.
#[derive(Clone, Copy)]
pub struct Hooks {
    pub call: Option<fn(&Context, &Call, &mut Reporter)>,
    pub assign: Option<fn(&Context, &Assign, &mut Reporter)>,
    pub handler: Option<fn(&Context, &Handler, &mut Reporter)>,
    pub assert: Option<fn(&Context, &Assert, &mut Reporter)>,
    pub compare: Option<fn(&Context, &Value, &mut Reporter)>,
    /// Once per function (module body included): parameters, decorators.
    pub function: Option<fn(&Context, &Function, &mut Reporter)>,
    /// Once per file, with the module body as the context's function.
    pub unit: Option<fn(&Context, &Unit, &mut Reporter)>,
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
    };
}

/// A hit of one rule, ready to become a finding.
pub struct RuleHit<'r> {
    pub rule: &'r Rule,
    /// The qualified name of the function the hit is in.
    pub function: String,
    pub hit: Hit,
}

/// Runs `rules` over `unit` in one walk of its functions and ops.
pub fn check_unit<'r>(
    rules: &[&'r Rule],
    unit: &Unit,
    source: &str,
    index: &LineIndex,
    path: &str,
) -> Vec<RuleHit<'r>> {
    let mut hits = Vec::new();
    for function in &unit.functions {
        let ctx = Context::new(source, index, path, unit, function);
        for rule in rules {
            let mut reporter = Reporter::default();
            let hooks = &rule.hooks;
            if let (Some(hook), secrev_ir::FunctionKind::Module) = (hooks.unit, function.kind) {
                hook(&ctx, unit, &mut reporter);
            }
            if let Some(hook) = hooks.function {
                hook(&ctx, function, &mut reporter);
            }
            for op in &function.ops {
                match op {
                    Op::Call(call) => hooks.call.map(|h| h(&ctx, call, &mut reporter)),
                    Op::Assign(assign) => hooks.assign.map(|h| h(&ctx, assign, &mut reporter)),
                    Op::Handler(handler) => hooks.handler.map(|h| h(&ctx, handler, &mut reporter)),
                    Op::Assert(assert) => hooks.assert.map(|h| h(&ctx, assert, &mut reporter)),
                    Op::Compare(value) => hooks.compare.map(|h| h(&ctx, value, &mut reporter)),
                };
            }
            hits.extend(reporter.into_hits().into_iter().map(|hit| RuleHit {
                rule,
                function: function.qualname.clone(),
                hit,
            }));
        }
    }
    hits
}
