//! PY104 `asyncio-shell-injection`: `asyncio.create_subprocess_shell` / `loop.subprocess_shell`
//! on a command string that is not a constant.

use super::common::{describe, report_by_shape, Lang, Shape};
use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Call;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY104",
        name: "asyncio-shell-injection",
        title: "Variable command run through a shell by asyncio",
        cwe: 78,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `asyncio.create_subprocess_shell(cmd, ...)` and event-loop \
                   `subprocess_shell(protocol_factory, cmd, ...)` calls whose command string is \
                   not a constant. Pieces that are numbers or wrapped in `shlex.quote` are treated \
                   as neutralised.",
            why: "Both functions run `cmd` with `/bin/sh -c`, exactly like `shell=True`. In an async \
                  service the command is usually assembled from request data (a repository URL, a \
                  file name, a branch), and any `;`, `|`, `$(...)` or backtick in that data starts \
                  a program of the requester's choosing.",
            example: "proc = await asyncio.create_subprocess_shell(f\"git clone {repo_url} {dest}\")",
            fix: "proc = await asyncio.create_subprocess_exec(\"git\", \"clone\", \"--\", repo_url, dest)",
            references: &[
                "https://cwe.mitre.org/data/definitions/78.html",
                "https://docs.python.org/3/library/asyncio-subprocess.html#asyncio.create_subprocess_shell",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let command = if call.is_any(&["asyncio.create_subprocess_shell"]) {
        call.arg(0, "cmd")
    } else if call.callee.method.as_deref() == Some("subprocess_shell") {
        call.arg(1, "cmd")
    } else {
        return;
    };
    let Some(command) = command else {
        return;
    };
    let name = call_name(call);
    let shown = describe(ctx, command);
    report_by_shape(ctx, call, command, Lang::Shell, out, |shape| {
        match shape {
        Shape::Constant | Shape::Neutralised => None,
        Shape::Built => Some((
            format!("`{name}` runs {shown}, a command built at run time, through `/bin/sh`, so shell metacharacters in its variable parts run as commands."),
            "Use `asyncio.create_subprocess_exec` (or `loop.subprocess_exec`) with the program and each variable part as separate arguments; if the shell is unavoidable, wrap every variable part in `shlex.quote`.".to_owned(),
        )),
        Shape::Opaque => Some((
            format!("`{name}` runs {shown} through `/bin/sh`; if any part of it comes from outside the program, shell metacharacters in it run as commands."),
            format!("Split the command into a program and arguments and start it with `asyncio.create_subprocess_exec` instead of handing {shown} to a shell."),
        )),
    }
    });
}
