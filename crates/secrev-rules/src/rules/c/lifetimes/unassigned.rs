//! Which variables declared without a value may still hold no value when control reaches each
//! statement: a forward "maybe unassigned" dataflow over a C function's graph, tuned to stay
//! quiet on paths that only exist because the graph cannot see what the code relies on.
//!
//! Three assumptions keep it precise (each drops paths, never adds them):
//! - loops run at least once: the edge leaving a loop header carries only the state that
//!   comes back around the loop, not the state from before the loop;
//! - a `switch` covers its values: the edge from the dispatch to what follows the `switch` is not
//!   followed (nor is the `default:` edge, which the graph does not tell apart), and neither is
//!   the way past an `else if` chain of `x == A` tests without a final `else`;
//! - conditions are correlated: a variable left unset on a path that tested some names, or whose
//!   assignments come with a flag (`idx = i; found = 1;`), is no longer followed past a later
//!   test of those names (`if (found)`), which usually decides whether it was set.

use secrev_core::ByteSpan;
use secrev_ir::{any_in, BlockId, Cfg, Edge, EdgeKind, Stmt, Value, ValueKind, ENTRY, EXIT};
use std::collections::{BTreeSet, HashSet};

/// What a statement does to a tracked variable.
pub(crate) enum Effect {
    Untouched,
    /// Reads it, at this span.
    Read(ByteSpan),
    /// Sets it (or may: its address escapes, it is passed to something that may set it).
    Write,
}

/// A variable that may still be unassigned.
#[derive(Clone, PartialEq)]
struct Unset<'c> {
    /// The names the conditions on the unassigned paths tested.
    tested: BTreeSet<&'c str>,
    /// Whether some path to here did assign it (so a test may tell the paths apart).
    partly: bool,
}

/// For each tracked variable, `None` once assigned on every path here.
type State<'c> = Vec<Option<Unset<'c>>>;

/// The problem: how many variables, what each statement does to each, and each variable's
/// companions (names assigned next to it).
pub(crate) struct Problem<'p, 'c> {
    pub cfg: &'c Cfg,
    pub vars: usize,
    pub effect: &'p dyn Fn(&'c Stmt, usize) -> Effect,
    pub companions: &'p [Vec<&'c str>],
}

/// Every read of a tracked variable on a path where it may be unassigned: (variable, span).
/// Empty when the analysis does not settle within its budget.
pub(crate) fn unassigned_reads(p: &Problem) -> Vec<(usize, ByteSpan)> {
    let blocks = p.cfg.blocks.len();
    let shape = LoopShape::of(p.cfg);
    let order = p.cfg.reverse_postorder();
    let mut into: Vec<Vec<&Edge>> = vec![Vec::new(); blocks];
    for edge in p.cfg.blocks.iter().flat_map(|b| &b.succs) {
        if let Some(list) = into.get_mut(edge.to as usize) {
            list.push(edge);
        }
    }
    let mut incoming: Vec<Vec<(BlockId, &Edge)>> = vec![Vec::new(); blocks];
    for (id, block) in p.cfg.blocks.iter().enumerate() {
        let reached_by = match into[id].as_slice() {
            [only] => Some(*only),
            _ => None,
        };
        for edge in &block.succs {
            if edge.to != EXIT && followed(block, edge) && !ends_chain(reached_by, edge) {
                if let Some(list) = incoming.get_mut(edge.to as usize) {
                    list.push((id as BlockId, edge));
                }
            }
        }
    }
    let start: State = vec![
        Some(Unset {
            tested: BTreeSet::new(),
            partly: false,
        });
        p.vars
    ];
    let mut entry: Vec<Option<State>> = vec![None; blocks];
    let mut back: Vec<Option<State>> = vec![None; blocks];
    // What leaves each block: through its statements from `entry`, and from `back`.
    let mut through: Vec<Option<State>> = vec![None; blocks];
    let mut around: Vec<Option<State>> = vec![None; blocks];
    // Each state is recomputed from its predecessors (not only grown): dropping a variable at
    // a correlated test must reach the blocks that saw it before the test was known to apply.
    // That makes the iteration not monotone, so it has a budget; past it nothing is reported.
    let mut settled = false;
    for _ in 0..24 {
        let mut changed = false;
        for &id in &order {
            let at = id as usize;
            let (mut new_entry, mut new_back) = (None, None);
            if id == ENTRY {
                new_entry = Some(start.clone());
            }
            for (from, edge) in &incoming[at] {
                let leaving = shape.exits.contains(&(*from, id));
                let out = if leaving { &around } else { &through };
                let Some(state) = &out[*from as usize] else {
                    continue;
                };
                let state = cross(p, edge, state.clone());
                if shape.back.contains(&(*from, id)) {
                    join(&mut new_back, &state);
                }
                join(&mut new_entry, &state);
            }
            if new_entry != entry[at] || new_back != back[at] {
                changed = true;
                through[at] = new_entry.clone().map(|s| transfer(p, id, s));
                around[at] = new_back.clone().map(|s| transfer(p, id, s));
                entry[at] = new_entry;
                back[at] = new_back;
            }
        }
        if !changed {
            settled = true;
            break;
        }
    }
    if !settled {
        return Vec::new();
    }
    let mut reads = Vec::new();
    for (id, state) in entry.iter().enumerate() {
        let Some(mut state) = state.clone() else {
            continue;
        };
        for stmt in &p.cfg.blocks[id].stmts {
            for (var, slot) in state.iter_mut().enumerate() {
                let Some(unset) = slot else {
                    continue;
                };
                match (p.effect)(stmt, var) {
                    Effect::Read(span)
                        if !short_circuited(stmt, span, unset, &p.companions[var]) =>
                    {
                        reads.push((var, span))
                    }
                    Effect::Write => *slot = None,
                    Effect::Read(_) | Effect::Untouched => {}
                }
            }
        }
    }
    reads
}

