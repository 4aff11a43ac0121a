//! PY703 `failure-assumed-success`: a handler catches the failure of an operation, only logs it,
//! and execution goes on to code that uses what the failed operation should have produced.

use super::handling::{catches_probe, dispatch_blocks, exits, failing_call, header, only_logs};
use crate::held::{statements, stmt_value};
use crate::helpers::is_logging_call;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{ByteSpan, Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{
    any_in, Block, BlockId, Cfg, EdgeKind, Function, Handler, Op, Stmt, Value, ValueKind,
};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY703",
        name: "failure-assumed-success",
        title: "Failure caught and logged, then the result of the failed call is used",
        cwe: 755,
        category: Category::CrashDos,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds `try` bodies that bind a name from a call that can fail \
                   (`ip_cidr = ip_lib.add_address(...)`, `ports = self.plugin.get_ports(ctx)`) whose \
                   handler only logs or passes, with no `raise`, `return`, `continue` or `break`, and \
                   no fallback value, after which a path from the handler reaches a use of that \
                   name before any new assignment. The name must not be bound before the `try` \
                   (a default such as `ports = []` is a deliberate fallback), and a path that \
                   first tests the name (`if ports:`, `if ports is None:`) is taken as handled. \
                   Also reported, at low confidence: the handler only logs the failure of an \
                   operation that puts something in place (`device.addr.add(ip_cidr)`, \
                   `create_*`, `plug_*`) and a path from it announces that resource \
                   (`send_ip_addr_adv_notif(ns, dev, ip_cidr)`, `advertise`, `publish`) with the \
                   same argument. Handlers of `ImportError`, `AttributeError`, `StopIteration` \
                   and other probe exceptions, of expected states (`*NotFound`, `*Exists`, \
                   `*Conflict`), teardown methods and test code are not reported.",
            why: "The handler treats the failure as if it had not happened: execution continues \
                  with the name unbound (an `UnboundLocalError` far from the real cause) or, in a \
                  loop, still holding the previous iteration's value, so the code configures, \
                  returns or reports the wrong resource. CWE-755 (improper handling of an \
                  exceptional condition) fits better than CWE-390: the failure is detected and \
                  logged, but the handling leaves the program in a state the code after it does \
                  not expect.",
            example: "try:\n    ip_cidr = common_utils.ip_to_cidr(fip['floating_ip_address'])\n    device.addr.add(ip_cidr)\nexcept RuntimeError:\n    LOG.warning(\"Unable to configure IP address for floating IP: %s\", fip['id'])\nip_lib.send_ip_addr_adv_notif(ns_name, device.name, ip_cidr)",
            fix: "try:\n    ip_cidr = common_utils.ip_to_cidr(fip['floating_ip_address'])\n    device.addr.add(ip_cidr)\nexcept RuntimeError:\n    LOG.warning(\"Unable to configure IP address for floating IP: %s\", fip['id'])\n    return lib_constants.FLOATINGIP_STATUS_ERROR\nip_lib.send_ip_addr_adv_notif(ns_name, device.name, ip_cidr)",
            references: &[
                "https://cwe.mitre.org/data/definitions/755.html",
                "https://docs.python.org/3/reference/compound_stmts.html#the-try-statement",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

/// A name the `try` body binds from a call that can fail.
struct Produced<'f> {
    name: &'f str,
    /// The call whose result it is.
    call: ByteSpan,
}

/// Graphs bigger than this are not searched (generated code).
const MAX_BLOCKS: usize = 5_000;

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    let cfg = &function.cfg;
    // A test that goes on after a failure fails visibly; it does not ship.
    if cfg.blocks.len() > MAX_BLOCKS || crate::helpers::is_test_path(ctx.path) {
        return;
    }
    let mut dispatch: Option<Vec<bool>> = None;
    for op in &function.ops {
        let Op::Handler(handler) = op else { continue };
        let flow = &handler.flow;
        if flow.end <= flow.start || catches_probe(handler) || !only_logs(cfg, flow) {
            continue;
        }
        let dispatch = dispatch.get_or_insert_with(|| dispatch_blocks(cfg));
        let leaves = exits(cfg, flow, dispatch);
        if !leaves.falls_through || leaves.returns || leaves.raises || leaves.loops {
            continue;
        }
        let produced = produced_names(function, handler);
        let mut best: Option<(ByteSpan, &Produced)> = None;
        for p in &produced {
            if let Some(use_span) = first_use(cfg, flow.after, p.name) {
                if best.is_none_or(|(b, _)| use_span.start < b.start) {
                    best = Some((use_span, p));
                }
            }
        }
        let Some((use_span, p)) = best else {
            dependent_operation(ctx, function, handler, out);
            continue;
        };
        let caught = header(&ctx.code(handler.span));
        let call = ctx.code(p.call);
        let name = p.name;
        out.report(
            use_span,
            format!(
                "`{name}` comes from `{call}` (line {}), but when that fails `{caught}` (line {}) only logs and execution reaches this use with `{name}` unbound or stale.",
                ctx.line_of(p.call),
                ctx.line_of(handler.span)
            ),
            format!(
                "In the `{caught}` handler, leave (`return` an error status, `raise`, or `continue` the loop), or give `{name}` a fallback value that this code handles."
            ),
        )
        .related(
            handler.span,
            format!("`{caught}` logs the failure of `{call}` and falls through"),
        );
    }
}

