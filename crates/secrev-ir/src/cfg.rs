//! Control-flow graphs: the order in which a function's statements can run.
//!
//! A [`Cfg`] is a list of [`Block`]s of straight-line [`Stmt`]s joined by [`Edge`]s. Branches
//! carry their condition, so an analysis can learn from a test (`if name in ALLOWED:`) and skip a
//! branch whose condition is constant; statements that may raise inside a `try` have
//! [`EdgeKind::Exception`] edges to the handlers. Block [`ENTRY`] starts the function and block
//! [`EXIT`] is where every `return`, uncaught `raise` and fall-through ends.

use crate::{Call, Value, ValueKind};
use compact_str::CompactString;
use secrev_core::ByteSpan;
use std::sync::Arc;

/// An index into [`Cfg::blocks`].
pub type BlockId = u32;

/// The block every function starts in.
pub const ENTRY: BlockId = 0;
/// The block every path through a function ends in; it holds no statements.
pub const EXIT: BlockId = 1;

/// The control-flow graph of one function, module or class body.
#[derive(Debug, Clone, Default)]
pub struct Cfg {
    pub blocks: Vec<Block>,
}

/// Statements that run one after the other, and where control goes next.
#[derive(Debug, Clone, Default)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub succs: Vec<Edge>,
}

/// A transfer of control between blocks.
#[derive(Debug, Clone)]
pub struct Edge {
    pub to: BlockId,
    pub kind: EdgeKind,
}

/// Why control takes an [`Edge`].
#[derive(Debug, Clone)]
pub enum EdgeKind {
    /// Unconditionally, or for a reason the graph does not model (which `match` case applies).
    Normal,
    /// When `cond` evaluates to `taken`.
    Branch { cond: Arc<Value>, taken: bool },
    /// When a statement of the source block raises.
    Exception,
}

/// One step of a block.
#[derive(Debug, Clone)]
pub enum Stmt {
    /// `target = value`; augmented assignments (`+=`) read the target too.
    Assign {
        target: Place,
        value: Arc<Value>,
        augmented: bool,
    },
    /// A value computed for its effects: an expression statement, a condition, a `with` item.
    Eval(Arc<Value>),
    /// Leaving the function, with the value returned if any.
    Return {
        value: Option<Arc<Value>>,
        span: ByteSpan,
    },
}

/// Where an assignment stores a value.
#[derive(Debug, Clone)]
pub struct Place {
    /// The canonical access path: `name`, `obj.attr`, `table[key]` for a constant key.
    pub path: CompactString,
    /// Whether the store only adds to what `path` holds (an element stored under a key that is
    /// not constant, so `path` is the container).
    pub weak: bool,
    /// The qualified name of the object stored into, when known (`flask.session` for
    /// `session['user'] = ...`).
    pub owner: Option<String>,
    pub span: ByteSpan,
}

impl Cfg {
    /// A graph with only the entry and exit blocks.
    pub fn new() -> Cfg {
        Cfg {
            blocks: vec![Block::default(), Block::default()],
        }
    }

    /// Calls `visit` on every call in the graph's statements, nested calls included.
    pub fn for_each_call(&self, visit: &mut impl FnMut(&Call)) {
        self.any_value(&mut |value| {
            if let ValueKind::Call(call) = &value.kind {
                visit(call);
            }
            false
        });
    }

    /// Whether `test` holds for any value in the graph's statements, nested values included
    /// (not the values names were bound to elsewhere).
    pub fn any_value(&self, test: &mut impl FnMut(&Value) -> bool) -> bool {
        self.blocks
            .iter()
            .flat_map(|b| &b.stmts)
            .any(|stmt| match stmt {
                Stmt::Assign { value, .. } | Stmt::Eval(value) => any_in(value, test),
                Stmt::Return { value, .. } => value.as_ref().is_some_and(|v| any_in(v, test)),
            })
    }

    /// Block ids in reverse post-order from [`ENTRY`]: every block comes after the blocks that
    /// reach it, loops aside. Unreachable blocks are left out.
    pub fn reverse_postorder(&self) -> Vec<BlockId> {
        let mut order = Vec::with_capacity(self.blocks.len());
        let mut seen = vec![false; self.blocks.len()];
        // Iterative DFS: function bodies can be long enough to make recursion a risk.
        let mut stack: Vec<(BlockId, usize)> = vec![(ENTRY, 0)];
        if let Some(first) = seen.first_mut() {
            *first = true;
        }
        while let Some((block, next)) = stack.pop() {
            let succs = &self.blocks[block as usize].succs;
            if let Some(edge) = succs.get(next) {
                stack.push((block, next + 1));
                let to = edge.to as usize;
                if to < seen.len() && !seen[to] {
                    seen[to] = true;
                    stack.push((edge.to, 0));
                }
            } else {
                order.push(block);
            }
        }
        order.reverse();
        order
    }
}

/// Whether `test` holds for `value` or any value nested in it (receivers, arguments, operands,
/// parts; not the values names were bound to elsewhere).
pub fn any_in<'v>(value: &'v Value, test: &mut impl FnMut(&'v Value) -> bool) -> bool {
    if test(value) {
        return true;
    }
    match &value.kind {
        ValueKind::Call(call) => {
            call.callee
                .receiver
                .as_deref()
                .is_some_and(|r| any_in(r, test))
                || call.args.iter().any(|a| any_in(a, test))
                || call.keywords.iter().any(|k| any_in(&k.value, test))
        }
        ValueKind::Ref {
            base: Some(base), ..
        } => any_in(base, test),
        ValueKind::Build { parts, .. } => parts.iter().any(|part| match part {
            crate::Part::Hole(hole) => any_in(hole, test),
            crate::Part::Lit(_) => false,
        }),
        ValueKind::List(items) | ValueKind::Tuple(items) | ValueKind::Set(items) => {
            items.iter().any(|i| any_in(i, test))
        }
        ValueKind::Dict(entries) => entries
            .iter()
            .any(|(key, item)| key.as_ref().is_some_and(|k| any_in(k, test)) || any_in(item, test)),
        ValueKind::Operation { operands, .. } => operands.iter().any(|o| any_in(o, test)),
        ValueKind::Comprehension { bindings, elements } => {
            bindings.iter().any(|(_, v)| any_in(v, test))
                || elements.iter().any(|e| any_in(e, test))
        }
        _ => false,
    }
}
