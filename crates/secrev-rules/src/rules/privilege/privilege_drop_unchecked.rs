//! PY921 `privilege-drop-unchecked`: `os.setuid`/`setgid`/`setgroups`/`initgroups` inside a `try`
//! whose handler swallows the `OSError` and lets the code go on: the process keeps root.

use super::common::{identity_call, position};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{BlockId, Cfg, EdgeKind, Function, Op, EXIT};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY921",
        name: "privilege-drop-unchecked",
        title: "Failure to drop privileges is caught and the process goes on",
        cwe: 273,
        category: Category::ImproperAccess,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `os.setuid`, `os.setgid`, `os.setresuid`, `os.setresgid`, \
                   `os.setreuid`, `os.setregid`, `os.setgroups`, `os.initgroups`, `os.seteuid` \
                   and `os.setegid` calls inside a `try` whose `except` clause catches their \
                   `OSError` (or anything broader) and then rejoins the code after the `try`: no \
                   `raise`, `return` or exit on that path. A clause that retries the call is not \
                   reported.",
            why: "These calls fail (`EPERM`, an unknown user, a limit on groups) and report it \
                  only by raising. Swallowing the error leaves the process running as root, or \
                  with root's supplementary groups, while the rest of the code believes it runs \
                  as the unprivileged service user: every later file write, command and \
                  request handled has privileges it was meant to give up.",
            example: "try:\n    os.setgid(gid)\n    os.setuid(uid)\nexcept OSError:\n    LOG.warning('could not drop privileges')",
            fix: "try:\n    os.setgid(gid)\n    os.setuid(uid)\nexcept OSError as exc:\n    LOG.critical('could not drop privileges: %s', exc)\n    raise SystemExit(1)",
            references: &[
                "https://cwe.mitre.org/data/definitions/273.html",
                "https://docs.python.org/3/library/os.html#os.setuid",
                "https://wiki.sei.cmu.edu/confluence/display/c/POS37-C.+Ensure+that+privilege+relinquishment+is+successful",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

/// Exception types that catch the `OSError` of an identity call.
const CATCHES_OSERROR: &[&str] = &[
    "OSError",
    "EnvironmentError",
    "IOError",
    "PermissionError",
    "Exception",
    "BaseException",
    "error",
];

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    let cfg = &function.cfg;
    for op in &function.ops {
        let Op::Call(call) = op else { continue };
        let Some(name) = identity_call(call) else {
            continue;
        };
        // The project's own wrappers raise their own errors: only the `os` calls are known.
        if !call.qualname().starts_with("os.") {
            continue;
        }
        let Some((block, _)) = position(cfg, call.span) else {
            continue;
        };
        let Some(dispatch) = cfg.blocks[block as usize]
            .succs
            .iter()
            .find(|e| matches!(e.kind, EdgeKind::Exception))
            .map(|e| e.to)
        else {
            continue;
        };
        let after_success = reachable(cfg, &successors(cfg, block));
        for handler in function.ops.iter().filter_map(|op| match op {
            Op::Handler(h) => Some(h),
            _ => None,
        }) {
            let is_clause = cfg.blocks[dispatch as usize]
                .succs
                .iter()
                .any(|e| e.to == handler.flow.start);
            let catches = handler.caught.is_empty()
                || handler.caught.iter().any(|c| {
                    let text = ctx.text(c.span);
                    CATCHES_OSERROR.contains(&text.rsplit('.').next().unwrap_or(text))
                });
            if !is_clause || !catches {
                continue;
            }
            let after_handler = reachable_until_exit(cfg, handler.flow.start);
            // A clause that leads back to the call retries it.
            if after_handler[block as usize] {
                continue;
            }
            let rejoins = (0..cfg.blocks.len())
                .any(|b| b != EXIT as usize && after_handler[b] && after_success[b]);
            if !rejoins {
                continue;
            }
            let code = ctx.code(call.span);
            out.report(
                call.span,
                format!(
                    "`{code}` raises `OSError` when it cannot change the process's identity, and \
                     `{}` (line {}) catches it and lets `{}` go on: the process keeps running \
                     with the privileges `{name}` was meant to give up.",
                    ctx.code(handler.span),
                    ctx.line_of(handler.span),
                    function.name
                ),
                format!(
                    "Make the failure stop the process: end the `{}` clause with `raise` (or \
                     `sys.exit(1)`) after logging, so nothing runs as root by mistake.",
                    ctx.code(handler.span)
                ),
            )
            .related(
                handler.span,
                "the failure is caught here and execution goes on",
            );
            break;
        }
    }
}

fn successors(cfg: &Cfg, block: BlockId) -> Vec<BlockId> {
    cfg.blocks[block as usize]
        .succs
        .iter()
        .filter(|e| !matches!(e.kind, EdgeKind::Exception))
        .map(|e| e.to)
        .collect()
}

/// Calls that end the process: code after them does not run.
const NO_RETURN: &[&str] = &[
    "sys.exit",
    "os._exit",
    "os.abort",
    "builtins.exit",
    "builtins.quit",
];

/// Blocks reachable from `start` over normal and branch edges, stopping after blocks that end
/// the process (`sys.exit(1)`).
fn reachable_until_exit(cfg: &Cfg, start: BlockId) -> Vec<bool> {
    let mut seen = vec![false; cfg.blocks.len()];
    let mut stack = vec![start];
    while let Some(id) = stack.pop() {
        if id as usize >= seen.len() || std::mem::replace(&mut seen[id as usize], true) {
            continue;
        }
        let exits = cfg.blocks[id as usize]
            .stmts
            .iter()
            .any(|s| crate::held::calls(s, &mut |c| c.is_any(NO_RETURN)));
        if !exits {
            stack.extend(successors(cfg, id));
        }
    }
    seen
}

/// Blocks reachable from `starts` over normal and branch edges, the starts included.
fn reachable(cfg: &Cfg, starts: &[BlockId]) -> Vec<bool> {
    let mut seen = vec![false; cfg.blocks.len()];
    let mut stack = starts.to_vec();
    while let Some(id) = stack.pop() {
        if id as usize >= seen.len() || std::mem::replace(&mut seen[id as usize], true) {
            continue;
        }
        stack.extend(successors(cfg, id));
    }
    seen
}
