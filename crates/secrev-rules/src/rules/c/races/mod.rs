//! Races and locks (C4xx): file checks raced by the operation they guard, mutexes left locked,
//! shared variables written from threads, and two mutexes taken in opposite orders.

mod lock_not_released;
mod lock_order;
mod thread_shared_static;
mod toctou;

use crate::rules::c::common::c_name;
use crate::Context;
use secrev_ir::{Call, Function, Value, ValueKind};

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[
    &toctou::RULE,
    &lock_not_released::RULE,
    &thread_shared_static::RULE,
    &lock_order::RULE,
];

/// What a call does to a mutex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LockOp {
    /// Takes it and keeps it until an explicit unlock (`m.lock()`, `pthread_mutex_lock(&m)`).
    Lock,
    /// Gives it back (`m.unlock()`, `pthread_mutex_unlock(&m)`).
    Unlock,
    /// Takes it for the life of a guard object (`QMutexLocker`, `std::lock_guard`), which the
    /// scope exit releases.
    Guard,
}

const C_LOCKS: &[&str] = &[
    "pthread_mutex_lock",
    "pthread_rwlock_rdlock",
    "pthread_rwlock_wrlock",
    "pthread_spin_lock",
    "mtx_lock",
    "EnterCriticalSection",
];
const C_UNLOCKS: &[&str] = &[
    "pthread_mutex_unlock",
    "pthread_rwlock_unlock",
    "pthread_spin_unlock",
    "mtx_unlock",
    "LeaveCriticalSection",
];
/// Guard classes that lock in the constructor and unlock in the destructor.
const GUARDS: &[&str] = &[
    "QMutexLocker",
    "QReadLocker",
    "QWriteLocker",
    "std::lock_guard",
    "std::unique_lock",
    "std::scoped_lock",
    "std::shared_lock",
    "lock_guard",
    "unique_lock",
    "scoped_lock",
];

/// The mutex an expression names, as a key that two mentions share: `&m_lock`, `m_lock` and
/// `this->m_lock` are all `m_lock`.
fn mutex_key(ctx: &Context, value: &Value) -> String {
    let text: String = ctx.text(value.span).split_whitespace().collect();
    let text = text.trim_start_matches('&');
    text.strip_prefix("this->").unwrap_or(text).to_owned()
}

/// Whether a declared type is an RAII guard (whose own `unlock()`/`lock()` calls are safe).
fn is_guard_type(ty: &str) -> bool {
    let base = ty.split('<').next().unwrap_or(ty);
    GUARDS.contains(&base)
}

/// What `call` does to which mutex, if anything.
fn lock_op(ctx: &Context, function: &Function, call: &Call) -> Option<(LockOp, String)> {
    let name = c_name(call);
    if C_LOCKS.contains(&name) {
        return Some((LockOp::Lock, mutex_key(ctx, call.args.first()?)));
    }
    if C_UNLOCKS.contains(&name) {
        return Some((LockOp::Unlock, mutex_key(ctx, call.args.first()?)));
    }
    let qualname = call.qualname();
    let base = qualname.split('<').next().unwrap_or(qualname);
    if GUARDS.contains(&base) || GUARDS.contains(&call.callee.text.split('<').next().unwrap_or(""))
    {
        return Some((LockOp::Guard, mutex_key(ctx, call.args.first()?)));
    }
    let method = call.callee.method.as_deref()?;
    let receiver = call.callee.receiver.as_deref()?;
    let op = match method {
        "lock" | "lockForRead" | "lockForWrite" | "lock_shared" => LockOp::Lock,
        "unlock" | "unlock_shared" => LockOp::Unlock,
        _ => return None,
    };
    // A guard's own `unlock()`/`relock()` keeps the guard in charge; only plain mutexes count.
    let declared = match &receiver.kind {
        ValueKind::Ref { path, .. } => function.local(path).map(|l| l.ty.as_str()),
        _ => None,
    };
    if declared.is_some_and(is_guard_type) {
        return None;
    }
    let key = mutex_key(ctx, receiver);
    let looks_like_mutex = declared
        .is_some_and(|t| t.to_ascii_lowercase().contains("mutex") || t.contains("Lock"))
        || ["mutex", "lock", "mtx"]
            .iter()
            .any(|w| key.to_ascii_lowercase().contains(w));
    looks_like_mutex.then_some((op, key))
}