fn simple_name(path: &str) -> bool {
    !path.is_empty() && path.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// Names bound in the guarded body from a call that can fail, and bound nowhere before the
/// `try` (nor parameters).
fn produced_names<'f>(function: &'f Function, handler: &Handler) -> Vec<Produced<'f>> {
    let guarded = handler.flow.guarded;
    let inside = |s: ByteSpan| guarded.start <= s.start && s.end <= guarded.end;
    let mut produced: Vec<Produced> = Vec::new();
    let mut excluded: Vec<&str> = Vec::new();
    for (_, stmt) in statements(&function.cfg) {
        let Stmt::Assign {
            target,
            value,
            augmented,
        } = stmt
        else {
            continue;
        };
        let name = target.path.as_str();
        if !simple_name(name) {
            continue;
        }
        if target.span.start < guarded.start || *augmented || target.weak {
            excluded.push(name);
            continue;
        }
        if !inside(target.span) {
            continue;
        }
        match failing_call(value) {
            Some(call) if !produced.iter().any(|p| p.name == name) => produced.push(Produced {
                name,
                call: call.span,
            }),
            Some(_) => {}
            // Bound to a plain value in the body as well: it may be bound when the call fails.
            None => excluded.push(name),
        }
    }
    produced.retain(|p| {
        !excluded.contains(&p.name) && !function.params.iter().any(|param| param.name == p.name)
    });
    produced
}

/// Whether `value` reads `name` (the name itself, an attribute or an item of it), and where.
fn reads(value: &Value, name: &str) -> Option<ByteSpan> {
    let mut at = None;
    any_in(value, &mut |v| match &v.kind {
        ValueKind::Ref {
            path, base: None, ..
        } if path
            .strip_prefix(name)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '['])) =>
        {
            at = Some(ByteSpan {
                start: v.span.start,
                end: v.span.start + name.len() as u32,
            });
            true
        }
        _ => false,
    });
    at
}

/// Whether a condition tests whether `name` holds a value: `if name:`, `if not name:`,
/// `if name is None:`, `if name is not None and ...:`.
fn is_check(cond: &Value, name: &str) -> bool {
    match &cond.kind {
        ValueKind::Ref {
            path, base: None, ..
        } => path == name,
        ValueKind::Operation { op, operands } => match *op {
            "not" | "and" | "or" => operands.iter().any(|o| is_check(o, name)),
            "is" | "is not" | "==" | "!=" => {
                operands.iter().any(|o| matches!(o.kind, ValueKind::None))
                    && operands.iter().any(|o| is_check(o, name))
            }
            _ => false,
        },
        _ => false,
    }
}

