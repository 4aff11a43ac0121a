//! PY922 `privilege-drop-order`: the user id is dropped before the group id or the
//! supplementary groups; once `setuid` has run, `setgid`/`setgroups` can no longer succeed.

use super::common::{identity_call, position, GROUP_CALLS, USER_CALLS};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{any_in, BlockId, Call, EdgeKind, Function, Op, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY922",
        name: "privilege-drop-order",
        title: "User id dropped before the group id or supplementary groups",
        cwe: 696,
        category: Category::ImproperAccess,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds a call setting the user id (`os.setuid`, `os.setresuid`, `os.setreuid`, \
                   or a project wrapper named `setuid`) from which a path leads to a call setting \
                   the group id or the groups (`os.setgid`, `os.setresgid`, `os.setregid`, \
                   `os.setgroups`, `os.initgroups`, or a wrapper named like them).",
            why: "Changing groups needs root. After `setuid` to the service user, `setgid` and \
                  `setgroups` fail with `EPERM`: if the failure is ignored, the process keeps \
                  root's group (gid 0) and supplementary groups (disk, shadow, adm...), enough to \
                  read or write what the service must not; if it is not ignored, the service \
                  cannot start.",
            example: "os.setuid(pw.pw_uid)\nos.setgid(pw.pw_gid)",
            fix: "os.setgroups([])  # or os.initgroups(user, gid)\nos.setgid(pw.pw_gid)\nos.setuid(pw.pw_uid)",
            references: &[
                "https://cwe.mitre.org/data/definitions/696.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/POS36-C.+Observe+correct+revocation+order+while+relinquishing+privileges",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    let cfg = &function.cfg;
    for op in &function.ops {
        let Op::Call(user) = op else { continue };
        if !identity_call(user).is_some_and(|n| USER_CALLS.contains(&n)) {
            continue;
        }
        let Some((block, stmt)) = position(cfg, user.span) else {
            continue;
        };
        let Some(group) = first_group_call(cfg, block, stmt, user) else {
            continue;
        };
        let user_code = ctx.code(user.span);
        let group_code = ctx.code(group.span);
        out.report(
            user.span,
            format!(
                "`{user_code}` gives up root before `{group_code}` (line {}) runs: without root \
                 the group change fails, and the process keeps root's group and supplementary \
                 groups.",
                ctx.line_of(group.span)
            ),
            format!(
                "Move `{group_code}` before `{user_code}`: drop the supplementary groups and the \
                 group id while still root, the user id last."
            ),
        )
        .related(group.span, "this group change runs after root is gone");
    }
}

/// The first group call after statement `stmt` of `block` on a normal path.
fn first_group_call<'c>(
    cfg: &'c secrev_ir::Cfg,
    block: BlockId,
    stmt: usize,
    user: &Call,
) -> Option<&'c Call> {
    let mut seen = vec![false; cfg.blocks.len()];
    let mut stack: Vec<(BlockId, usize)> = vec![(block, stmt)];
    let mut best: Option<&Call> = None;
    while let Some((id, first)) = stack.pop() {
        let Some(b) = cfg.blocks.get(id as usize) else {
            continue;
        };
        for s in b.stmts.iter().skip(first) {
            if let Some(value) = crate::held::stmt_value(s) {
                any_in(value, &mut |v| {
                    if let ValueKind::Call(call) = &v.kind {
                        let later = id != block || call.span.start > user.span.end;
                        if later
                            && identity_call(call).is_some_and(|n| GROUP_CALLS.contains(&n))
                            && best.is_none_or(|b| call.span.start < b.span.start)
                        {
                            best = Some(call);
                        }
                    }
                    false
                });
            }
        }
        for edge in &b.succs {
            if matches!(edge.kind, EdgeKind::Exception) {
                continue;
            }
            let to = edge.to as usize;
            if to < seen.len() && !std::mem::replace(&mut seen[to], true) {
                stack.push((edge.to, 0));
            }
        }
    }
    best
}
