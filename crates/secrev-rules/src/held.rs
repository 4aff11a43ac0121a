//! What a function takes and must give back on every way out (a lock it acquires, a file it
//! opens): the paths, exceptions included, on which it leaves the function still held.

use crate::helpers::is_logging_call;
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

/// Library functions that do not fail on the values code passes them.
const QUIET_FUNCTIONS: &[&str] = &[
    "os.path.join",
    "os.path.basename",
    "os.path.dirname",
    "os.path.split",
    "os.path.splitext",
    "os.path.normpath",
    "os.path.exists",
    "os.path.lexists",
    "os.path.isfile",
    "os.path.isdir",
    "os.path.islink",
    "os.access",
    "os.getpid",
    "time.time",
    "time.monotonic",
];

/// Classes whose construction acquires something and fails when it cannot.
const RAISING_CLASSES: &[&str] = &[
    "subprocess.Popen",
    "zipfile.ZipFile",
    "gzip.GzipFile",
    "bz2.BZ2File",
    "ftplib.FTP",
    "smtplib.SMTP",
    "telnetlib.Telnet",
    "http.client.HTTPConnection",
    "http.client.HTTPSConnection",
];

/// The first call in `stmt` that can plausibly raise.
fn first_call(stmt: &Stmt) -> Option<&Call> {
    stmt_value(stmt).and_then(|value| first_call_in(value, can_raise))
}

/// The first call in `value` (in evaluation order of the walk) for which `test` holds.
pub(crate) fn first_call_in(value: &Value, test: fn(&Call) -> bool) -> Option<&Call> {
    let mut found = None;
    any_in(value, &mut |v| {
        if let ValueKind::Call(call) = &v.kind {
            if test(call) {
                found = Some(call.as_ref());
                return true;
            }
        }
        false
    });
    found
}

pub(crate) fn can_raise(call: &Call) -> bool {
    let qualname = call.qualname();
    if qualname.starts_with("builtins.") {
        return call.is_any(RAISING_BUILTINS);
    }
    if call.is_any(QUIET_FUNCTIONS) {
        return false;
    }
    // Building a plain object (`sa.MetaData()`, `Timer(...)`) does not fail on ordinary values.
    let name = call.callee.method.as_deref().unwrap_or(&call.callee.text);
    let short = name.rsplit('.').next().unwrap_or(name);
    if short.starts_with(|c: char| c.is_ascii_uppercase()) && !call.is_any(RAISING_CLASSES) {
        return false;
    }
    !is_logging_call(call)
}

/// What a search for a leaking path asks about the thing held (a resource bound to a name).
pub(crate) trait Holder {
    /// Whether `stmt` gives the thing back (releases it, or hands it to someone who will).
    fn gives_back(&mut self, stmt: &Stmt) -> bool;
    /// Whether the search may follow the edge taken when `cond` is `taken`; a condition about
    /// the thing itself (`if f:`, `if proc is not None:`, `if (!p)`) tells the paths apart: a
    /// holder declines the edges on which it holds nothing, or both when it cannot tell.
    fn follows(&mut self, cond: &Value, taken: bool) -> bool;
}

/// How a resource leaves a function without being given back, found by [`leak`].
pub(crate) enum Leak<'c> {
    /// A path ends the function with no failure needed: through the `return` at `ret`, or by a
    /// `raise` statement or the end of the body when `ret` is `None`. `last` is the last statement
    /// on the path (the `raise`'s exception, when it is one).
    Exit {
        ret: Option<ByteSpan>,
        last: Option<ByteSpan>,
    },
    /// Only when this call raises: outside any `try`, or into handlers that end the function
    /// without giving the thing back.
    Raise(&'c Call),
}

/// The first leaking path from `from` (the statement after the acquisition). Unlike
/// [`first_escape`], exception edges are taken only from a block with a call that can raise,
/// failing `assert`s are not followed (a failed assertion is a bug of its own), and branches the
/// holder declines are not followed. Paths that need no failure are searched first; each search
/// visits every block at most once, so the cost is linear in the size of the graph.
pub(crate) fn leak<'c>(cfg: &'c Cfg, from: At, holder: &mut impl Holder) -> Option<Leak<'c>> {
    search(cfg, from, holder, false).or_else(|| search(cfg, from, holder, true))
}

fn search<'c>(
    cfg: &'c Cfg,
    from: At,
    holder: &mut impl Holder,
    exceptions: bool,
) -> Option<Leak<'c>> {
    struct Path<'c> {
        block: BlockId,
        first: usize,
        ret: Option<ByteSpan>,
        last: Option<ByteSpan>,
        raised: Option<&'c Call>,
        /// Reached by an exception edge: the handler dispatch of a `try`.
        dispatch: bool,
    }
    let mut seen = vec![false; cfg.blocks.len()];
    // The first exception that leaves the function, kept while a `return` is looked for.
    let mut thrown: Option<&'c Call> = None;
    let mut stack = vec![Path {
        block: from.block,
        first: from.stmt,
        ret: None,
        last: None,
        raised: None,
        dispatch: false,
    }];
    while let Some(mut path) = stack.pop() {
        if path.block == EXIT {
            // A `return` on the way names the exit best, even in a handler.
            match (path.ret, path.raised) {
                (None, Some(call)) => {
                    thrown.get_or_insert(call);
                    continue;
                }
                _ => {
                    return Some(Leak::Exit {
                        ret: path.ret,
                        last: path.last,
                    })
                }
            }
        }
        let Some(block) = cfg.blocks.get(path.block as usize) else {
            continue;
        };
        let handler = block.succs.iter().find_map(|e| match e.kind {
            EdgeKind::Exception => Some(e.to),
            _ => None,
        });
        let mut given_back = false;
        let mut raising: Option<&'c Call> = None;
        for stmt in block.stmts.iter().skip(path.first) {
            if holder.gives_back(stmt) {
                given_back = true;
                break;
            }
            match stmt {
                Stmt::Return { span, .. } => path.ret = Some(*span),
                Stmt::Assign { value, .. } | Stmt::Eval(value) => path.last = Some(value.span),
            }
            if exceptions && raising.is_none() {
                raising = first_call(stmt);
                if let (Some(call), None) = (raising, handler) {
                    // Raised outside any `try`: straight out of the function.
                    thrown.get_or_insert(path.raised.unwrap_or(call));
                }
            }
        }
        if given_back {
            continue;
        }
        for edge in &block.succs {
            // Exceptions that the `try`'s clauses do not catch are taken not to happen: the code
            // planned for the failures it expects.
            if path.dispatch && edge.to == EXIT && block.succs.len() > 1 {
                continue;
            }
            let raised = match &edge.kind {
                EdgeKind::Exception => match raising {
                    Some(call) => Some(path.raised.unwrap_or(call)),
                    None => continue,
                },
                EdgeKind::Branch { cond, taken } => {
                    // A failing `assert` jumps straight to the raise target.
                    let assertion = !taken && (edge.to == EXIT || Some(edge.to) == handler);
                    if assertion || !holder.follows(cond, *taken) {
                        continue;
                    }
                    path.raised
                }
                EdgeKind::Normal => path.raised,
            };
            let to = edge.to as usize;
            if to < seen.len() && !std::mem::replace(&mut seen[to], true) {
                stack.push(Path {
                    block: edge.to,
                    first: 0,
                    ret: path.ret,
                    last: path.last,
                    raised,
                    dispatch: matches!(edge.kind, EdgeKind::Exception),
                });
            }
        }
    }
    thrown.map(Leak::Raise)
}