/// The first use of `name` reachable from the start of `from` without a new binding of it in
/// between, unless the path tests `name` first (then the code checks it). Branches whose
/// condition is constant are followed one way only.
fn first_use(cfg: &Cfg, from: BlockId, name: &str) -> Option<ByteSpan> {
    let mut seen = vec![false; cfg.blocks.len()];
    let mut stack = vec![from];
    let mut best: Option<ByteSpan> = None;
    while let Some(id) = stack.pop() {
        let i = id as usize;
        if i >= seen.len() || std::mem::replace(&mut seen[i], true) {
            continue;
        }
        let block = &cfg.blocks[i];
        let condition = block.succs.iter().find_map(|e| match &e.kind {
            EdgeKind::Branch { cond, .. } => Some(cond.span),
            _ => None,
        });
        let mut stop = false;
        for stmt in &block.stmts {
            if let Some(value) = stmt_value(stmt) {
                if let Some(span) = reads(value, name) {
                    let tested = matches!(stmt, Stmt::Eval(v)
                        if Some(v.span) == condition && is_check(v, name));
                    if !tested && best.is_none_or(|b| span.start < b.start) {
                        best = Some(span);
                    }
                    stop = true;
                    break;
                }
            }
            if let Stmt::Assign { target, .. } = stmt {
                if target.path == name && !target.weak {
                    stop = true;
                    break;
                }
            }
        }
        if stop {
            continue;
        }
        stack.extend(feasible_successors(block));
    }
    best
}

/// Verbs of operations that put something in place; the code after them relies on it.
const SETUP: &[&str] = &[
    "add",
    "create",
    "plug",
    "configure",
    "mount",
    "attach",
    "enable",
    "bind",
    "set",
    "assign",
    "allocate",
    "ensure",
    "setup",
    "apply",
    "install",
    "insert",
    "register",
    "spawn",
    "start",
];

/// Verbs of operations that announce what a setup operation should have put in place (a
/// gratuitous ARP for an address, a notification that a port is up). Operations that merely
/// follow (configure the next thing) are left alone: on real code they are best-effort steps.
const DEPENDENT: &[&str] = &["send", "advertise", "announce", "arping", "publish"];

/// Names too common to say two calls act on the same resource.
const SHARED_NAMES: &[&str] = &[
    "self",
    "cls",
    "context",
    "ctx",
    "ctxt",
    "kwargs",
    "args",
    "conf",
    "config",
    "client",
    "session",
    "admin_context",
    "request",
    "req",
    "LOG",
    "True",
    "False",
    "None",
];

/// Exceptions that report a state the code expects (the thing exists, is gone, is busy): the
/// operation after them is meant to go on.
const EXPECTED_STATES: &[&str] = &[
    "badrequest",
    "notfound",
    "conflict",
    "exist",
    "duplicate",
    "inuse",
    "notimplemented",
    "unsupported",
    "nosuch",
    "missing",
    "notsupported",
    "alreadyexists",
];

/// The verb a call's name starts with (`add` for `_add_fip_addr_to_device`).
fn verb(call: &secrev_ir::Call) -> &str {
    let name = super::handling::call_name(call).trim_start_matches('_');
    name.split('_').next().unwrap_or(name)
}

