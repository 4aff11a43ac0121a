//! PY902 `lock-not-released`: a lock acquired outside `with` that some way out of the function
//! leaves held.

use crate::held::{calls, first_escape, statements, At, Escape};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, EdgeKind, Function, Stmt, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY902",
        name: "lock-not-released",
        title: "Lock acquired outside `with` and not released on every path",
        cwe: 667,
        category: Category::RaceCondition,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds `lock.acquire()` statements after which the function can end, by a \
                   `return`, by falling off its end, or by an exception raised outside any \
                   `try`/`finally` that releases, without `lock.release()`. Only functions that \
                   release the same lock somewhere are checked: a function that only acquires is \
                   a wrapper whose caller releases.",
            why: "A lock left held blocks every other thread or greenthread that needs it: the \
                  service hangs (a deadlock, CWE-833), or the next caller that does get in finds \
                  the shared state half-updated by the code that failed.",
            example: "self._lock.acquire()\nself._refresh_cache()\nself._lock.release()",
            fix: "with self._lock:\n    self._refresh_cache()",
            references: &[
                "https://cwe.mitre.org/data/definitions/667.html",
                "https://docs.python.org/3/library/threading.html#using-locks-conditions-and-semaphores-in-the-with-statement",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

fn method_on<'c>(call: &'c Call, method: &str) -> Option<&'c secrev_ir::Value> {
    (call.callee.method.as_deref() == Some(method))
        .then_some(call.callee.receiver.as_deref())
        .flatten()
}

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    let cfg = &function.cfg;
    for (at, stmt) in statements(cfg) {
        // Only an acquire whose result is unused holds the lock unconditionally.
        let Stmt::Eval(value) = stmt else { continue };
        let ValueKind::Call(acquire) = &value.kind else {
            continue;
        };
        let Some(lock) = method_on(acquire, "acquire") else {
            continue;
        };
        // `if lock.acquire(...):` is a condition: the lock is held on one branch only.
        let tested = cfg.blocks[at.block as usize].succs.iter().any(|e| {
            matches!(&e.kind, EdgeKind::Branch { cond, .. }
                if cond.span.start <= acquire.span.start && acquire.span.end <= cond.span.end)
        });
        if tested {
            continue;
        }
        let lock = ctx.code(lock.span);
        let mut releases = |s: &Stmt| {
            calls(s, &mut |c| {
                method_on(c, "release").is_some_and(|r| ctx.code(r.span) == lock)
            })
        };
        if !statements(cfg).any(|(_, s)| releases(s)) {
            continue;
        }
        let from = At {
            block: at.block,
            stmt: at.stmt + 1,
        };
        let Some(escape) = first_escape(cfg, from, &mut releases) else {
            continue;
        };
        // An exception in a test method fails the test whatever the lock's state.
        if matches!(escape, Escape::Raise(_)) && function.name.starts_with("test") {
            continue;
        }
        let (message, related) = match escape {
            Escape::Exit(Some(ret)) => (
                format!("`{lock}` is acquired here and this `return` (line {}) leaves the function with it still held.", ctx.line_of(ret)),
                (ret, "returns with the lock held".to_owned()),
            ),
            Escape::Exit(None) => (
                format!("`{lock}` is acquired here and a path through `{}` ends without releasing it.", function.name),
                (function.name_span, "a path ends here with the lock held".to_owned()),
            ),
            Escape::Raise(call) => (
                format!(
                    "`{lock}` is acquired here, and if `{}` (line {}) raises, no `finally` releases it: the lock stays held.",
                    ctx.code(call.callee.span),
                    ctx.line_of(call.span)
                ),
                (call.span, "an exception here leaves the lock held".to_owned()),
            ),
        };
        out.report(
            acquire.span,
            message,
            format!("Hold the lock with `with {lock}:` around the work, or follow `{lock}.acquire()` at once with `try:` and release it in `finally:`."),
        )
        .related(related.0, related.1);
    }
}
