//! C402 `mutex-not-unlocked`: `lock()` on a mutex with a path out of the function that does
//! not `unlock()` it.

use super::{lock_op, LockOp};
use crate::held::{calls, leak, statements, Holder, Leak};
use crate::rules::c::lifetimes::flow::{after, reaches};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Function, Stmt, Value};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C402",
        name: "mutex-not-unlocked",
        title: "Mutex left locked on some path",
        cwe: 667,
        category: Category::RaceCondition,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Follows each explicit `m.lock()` (`QMutex`, `std::mutex`, `QReadWriteLock`) \
                   and `pthread_mutex_lock(&m)` along the function's control flow and reports \
                   a `return` (or the end of the function) reached without the matching \
                   `unlock()`, when the function does unlock the same mutex on another path. \
                   Guards (`QMutexLocker`, `std::lock_guard`, `std::unique_lock`) release at \
                   scope exit and are not reported.",
            why: "The next thread that needs the mutex blocks forever: a request that takes \
                  the early-return path (often an error an attacker can provoke) leaves the \
                  service deadlocked.",
            example: "m_mutex.lock();\nif (m_queue.isEmpty())\n    return nullptr;\nJob *job = m_queue.takeFirst();\nm_mutex.unlock();",
            fix: "QMutexLocker locker(&m_mutex);\nif (m_queue.isEmpty())\n    return nullptr;\nreturn m_queue.takeFirst();",
            references: &[
                "https://cwe.mitre.org/data/definitions/667.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/POS48-C.+Do+not+unlock+or+destroy+another+POSIX+thread%27s+mutex",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

struct Locked<'a, 'c> {
    ctx: &'a Context<'c>,
    function: &'c Function,
    key: &'a str,
}

impl Holder for Locked<'_, '_> {
    fn gives_back(&mut self, stmt: &Stmt) -> bool {
        calls(stmt, &mut |call| {
            lock_op(self.ctx, self.function, call)
                .is_some_and(|(op, key)| op == LockOp::Unlock && key == self.key)
        })
    }

    fn follows(&mut self, _cond: &Value, _taken: bool) -> bool {
        true
    }
}

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    let cfg = &function.cfg;
    for (at, stmt) in statements(cfg) {
        let mut locked = None;
        calls(stmt, &mut |call| {
            if let Some((LockOp::Lock, key)) = lock_op(ctx, function, call) {
                locked = Some((key, call.span));
            }
            false
        });
        let Some((key, span)) = locked else {
            continue;
        };
        let mut holder = Locked {
            ctx,
            function,
            key: &key,
        };
        let from = after(at);
        if !reaches(cfg, from, &mut |s| holder.gives_back(s)) {
            // A function that only locks (or unlocks on another branch, as lock callbacks do)
            // hands the mutex to its caller on purpose.
            continue;
        }
        let Some(Leak::Exit { ret, .. }) = leak(cfg, from, &mut holder) else {
            continue;
        };
        let hit = out.report(
            span,
            format!("`{key}` is locked here and stays locked on a path to {} that does not unlock it.", if ret.is_some() { "a `return`" } else { "the end of the function" }),
            format!("Hold `{key}` with a guard (`QMutexLocker locker(&{key});`, `std::lock_guard`) so every exit unlocks it, or unlock before each return."),
        );
        if let Some(ret) = ret {
            hit.related(ret, format!("`{key}` is still locked at this return"));
        }
    }
}