/// The names a call passes (positional and keyword arguments, not its receiver) that can stand
/// for a resource: locals, parameters and their attributes.
fn resource_args(call: &secrev_ir::Call) -> Vec<&str> {
    call.args
        .iter()
        .chain(call.keywords.iter().map(|k| &k.value))
        .filter_map(|a| match &a.kind {
            ValueKind::Ref {
                path, base: None, ..
            } => {
                let root = path.split(['.', '[']).next().unwrap_or("");
                (!SHARED_NAMES.contains(&root)
                    && !root.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
                .then_some(path.as_str())
            }
            _ => None,
        })
        .collect()
}

fn is_teardown(name: &str) -> bool {
    let name = name.trim_start_matches('_');
    [
        "delete",
        "remove",
        "cleanup",
        "clean",
        "destroy",
        "teardown",
        "unplug",
        "unbind",
        "detach",
        "close",
        "shutdown",
        "stop",
        "release",
        "terminate",
        "disable",
        "reset",
        "rollback",
        "revert",
        "undo",
        "purge",
        "del",
        "__exit__",
        "__del__",
    ]
    .iter()
    .any(|p| name.starts_with(p))
}

/// The handler only logs the failure of an operation that puts something in place
/// (`device.addr.add(ip_cidr)`), and a path from it reaches an operation on the same resource
/// that relies on it (`send_ip_addr_adv_notif(ns_name, device_name, ip_cidr)`).
fn dependent_operation(ctx: &Context, function: &Function, handler: &Handler, out: &mut Reporter) {
    if is_teardown(&function.name) {
        return;
    }
    let expected = handler.caught.iter().any(|c| {
        let text = ctx.text(c.span).to_ascii_lowercase().replace('_', "");
        EXPECTED_STATES.iter().any(|e| text.contains(e))
    });
    if expected {
        return;
    }
    let cfg = &function.cfg;
    let guarded = handler.flow.guarded;
    let mut setup: Option<(&secrev_ir::Call, Vec<&str>)> = None;
    for (_, stmt) in statements(cfg) {
        let Stmt::Eval(value) = stmt else { continue };
        let ValueKind::Call(call) = &value.kind else {
            continue;
        };
        if call.span.start < guarded.start || call.span.end > guarded.end {
            continue;
        }
        if !SETUP.contains(&verb(call)) {
            continue;
        }
        let args = resource_args(call);
        if !args.is_empty() {
            setup = Some((call.as_ref(), args));
        }
    }
    let Some((setup, args)) = setup else { return };
    let Some((dependent, shared)) = first_dependent(cfg, handler.flow.after, guarded, &args) else {
        return;
    };
    let caught = header(&ctx.code(handler.span));
    let op = ctx.code(setup.span);
    out.report(
        dependent.span,
        format!(
            "`{}` relies on `{op}` (line {}) having worked for `{shared}`, but when it fails `{caught}` (line {}) only logs and execution still gets here.",
            ctx.code(dependent.callee.span),
            ctx.line_of(setup.span),
            ctx.line_of(handler.span)
        ),
        format!(
            "Leave the `{caught}` handler when `{}` fails (`return` an error status or `raise`), or skip `{}` on that path.",
            ctx.code(setup.callee.span),
            ctx.code(dependent.callee.span)
        ),
    )
    .related(handler.span, format!("`{caught}` logs the failure of `{op}` and falls through"))
    .confidence(Confidence::Low);
}

/// The first call reachable from `from`, outside conditions, that relies on one of `args`
/// (not on a new binding of it).
fn first_dependent<'c>(
    cfg: &'c Cfg,
    from: BlockId,
    guarded: ByteSpan,
    args: &[&str],
) -> Option<(&'c secrev_ir::Call, String)> {
    let mut seen = vec![false; cfg.blocks.len()];
    let mut stack = vec![from];
    let mut best: Option<(&secrev_ir::Call, String)> = None;
    while let Some(id) = stack.pop() {
        let i = id as usize;
        if i >= seen.len() || std::mem::replace(&mut seen[i], true) {
            continue;
        }
        let block = &cfg.blocks[i];
        let mut stop = false;
        for stmt in &block.stmts {
            if let Stmt::Assign { target, .. } = stmt {
                if args.contains(&target.path.as_str()) {
                    stop = true;
                    break;
                }
            }
            let Some(value) = stmt_value(stmt) else {
                continue;
            };
            let mut found = None;
            any_in(value, &mut |v| {
                let ValueKind::Call(call) = &v.kind else {
                    return false;
                };
                let again = guarded.start <= call.span.start && call.span.end <= guarded.end;
                if again || !DEPENDENT.contains(&verb(call)) || is_logging_call(call) {
                    return false;
                }
                match resource_args(call).into_iter().find(|a| args.contains(a)) {
                    Some(shared) => {
                        found = Some((call.as_ref(), shared.to_owned()));
                        true
                    }
                    None => false,
                }
            });
            if let Some((call, shared)) = found {
                if best
                    .as_ref()
                    .is_none_or(|(b, _)| call.span.start < b.span.start)
                {
                    best = Some((call, shared));
                }
                stop = true;
                break;
            }
        }
        if stop {
            continue;
        }
        stack.extend(feasible_successors(block));
    }
    best
}

/// The successors of `block`, less a branch whose condition is a constant that rules it out.
fn feasible_successors(block: &Block) -> impl Iterator<Item = BlockId> + '_ {
    block.succs.iter().filter_map(|edge| match &edge.kind {
        EdgeKind::Branch { cond, taken } if cond.truth() == Some(!taken) => None,
        _ => Some(edge.to),
    })
}
