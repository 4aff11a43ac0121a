//! Builds a function's [`Cfg`] while the lowerer walks its statements: the lowerer appends
//! statements to the current block and asks for blocks and edges at each compound statement.

use secrev_ir::{Block, BlockId, Cfg, Edge, EdgeKind, Stmt, Value, ENTRY, EXIT};
use std::sync::Arc;

/// Where `break` and `continue` go inside a loop.
#[derive(Clone, Copy)]
pub(crate) struct LoopTargets {
    pub(crate) next: BlockId,
    pub(crate) done: BlockId,
}

pub(crate) struct CfgBuilder {
    cfg: Cfg,
    current: BlockId,
    loops: Vec<LoopTargets>,
    /// The handler dispatch blocks of the enclosing `try` statements, innermost last.
    handlers: Vec<BlockId>,
}

impl CfgBuilder {
    pub(crate) fn new() -> CfgBuilder {
        CfgBuilder {
            cfg: Cfg::new(),
            current: ENTRY,
            loops: Vec::new(),
            handlers: Vec::new(),
        }
    }

    /// Ends the graph: the last block falls through to the exit.
    pub(crate) fn finish(mut self) -> Cfg {
        self.goto(EXIT);
        self.cfg
    }

    pub(crate) fn current(&self) -> BlockId {
        self.current
    }

    /// How many blocks the graph has so far: the id the next block will get.
    pub(crate) fn block_count(&self) -> BlockId {
        self.cfg.blocks.len() as BlockId
    }

    pub(crate) fn set_current(&mut self, block: BlockId) {
        self.current = block;
    }

    /// A new empty block; inside a `try` body it may raise into the handlers.
    pub(crate) fn block(&mut self) -> BlockId {
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

    pub(crate) fn push(&mut self, stmt: Stmt) {
        if let Some(block) = self.cfg.blocks.get_mut(self.current as usize) {
            block.stmts.push(stmt);
        }
    }

    pub(crate) fn edge(&mut self, from: BlockId, to: BlockId, kind: EdgeKind) {
        if let Some(block) = self.cfg.blocks.get_mut(from as usize) {
            block.succs.push(Edge { to, kind });
        }
    }

    /// Control falls from the current block into `to`.
    pub(crate) fn goto(&mut self, to: BlockId) {
        self.edge(self.current, to, EdgeKind::Normal);
    }

    /// The current block ends by testing `cond`.
    pub(crate) fn branch(&mut self, cond: Arc<Value>, then: BlockId, otherwise: BlockId) {
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
    pub(crate) fn jump(&mut self, to: BlockId) {
        self.goto(to);
        self.current = self.block();
    }

    /// Where a `raise` here goes: the innermost handler, or out of the function.
    pub(crate) fn raise_target(&self) -> BlockId {
        self.handlers.last().copied().unwrap_or(EXIT)
    }

    pub(crate) fn enter_loop(&mut self, targets: LoopTargets) {
        self.loops.push(targets);
    }

    pub(crate) fn exit_loop(&mut self) {
        self.loops.pop();
    }

    pub(crate) fn innermost_loop(&self) -> Option<LoopTargets> {
        self.loops.last().copied()
    }

    pub(crate) fn enter_try(&mut self, dispatch: BlockId) {
        self.handlers.push(dispatch);
    }

    pub(crate) fn exit_try(&mut self) {
        self.handlers.pop();
    }
}
