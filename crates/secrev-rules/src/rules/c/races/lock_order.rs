//! C404 `lock-order-inversion`: two mutexes taken in one order by one function and in the
//! opposite order by another.

use super::{lock_op, LockOp};
use crate::held::{calls, statements};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{ByteSpan, Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Function, FunctionKind, Stmt, Unit, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C404",
        name: "lock-order-inversion",
        title: "Two mutexes locked in opposite orders",
        cwe: 833,
        category: Category::RaceCondition,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Records, for every function of the file, which mutex is taken while which \
                   other is held (explicit `lock()`/`pthread_mutex_lock` until the matching \
                   unlock, guards such as `QMutexLocker` until their scope ends), and reports a \
                   pair taken as A then B in one function and B then A in another.",
            why: "Two threads running the two functions at once can each take its first mutex \
                  and wait forever for the other's: a deadlock that appears only under load and \
                  that a client can provoke by sending the two requests together.",
            example: "void Cache::put() { QMutexLocker a(&m_index); QMutexLocker b(&m_store); ... }\nvoid Cache::evict() { QMutexLocker b(&m_store); QMutexLocker a(&m_index); ... }",
            fix: "Take the mutexes in one documented order everywhere, or both at once with `std::scoped_lock lock(m_index, m_store);`.",
            references: &["https://cwe.mitre.org/data/definitions/833.html"],
        },
    },
    hooks: Hooks {
        unit: Some(check),
        ..Hooks::NONE
    },
};

/// A mutex taken while another was held.
struct Nested {
    outer: String,
    inner: String,
    span: ByteSpan,
    function: usize,
}

/// The nestings of one function, walking its statements in source order.
fn nestings(ctx: &Context, index: usize, function: &Function, out: &mut Vec<Nested>) {
    // Held mutexes, with the guard variable that holds each (if any).
    let mut held: Vec<(String, Option<String>)> = Vec::new();
    for (_, stmt) in statements(&function.cfg) {
        if let Stmt::Eval(value) = stmt {
            // A guard's destructor at a scope exit releases what it holds.
            if let ValueKind::Call(call) = &value.kind {
                if call
                    .callee
                    .method
                    .as_deref()
                    .is_some_and(|m| m.starts_with('~'))
                {
                    let var = call.callee.receiver.as_deref().and_then(|r| r.path());
                    held.retain(|(_, guard)| guard.as_deref() != var || var.is_none());
                    continue;
                }
            }
        }
        let guard = match stmt {
            Stmt::Assign { target, .. } => Some(target.path.to_string()),
            _ => None,
        };
        calls(stmt, &mut |call| {
            match lock_op(ctx, function, call) {
                Some((LockOp::Unlock, key)) => held.retain(|(k, _)| *k != key),
                Some((op, key)) => {
                    for (outer, _) in &held {
                        if *outer != key {
                            out.push(Nested {
                                outer: outer.clone(),
                                inner: key.clone(),
                                span: call.span,
                                function: index,
                            });
                        }
                    }
                    let owner = if op == LockOp::Guard {
                        guard.clone()
                    } else {
                        None
                    };
                    held.push((key, owner));
                }
                None => {}
            }
            false
        });
    }
}

fn check(ctx: &Context, unit: &Unit, out: &mut Reporter) {
    let mut all = Vec::new();
    for (index, function) in unit.functions.iter().enumerate() {
        if function.kind != FunctionKind::Module {
            let fctx = Context { function, ..*ctx };
            nestings(&fctx, index, function, &mut all);
        }
    }
    for (i, first) in all.iter().enumerate() {
        let Some(second) = all[i + 1..].iter().find(|n| {
            n.function != first.function && n.outer == first.inner && n.inner == first.outer
        }) else {
            continue;
        };
        let (f1, f2) = (
            &unit.functions[first.function],
            &unit.functions[second.function],
        );
        out.report(
            second.span,
            format!("`{}` locks `{}` while holding `{}`, but `{}` (line {}) locks them in the opposite order: the two can deadlock.", f2.qualname, second.inner, second.outer, f1.qualname, ctx.line_of(first.span)),
            format!("Take `{}` and `{}` in the same order in both functions, or together with `std::scoped_lock`.", second.outer, second.inner),
        )
        .related(first.span, format!("`{}` is taken here while `{}` is held", first.inner, first.outer));
    }
}
