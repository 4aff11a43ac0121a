//! What an exception handler does with the failure it catches, read from the function's graph:
//! whether its body only logs, and whether it falls through to the code after the `try`,
//! re-raises, returns or jumps out of a loop. Shared by PY703 and PY704.

use crate::held::stmt_value;
use crate::helpers::is_logging_call;
use secrev_ir::{
    any_in, BlockId, Call, Cfg, EdgeKind, Handler, HandlerFlow, Stmt, Value, ValueKind, EXIT,
};

/// How a handler body can end.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Exits {
    /// Some path reaches the code after the `try` (or its `finally`).
    pub falls_through: bool,
    /// Some path leaves a loop (`continue`, `break`).
    pub loops: bool,
    /// Some path returns.
    pub returns: bool,
    /// Some path raises (a `raise`, an aborting call such as `sys.exit`,
    /// `excutils.save_and_reraise_exception()`).
    pub raises: bool,
}

/// The handler body's blocks reachable from its start.
pub(crate) fn body_blocks(cfg: &Cfg, flow: &HandlerFlow) -> Vec<BlockId> {
    let mut seen = vec![false; cfg.blocks.len()];
    let mut out = Vec::new();
    let mut stack = vec![flow.start];
    while let Some(id) = stack.pop() {
        let i = id as usize;
        if id < flow.start || id >= flow.end || i >= seen.len() || seen[i] {
            continue;
        }
        seen[i] = true;
        out.push(id);
        stack.extend(cfg.blocks[i].succs.iter().map(|e| e.to));
    }
    out
}

/// How the handler's body can end. `dispatch[b]` tells whether block `b` is a handler dispatch
/// block (the target of a `raise` inside a `try`).
pub(crate) fn exits(cfg: &Cfg, flow: &HandlerFlow, dispatch: &[bool]) -> Exits {
    let mut exits = Exits::default();
    for id in body_blocks(cfg, flow) {
        let block = &cfg.blocks[id as usize];
        if block.stmts.iter().any(|s| matches!(s, Stmt::Return { .. })) {
            exits.returns = true;
            continue;
        }
        if block.stmts.iter().any(aborts) {
            exits.raises = true;
            continue;
        }
        for edge in &block.succs {
            if matches!(edge.kind, EdgeKind::Exception) {
                continue;
            }
            let to = edge.to;
            if to >= flow.start && to < flow.end {
                continue;
            }
            if to == flow.after {
                exits.falls_through = true;
            } else if to == EXIT || dispatch.get(to as usize).copied().unwrap_or(false) {
                exits.raises = true;
            } else {
                exits.loops = true;
            }
        }
    }
    exits
}

/// For each block, whether it is a handler dispatch block (has an incoming exception edge).
pub(crate) fn dispatch_blocks(cfg: &Cfg) -> Vec<bool> {
    let mut dispatch = vec![false; cfg.blocks.len()];
    for block in &cfg.blocks {
        for edge in &block.succs {
            if matches!(edge.kind, EdgeKind::Exception) {
                if let Some(d) = dispatch.get_mut(edge.to as usize) {
                    *d = true;
                }
            }
        }
    }
    dispatch
}

/// Calls after which the handler does not go on: they raise or end the process.
fn aborts(stmt: &Stmt) -> bool {
    let Some(value) = stmt_value(stmt) else {
        return false;
    };
    any_in(value, &mut |v| {
        let ValueKind::Call(call) = &v.kind else {
            return false;
        };
        let name = call_name(call);
        name.contains("reraise")
            || name.contains("raise_")
            || matches!(
                name,
                "exit" | "_exit" | "abort" | "fail" | "die" | "skipTest" | "kill" | "panic"
            )
    })
}

/// The called function's or method's own name (`warning` in `LOG.warning`).
pub(crate) fn call_name(call: &Call) -> &str {
    if let Some(method) = call.callee.method.as_deref() {
        return method;
    }
    let q = call.qualname();
    let whole = if q.is_empty() {
        call.callee.text.as_str()
    } else {
        q
    };
    whole.rsplit('.').next().unwrap_or(whole)
}

/// Whether the handler body, on every path, does nothing but log (or `pass`): no cleanup, no
/// state recorded, no fallback value.
pub(crate) fn only_logs(cfg: &Cfg, flow: &HandlerFlow) -> bool {
    body_blocks(cfg, flow).iter().all(|&id| {
        let block = &cfg.blocks[id as usize];
        let straight = block
            .succs
            .iter()
            .all(|e| !matches!(e.kind, EdgeKind::Branch { .. }));
        straight
            && block.stmts.iter().enumerate().all(|(i, stmt)| match stmt {
                // `except E as e:` binds the exception first.
                Stmt::Assign { value, .. } => {
                    id == flow.start && i == 0 && matches!(value.kind, ValueKind::Unknown)
                }
                Stmt::Eval(value) => match &value.kind {
                    ValueKind::Call(call) => is_logging_call(call),
                    ValueKind::Str(_) | ValueKind::Unknown => true,
                    _ => false,
                },
                Stmt::Return { .. } => false,
            })
    })
}

/// Exception types whose handlers are routine probes rather than failures of an operation.
const PROBES: &[&str] = &[
    "builtins.ImportError",
    "builtins.ModuleNotFoundError",
    "builtins.StopIteration",
    "builtins.StopAsyncIteration",
    "builtins.GeneratorExit",
    "builtins.KeyboardInterrupt",
    "builtins.NotImplementedError",
    "builtins.AttributeError",
];

/// The built-in exception a caught type names (`builtins.ImportError`), resolved or, for the
/// built-ins the front end does not list, as written.
fn builtin_exception(caught: &Value) -> Option<String> {
    if let Some(q) = caught.qualname() {
        return q.starts_with("builtins.").then(|| q.to_owned());
    }
    match &caught.kind {
        ValueKind::Ref {
            path, base: None, ..
        } if !path.contains('.') => Some(format!("builtins.{path}")),
        _ => None,
    }
}

/// Whether the handler catches a probe exception (`except ImportError:`).
pub(crate) fn catches_probe(handler: &Handler) -> bool {
    handler
        .caught
        .iter()
        .filter_map(builtin_exception)
        .any(|q| PROBES.contains(&q.as_str()))
}

/// Whether the handler catches everything: `except:`, `except Exception`,
/// `except BaseException` (alone or in a tuple).
pub(crate) fn catches_all(handler: &Handler) -> bool {
    handler.caught.is_empty()
        || handler.caught.iter().any(|c| {
            matches!(
                c.qualname(),
                Some("builtins.Exception" | "builtins.BaseException")
            )
        })
}

/// The header as written, for messages: `except RuntimeError`.
pub(crate) fn header(text: &str) -> String {
    text.trim_end_matches(':').to_owned()
}

/// Whether `value` contains a call that can fail (anything but logging and the built-ins that
/// do not raise on ordinary values), returning the first.
pub(crate) fn failing_call(value: &Value) -> Option<&Call> {
    crate::held::first_call_in(value, can_fail)
}

const RAISING_BUILTINS: &[&str] = &[
    "builtins.int",
    "builtins.float",
    "builtins.open",
    "builtins.next",
    "builtins.getattr",
    "builtins.__import__",
];

fn can_fail(call: &Call) -> bool {
    let q = call.qualname();
    // Plain built-in functions rarely fail; methods of built-in objects (`open(p).read()`) can.
    if q.starts_with("builtins.") && !q.contains('(') {
        return call.is_any(RAISING_BUILTINS);
    }
    !is_logging_call(call)
}
