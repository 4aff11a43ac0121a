//! PY111 `ssh-command-injection`: a remote command built from run-time values and run with
//! `exec_command` (paramiko), where the remote shell parses it.

use super::common::{describe, describe_holes, grade_by_origin, origin, shape, Lang, Shape};
use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Call;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY111",
        name: "ssh-command-injection",
        title: "Remote SSH command built from run-time values",
        cwe: 78,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `exec_command(...)` calls (paramiko's `SSHClient` and any object with that \
                   method) whose command is a string assembled at run time with `+`, `%`, \
                   `.format()` or an f-string from pieces that are neither constants, numbers nor \
                   wrapped in `shlex.quote`.",
            why: "SSH has no argument vector: the server hands the command string to the remote \
                  user's login shell. A host name, path or user name spliced into it that carries \
                  `;`, `|`, `$(...)` or backticks runs further commands on the remote machine with \
                  the credentials the service logged in with.",
            example: "client.exec_command(\"tail -n 100 /var/log/\" + service + \".log\")",
            fix: "client.exec_command(\"tail -n 100 \" + shlex.quote(f\"/var/log/{service}.log\"))",
            references: &[
                "https://cwe.mitre.org/data/definitions/78.html",
                "https://docs.paramiko.org/en/stable/api/client.html#paramiko.client.SSHClient.exec_command",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    if call.callee.method.as_deref() != Some("exec_command") {
        return;
    }
    let Some(command) = call.arg(0, "command") else {
        return;
    };
    if shape(command, Lang::Shell) != Shape::Built {
        return;
    }
    let name = call_name(call);
    let shown = describe(ctx, command);
    let pieces = describe_holes(ctx, command, Lang::Shell);
    let hit = out.report(
        call.span,
        format!("`{name}` sends {shown}, built at run time from {pieces}, to the remote shell, so shell metacharacters in those values run as commands on the server."),
        format!("Quote {pieces} with `shlex.quote` when building the command for `{name}`, or check them against an allow-list before they reach it."),
    );
    grade_by_origin(hit, origin(ctx, command, Lang::Shell));
}
