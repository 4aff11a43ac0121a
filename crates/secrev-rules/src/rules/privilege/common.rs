//! What the privilege rules share: which calls change the process's identity, and where a
//! statement sits in the graph.

use secrev_core::ByteSpan;
use secrev_ir::{BlockId, Call, Cfg};

/// Calls that set the user id.
pub(super) const USER_CALLS: &[&str] = &["setuid", "setresuid", "setreuid"];

/// Calls that set the group id or the supplementary groups.
pub(super) const GROUP_CALLS: &[&str] =
    &["setgid", "setresgid", "setregid", "setgroups", "initgroups"];

/// Calls that set the effective ids only: they can be undone, but still must not fail silently.
pub(super) const EFFECTIVE_CALLS: &[&str] = &["seteuid", "setegid"];

/// The identity call's own name (`setuid`), for `os.setuid(...)` or a project wrapper called as
/// a plain function or through a module (`daemon.setuid(user)`); `None` for anything else.
pub(super) fn identity_call(call: &Call) -> Option<&str> {
    let qualname = call.qualname();
    let name = match qualname.strip_prefix("os.") {
        Some(name) => name,
        None => {
            // A method of an object is not the process's identity (`user.setgroups(...)`).
            if call.callee.receiver.as_deref().is_some_and(|r| {
                r.path()
                    .is_none_or(|p| p.starts_with("self") || p.contains('.'))
            }) {
                return None;
            }
            call.callee.text.rsplit('.').next().unwrap_or("")
        }
    };
    [USER_CALLS, GROUP_CALLS, EFFECTIVE_CALLS]
        .iter()
        .flat_map(|names| names.iter())
        .find(|n| **n == name)
        .copied()
}

/// The block and statement index holding the call at `span`.
pub(super) fn position(cfg: &Cfg, span: ByteSpan) -> Option<(BlockId, usize)> {
    cfg.blocks.iter().enumerate().find_map(|(b, block)| {
        block
            .stmts
            .iter()
            .position(|s| {
                crate::held::stmt_value(s)
                    .is_some_and(|v| v.span.start <= span.start && span.end <= v.span.end)
            })
            .map(|i| (b as BlockId, i))
    })
}