/// Whether the read at `span` sits in a later operand of `&&`/`||` than a test of the names
/// the unassigned path tested, or of a companion (`!valid || elapsed > limit`): the earlier
/// operand decides whether the read happens, as a separate `if` would.
fn short_circuited(stmt: &Stmt, span: ByteSpan, unset: &Unset, companions: &[&str]) -> bool {
    let Some(value) = crate::held::stmt_value(stmt) else {
        return false;
    };
    let decides = |v: &Value| {
        names(v)
            .iter()
            .any(|n| unset.tested.contains(n) || companions.contains(n))
    };
    any_in(value, &mut |v| match &v.kind {
        ValueKind::Operation {
            op: "and" | "or",
            operands,
        } => operands.iter().enumerate().any(|(k, operand)| {
            operand.span.start <= span.start
                && span.end <= operand.span.end
                && operands[..k].iter().any(decides)
        }),
        _ => false,
    })
}

/// The state after the block's statements (a path that ends in `exit()` has no successor).
fn transfer<'c>(p: &Problem<'_, 'c>, id: BlockId, mut state: State<'c>) -> State<'c> {
    for stmt in &p.cfg.blocks[id as usize].stmts {
        for (var, slot) in state.iter_mut().enumerate() {
            match (p.effect)(stmt, var) {
                Effect::Write => *slot = None,
                Effect::Untouched | Effect::Read(_) => {}
            }
        }
    }
    state
}

/// The state along `edge`: a branch adds what it tests to each unassigned variable's path, or
/// stops following a variable whose path (or companions) it tests again.
fn cross<'c>(p: &Problem<'_, 'c>, edge: &'c Edge, mut state: State<'c>) -> State<'c> {
    let EdgeKind::Branch { cond, .. } = &edge.kind else {
        return state;
    };
    let tested = names(cond);
    for (var, slot) in state.iter_mut().enumerate() {
        let Some(unset) = slot else {
            continue;
        };
        // An `else if` chain tests the same names on paths that all left it unset: only a
        // test reached by paths that set it and paths that did not can tell them apart.
        let again = tested
            .iter()
            .any(|n| unset.tested.contains(n) || p.companions[var].contains(n));
        if again && unset.partly {
            *slot = None;
        } else {
            unset.tested.extend(tested.iter().copied());
        }
    }
    state
}

/// The access paths a condition reads.
fn names(cond: &Value) -> Vec<&str> {
    let mut found = Vec::new();
    any_in(cond, &mut |v| {
        if let Some(path) = v.path() {
            found.push(path);
        }
        false
    });
    found
}

/// Merges `state` into `slot`.
fn join<'c>(slot: &mut Option<State<'c>>, state: &State<'c>) {
    let Some(current) = slot else {
        *slot = Some(state.clone());
        return;
    };
    for (mine, theirs) in current.iter_mut().zip(state) {
        match (mine.as_mut(), theirs) {
            (None, None) => {}
            (Some(m), None) => m.partly = true,
            (None, Some(t)) => {
                *mine = Some(Unset {
                    tested: t.tested.clone(),
                    partly: true,
                });
            }
            (Some(m), Some(t)) => {
                m.tested.extend(t.tested.iter().copied());
                m.partly |= t.partly;
            }
        }
    }
}

