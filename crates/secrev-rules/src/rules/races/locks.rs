//! Locks the race rules recognise: `with` blocks whose manager names a lock, lock decorators, and
//! explicit `acquire()`/`fcntl.flock` regions.

use crate::Context;
use secrev_core::ByteSpan;
use secrev_ir::{Call, Function, Op, Value};

/// The called function's own name: `makedirs` for `os.makedirs`, `submit` for `pool.submit`.
pub(super) fn callee_name(call: &Call) -> &str {
    call.callee
        .method
        .as_deref()
        .unwrap_or_else(|| call.callee.text.rsplit('.').next().unwrap_or(""))
}

/// An expression's source text without whitespace, to compare two mentions of one lock.
fn text_of(ctx: &Context, value: &Value) -> String {
    ctx.text(value.span).split_whitespace().collect()
}

/// Whether code guarding a block or a function names a lock.
pub(super) fn is_lock_text(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    [
        "lock",
        "mutex",
        "semaphore",
        "synchronized",
        "condition",
        "_cond",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Whether `span` runs inside a `with` block whose manager is a lock.
pub(super) fn in_lock_block(ctx: &Context, function: &Function, span: ByteSpan) -> bool {
    function.managed.iter().any(|m| {
        m.body.start <= span.start
            && span.end <= m.body.end
            && is_lock_text(ctx.text(m.manager.span))
    })
}

/// Whether a decorator makes the whole function run under a lock (`@synchronized(...)`,
/// `@lockutils.synchronized(...)`).
pub(super) fn decorated_with_lock(ctx: &Context, function: &Function) -> bool {
    function
        .decorators
        .iter()
        .any(|d| is_lock_text(ctx.text(d.span)))
}

/// Whether a lock is acquired explicitly (`lock.acquire()`, `fcntl.flock(...)`) before `span`
/// and not released again before it. Source order stands in for the paths: the pairs this
/// recognises are written one after the other around the code they guard.
pub(super) fn acquired_before(ctx: &Context, function: &Function, span: ByteSpan) -> bool {
    let mut held: Vec<String> = Vec::new();
    for op in &function.ops {
        let Op::Call(call) = op else { continue };
        if call.span.start >= span.start {
            break;
        }
        if call.is_any(&["fcntl.flock", "fcntl.lockf"]) {
            let unlocks = call
                .arg(1, "operation")
                .is_some_and(|op| ctx.text(op.span).contains("LOCK_UN"));
            let file = call.arg(0, "fd").map(|fd| text_of(ctx, fd));
            match (file, unlocks) {
                (Some(file), true) => held.retain(|h| *h != file),
                (Some(file), false) => held.push(file),
                (None, _) => {}
            }
            continue;
        }
        let Some(receiver) = call.callee.receiver.as_deref() else {
            continue;
        };
        let lock = text_of(ctx, receiver);
        match call.callee.method.as_deref() {
            Some("acquire") if is_lock_text(&lock) => held.push(lock),
            Some("release") => held.retain(|h| *h != lock),
            _ => {}
        }
    }
    !held.is_empty()
}
