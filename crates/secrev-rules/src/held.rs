//! What a function takes and must give back on every way out (a lock it acquires, a file it
//! opens): the paths, exceptions included, on which it leaves the function still held.

use secrev_core::ByteSpan;
use secrev_ir::{any_in, BlockId, Call, Cfg, EdgeKind, Stmt, Value, ValueKind, EXIT};

/// A statement of a graph: block and index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At {
    pub block: BlockId,
    pub stmt: usize,
}

/// How something held leaves the function.
pub(crate) enum Escape<'c> {
    /// A path ends the function without giving it back: through this `return`, or off the end
    /// of the body when `None`.
    Exit(Option<ByteSpan>),
    /// This call can raise where no handler or `finally` gives it back.
    Raise(&'c Call),
}

/// The statement's value, if it has one.
pub(crate) fn stmt_value(stmt: &Stmt) -> Option<&Value> {
    match stmt {
        Stmt::Assign { value, .. } | Stmt::Eval(value) => Some(value),
        Stmt::Return { value, .. } => value.as_deref(),
    }
}

/// Whether `stmt` calls something for which `test` holds.
pub(crate) fn calls(stmt: &Stmt, test: &mut impl FnMut(&Call) -> bool) -> bool {
    stmt_value(stmt).is_some_and(|value| {
        any_in(
            value,
            &mut |v| matches!(&v.kind, ValueKind::Call(c) if test(c)),
        )
    })
}

/// Every statement of the graph with its position.
pub(crate) fn statements(cfg: &Cfg) -> impl Iterator<Item = (At, &Stmt)> {
    cfg.blocks.iter().enumerate().flat_map(|(block, b)| {
        b.stmts.iter().enumerate().map(move |(stmt, s)| {
            let at = At {
                block: block as BlockId,
                stmt,
            };
            (at, s)
        })
    })
}

/// The first way the thing taken just before `from` escapes, following every edge (exception
/// edges included) until `gives_back` holds for a statement. A path that ends the function is
/// preferred to one that raises: it needs no failure to happen.
pub(crate) fn first_escape<'c>(
    cfg: &'c Cfg,
    from: At,
    gives_back: &mut impl FnMut(&Stmt) -> bool,
) -> Option<Escape<'c>> {
    let mut seen = vec![false; cfg.blocks.len()];
    // (block, first statement, the last `return` on the way)
    let mut stack: Vec<(BlockId, usize, Option<ByteSpan>)> = vec![(from.block, from.stmt, None)];
    let mut raise: Option<&'c Call> = None;
    while let Some((id, first, mut last_return)) = stack.pop() {
        if id == EXIT {
            return Some(Escape::Exit(last_return));
        }
        let Some(block) = cfg.blocks.get(id as usize) else {
            continue;
        };
        let handled = block
            .succs
            .iter()
            .any(|e| matches!(e.kind, EdgeKind::Exception));
        let mut given_back = false;
        for stmt in block.stmts.iter().skip(first) {
            if gives_back(stmt) {
                given_back = true;
                break;
            }
            if let Stmt::Return { span, .. } = stmt {
                last_return = Some(*span);
            }
            if !handled && raise.is_none() {
                raise = first_call(stmt);
            }
        }
        if given_back {
            continue;
        }
        for edge in &block.succs {
            let to = edge.to as usize;
            if to < seen.len() && !std::mem::replace(&mut seen[to], true) {
                stack.push((edge.to, 0, last_return));
            }
        }
    }
    raise.map(Escape::Raise)
}

/// Built-in functions that can raise on the values they are given; the others (`len`,
/// `isinstance`, containers...) do not fail on ordinary values.
const RAISING_BUILTINS: &[&str] = &[
    "builtins.int",
    "builtins.float",
    "builtins.open",
    "builtins.next",
    "builtins.getattr",
];

/// Logging methods: they report their own failures instead of raising.
const LOG_METHODS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "exception",
    "critical",
];

/// The first call in `stmt` that can plausibly raise.
fn first_call(stmt: &Stmt) -> Option<&Call> {
    let mut found = None;
    if let Some(value) = stmt_value(stmt) {
        any_in(value, &mut |v| {
            if let ValueKind::Call(call) = &v.kind {
                if can_raise(call) {
                    found = Some(call.as_ref());
                    return true;
                }
            }
            false
        });
    }
    found
}

fn can_raise(call: &Call) -> bool {
    let qualname = call.qualname();
    if qualname.starts_with("builtins.") {
        return call.is_any(RAISING_BUILTINS);
    }
    !call.callee.method.as_deref().is_some_and(|m| {
        LOG_METHODS.contains(&m) && call.callee.text.to_ascii_lowercase().contains("log")
    })
}