/// Whether the search takes `edge` out of `block`: not a branch on a constant that goes the
/// other way, and not the fall-back edge of a `switch` dispatch (a block whose branches are all
/// `case` tests).
fn followed(block: &secrev_ir::Block, edge: &Edge) -> bool {
    match &edge.kind {
        EdgeKind::Branch { cond, taken } => cond.truth() != Some(!taken),
        EdgeKind::Normal => {
            let mut cases = block.succs.iter().filter_map(|e| match &e.kind {
                EdgeKind::Branch { cond, taken } => Some((cond, *taken)),
                _ => None,
            });
            let first = cases.next();
            let is_switch = first.is_some_and(|(cond, taken)| {
                taken && matches!(cond.kind, ValueKind::Operation { op: "==", .. })
            }) && cases.all(|(_, taken)| taken);
            !is_switch
        }
        EdgeKind::Exception => true,
    }
}

/// Whether `edge` is the way past an `if (x == A) ... else if (x == B) ...` chain that has no
/// final `else` (`reached_by` is the only edge into its block): like a `switch`, such a chain is
/// taken to cover the values `x` can have.
fn ends_chain(reached_by: Option<&Edge>, edge: &Edge) -> bool {
    let tested = |edge: &Edge| match &edge.kind {
        EdgeKind::Branch {
            cond, taken: false, ..
        } => match &cond.kind {
            ValueKind::Operation { op: "==", operands } => match operands.as_slice() {
                [subject, value] if is_label(value) => subject.path().map(str::to_owned),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    };
    match (tested(edge), reached_by.and_then(tested)) {
        (Some(now), Some(before)) => now == before,
        _ => false,
    }
}

/// An integer constant or a name in capitals (an enumerator or macro).
fn is_label(value: &Value) -> bool {
    match &value.kind {
        ValueKind::Int(_) => true,
        ValueKind::Ref { path, .. } => path
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "_:".contains(c)),
        _ => false,
    }
}

/// The loops of a graph: its back edges, and the edges that leave a loop from its header.
struct LoopShape {
    back: HashSet<(BlockId, BlockId)>,
    exits: HashSet<(BlockId, BlockId)>,
}

impl LoopShape {
    fn of(cfg: &Cfg) -> LoopShape {
        let n = cfg.blocks.len();
        let mut back = HashSet::new();
        // Iterative depth-first search: an edge to a block still on the stack closes a loop.
        let mut state = vec![0u8; n]; // 0 unseen, 1 on the stack, 2 done
        let mut stack: Vec<(BlockId, usize)> = vec![(ENTRY, 0)];
        if n > 0 {
            state[0] = 1;
        }
        while let Some((id, next)) = stack.pop() {
            let succs = &cfg.blocks[id as usize].succs;
            let Some(edge) = succs.get(next) else {
                state[id as usize] = 2;
                continue;
            };
            stack.push((id, next + 1));
            let to = edge.to as usize;
            match state.get(to) {
                Some(0) => {
                    state[to] = 1;
                    stack.push((edge.to, 0));
                }
                Some(1) => {
                    back.insert((id, edge.to));
                }
                _ => {}
            }
        }
        let mut preds: Vec<Vec<BlockId>> = vec![Vec::new(); n];
        for (id, block) in cfg.blocks.iter().enumerate() {
            for edge in &block.succs {
                if let Some(list) = preds.get_mut(edge.to as usize) {
                    list.push(id as BlockId);
                }
            }
        }
        let mut exits = HashSet::new();
        let headers: BTreeSet<BlockId> = back.iter().map(|(_, h)| *h).collect();
        for header in headers {
            // The natural loop: what reaches a back edge into `header` without passing it.
            let mut body: HashSet<BlockId> = HashSet::from([header]);
            let mut work: Vec<BlockId> = back
                .iter()
                .filter(|(_, h)| *h == header)
                .map(|(s, _)| *s)
                .collect();
            while let Some(b) = work.pop() {
                if body.insert(b) {
                    work.extend(preds[b as usize].iter().copied());
                }
            }
            for edge in &cfg.blocks[header as usize].succs {
                if !body.contains(&edge.to) {
                    exits.insert((header, edge.to));
                }
            }
        }
        LoopShape { back, exits }
    }
}
