//! Builds a function's [`Cfg`] while a front-end walks its statements: the front-end appends
//! statements to the current block and asks for blocks and edges at each compound statement.

use crate::{Block, BlockId, Cfg, Edge, EdgeKind, Stmt, Value, ENTRY, EXIT};
use std::sync::Arc;

/// Where `break` and `continue` go inside a loop.
#[derive(Clone, Copy)]
pub struct LoopTargets {
    pub next: BlockId,
    pub done: BlockId,
}

/// A graph under construction, with the current block and the enclosing loops and `try` bodies.
pub struct CfgBuilder {
    cfg: Cfg,
    current: BlockId,
    loops: Vec<LoopTargets>,
    /// The handler dispatch blocks of the enclosing `try` statements, innermost last.
    handlers: Vec<BlockId>,
}

impl Default for CfgBuilder {
    fn default() -> Self {
        CfgBuilder::new()
    }
}

impl CfgBuilder {
    /// A graph with only the entry and exit blocks, the entry current.
    pub fn new() -> CfgBuilder {
        CfgBuilder {
            cfg: Cfg::new(),
            current: ENTRY,
            loops: Vec::new(),
            handlers: Vec::new(),
        }
    }

    /// Ends the graph: the last block falls through to the exit.
    pub fn finish(mut self) -> Cfg {
        self.goto(EXIT);
        self.cfg
    }

    /// The block statements are appended to.
    pub fn current(&self) -> BlockId {
        self.current
    }

    /// How many blocks the graph has so far: the id the next block will get.
    pub fn block_count(&self) -> BlockId {
        self.cfg.blocks.len() as BlockId
    }

    /// Makes `block` the one statements are appended to.
    pub fn set_current(&mut self, block: BlockId) {
        self.current = block;
    }

    /// A new empty block; inside a `try` body it may raise into the handlers.
    pub fn block(&mut self) -> BlockId {
        let id = self.cfg.blocks.len() as BlockId;
        let mut block = Block::default();
        if let Some(&handler) = self.handlers.last() {
            block.succs.push(Edge {
                to: handler,
                kind: EdgeKind::Exception,
            });
        }
        self.cfg.blocks.push(block);
        id
    }

    /// Appends a statement to the current block.
    pub fn push(&mut self, stmt: Stmt) {
        if let Some(block) = self.cfg.blocks.get_mut(self.current as usize) {
            block.stmts.push(stmt);
        }
    }

    /// Adds an edge from `from` to `to`.
    pub fn edge(&mut self, from: BlockId, to: BlockId, kind: EdgeKind) {
        if let Some(block) = self.cfg.blocks.get_mut(from as usize) {
            block.succs.push(Edge { to, kind });
        }
    }

    /// Control falls from the current block into `to`.
    pub fn goto(&mut self, to: BlockId) {
        self.edge(self.current, to, EdgeKind::Normal);
    }

    /// The current block ends by testing `cond`.
    pub fn branch(&mut self, cond: Arc<Value>, then: BlockId, otherwise: BlockId) {
        self.edge(
            self.current,
            then,
            EdgeKind::Branch {
                cond: cond.clone(),
                taken: true,
            },
        );
        self.edge(
            self.current,
            otherwise,
            EdgeKind::Branch { cond, taken: false },
        );
    }

    /// Control leaves the current block for `to` and does not come back (`return`, `break`):
    /// what follows in the same body is unreachable until a block is joined again.
    pub fn jump(&mut self, to: BlockId) {
        self.goto(to);
        self.current = self.block();
    }

    /// Control never leaves the current block (`exit(1)`, `abort()`): what follows in the same
    /// body is unreachable until a block is joined again, and no path goes on from here.
    pub fn stop(&mut self) {
        self.current = self.block();
    }

    /// Where a `raise` here goes: the innermost handler, or out of the function.
    pub fn raise_target(&self) -> BlockId {
        self.handlers.last().copied().unwrap_or(EXIT)
    }

    /// Makes `targets` where `break` and `continue` go until [`CfgBuilder::exit_loop`].
    pub fn enter_loop(&mut self, targets: LoopTargets) {
        self.loops.push(targets);
    }

    /// Leaves the innermost loop.
    pub fn exit_loop(&mut self) {
        self.loops.pop();
    }

    /// Where `break` and `continue` go here, if inside a loop.
    pub fn innermost_loop(&self) -> Option<LoopTargets> {
        self.loops.last().copied()
    }

    /// Blocks created from now on may raise into `dispatch`, until [`CfgBuilder::exit_try`].
    pub fn enter_try(&mut self, dispatch: BlockId) {
        self.handlers.push(dispatch);
    }

    /// Leaves the innermost `try` body.
    pub fn exit_try(&mut self) {
        self.handlers.pop();
    }
}
