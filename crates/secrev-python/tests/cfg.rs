//! The shape of the control-flow graphs the Python front-end builds.

use secrev_ir::{Cfg, EdgeKind, Function, Stmt, ValueKind, ENTRY, EXIT};

fn function<'u>(unit: &'u secrev_ir::Unit, name: &str) -> &'u Function {
    unit.functions
        .iter()
        .find(|f| f.name == name)
        .expect("function")
}

/// The paths assigned in blocks reachable from the entry, in block order.
fn reachable_assignments(cfg: &Cfg) -> Vec<String> {
    cfg.reverse_postorder()
        .into_iter()
        .flat_map(|b| &cfg.blocks[b as usize].stmts)
        .filter_map(|s| match s {
            Stmt::Assign { target, .. } => Some(target.path.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_if_branches_on_its_condition_both_ways() {
    let unit = secrev_python::lower(
        "def f(x):\n    if x > 1:\n        a = 1\n    else:\n        b = 2\n    c = 3\n",
    )
    .unit;
    let cfg = &function(&unit, "f").cfg;
    let branches: Vec<bool> = cfg
        .blocks
        .iter()
        .flat_map(|b| &b.succs)
        .filter_map(|e| match &e.kind {
            EdgeKind::Branch { taken, cond } => {
                assert!(matches!(cond.kind, ValueKind::Operation { op: ">", .. }));
                Some(*taken)
            }
            _ => None,
        })
        .collect();
    assert_eq!(branches, [true, false]);
    let mut assigned = reachable_assignments(cfg);
    assigned.sort();
    assert_eq!(assigned, ["a", "b", "c"]);
}

#[test]
fn code_after_return_raise_and_break_is_unreachable() {
    let src = "def f(items):\n    for i in items:\n        break\n        dead1 = 1\n    return 1\n    dead2 = 2\n\ndef g():\n    raise ValueError()\n    dead3 = 3\n";
    let unit = secrev_python::lower(src).unit;
    assert_eq!(reachable_assignments(&function(&unit, "f").cfg), ["i"]);
    assert!(reachable_assignments(&function(&unit, "g").cfg).is_empty());
}

#[test]
fn statements_in_a_try_body_can_reach_the_handlers() {
    let src = "def f():\n    try:\n        a = risky()\n    except ValueError as e:\n        b = 1\n    finally:\n        c = 2\n";
    let unit = secrev_python::lower(src).unit;
    let cfg = &function(&unit, "f").cfg;
    assert!(cfg.blocks.iter().any(|b| b
        .succs
        .iter()
        .any(|e| matches!(e.kind, EdgeKind::Exception))));
    let mut assigned = reachable_assignments(cfg);
    assigned.sort();
    // `finally` runs three times in the graph: after the body or a handler, on the way out of an
    // exception no handler catches, and on the way out of one raised in a handler.
    assert_eq!(assigned, ["a", "b", "c", "c", "c", "e"]);
}

#[test]
fn a_raise_in_a_handler_runs_finally() {
    let src = "def f(s):
    try:
        s.bind()
    except OSError:
        raise Busy()
    finally:
        s.close()
";
    let unit = secrev_python::lower(src).unit;
    let cfg = &function(&unit, "f").cfg;
    // Every way into the exit passes a block that closes `s`.
    let closes = |b: &secrev_ir::Block| {
        b.stmts.iter().any(|s| matches!(s, Stmt::Eval(v) if matches!(&v.kind, ValueKind::Call(c) if c.callee.method.as_deref() == Some("close"))))
    };
    let mut seen = vec![false; cfg.blocks.len()];
    let mut stack = vec![ENTRY];
    while let Some(id) = stack.pop() {
        let block = &cfg.blocks[id as usize];
        assert_ne!(id, EXIT, "a path reaches the exit without closing");
        if closes(block) {
            continue;
        }
        for edge in &block.succs {
            if !std::mem::replace(&mut seen[edge.to as usize], true) {
                stack.push(edge.to);
            }
        }
    }
}

#[test]
fn every_path_ends_at_the_exit() {
    let unit = secrev_python::lower("x = 1\nif x:\n    y = 2\n").unit;
    let cfg = &unit.functions[0].cfg;
    assert!(cfg
        .blocks
        .iter()
        .any(|b| b.succs.iter().any(|e| e.to == EXIT)));
    assert_eq!(cfg.reverse_postorder().first(), Some(&ENTRY));
}

#[test]
fn unpacking_and_constant_keys_give_element_paths() {
    let unit =
        secrev_python::lower("def f(pair, d, k):\n    a, b = pair\n    d['x'] = a\n    d[k] = b\n")
            .unit;
    let cfg = &function(&unit, "f").cfg;
    let stores: Vec<(String, bool)> = cfg
        .blocks
        .iter()
        .flat_map(|b| &b.stmts)
        .filter_map(|s| match s {
            Stmt::Assign { target, .. } => Some((target.path.to_string(), target.weak)),
            _ => None,
        })
        .collect();
    assert_eq!(
        stores,
        [
            ("a".to_owned(), false),
            ("b".to_owned(), false),
            ("d[x]".to_owned(), false),
            ("d".to_owned(), true)
        ]
    );
}

#[test]
fn a_return_inside_try_runs_finally_first() {
    let src = "def f(lock):\n    try:\n        return 1\n    finally:\n        lock.release()\n";
    let unit = secrev_python::lower(src).unit;
    let cfg = &function(&unit, "f").cfg;
    let returning = cfg
        .blocks
        .iter()
        .find(|b| b.stmts.iter().any(|s| matches!(s, Stmt::Return { .. })))
        .expect("a block returns");
    // After the returned value is computed, a copy of the finally body runs, then the exit.
    let at = returning
        .stmts
        .iter()
        .position(|s| matches!(s, Stmt::Return { .. }))
        .unwrap_or(usize::MAX);
    assert_eq!(returning.stmts.len(), at + 2);
    assert!(matches!(returning.stmts[at + 1], Stmt::Eval(_)));
}
