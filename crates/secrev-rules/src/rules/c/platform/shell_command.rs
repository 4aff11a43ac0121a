//! C501 `shell-command-injection`: `system`, `popen`, `exec*` of a shell with `-c`, and
//! `QProcess` running a shell, on a command that is not constant.

use crate::rules::c::common::{c_name, from_parameter, is_numeric, list_items, risky_hole};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Value};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C501",
        name: "shell-command-injection",
        title: "Shell command built at run time",
        cwe: 78,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds commands handed to a shell that are not constant: `system`, `popen` \
                   (and `std::system`, `_popen`), `execl`/`execlp`/`execle` of a shell with \
                   `-c`, and `QProcess::start`/`startDetached`/`execute` of `sh`/`bash`/`cmd` \
                   with `-c` or `/c`, where the command is built at run time (`sprintf` into a \
                   buffer, `+`, `QString::arg`) from something other than numbers, or is \
                   handed in by the caller. Constant commands and commands whose only variable \
                   parts are numbers are not reported.",
            why: "The shell interprets quotes, `;`, `|`, `$(...)` and backticks in the command: a \
                  file name or host name containing them runs arbitrary commands with the \
                  program's privileges.",
            example: "int extract(const char *archive) {\n    char cmd[512];\n    snprintf(cmd, sizeof cmd, \"tar -xf %s\", archive);\n    return system(cmd);\n}",
            fix: "int extract(const char *archive) {\n    pid_t pid = fork();\n    if (pid == 0) {\n        execlp(\"tar\", \"tar\", \"-xf\", archive, (char *)NULL);\n        _exit(127);\n    }\n    /* waitpid... */\n}\n// Qt: QProcess::start(\"tar\", {\"-xf\", archive});",
            references: &[
                "https://cwe.mitre.org/data/definitions/78.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/ENV33-C.+Do+not+call+system()",
                "https://doc.qt.io/qt-6/qprocess.html#start",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const SHELLS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "dash",
    "ksh",
    "cmd",
    "cmd.exe",
    "powershell",
];

fn is_shell(value: &Value) -> bool {
    value.as_str().is_some_and(|s| {
        let base = s.rsplit(['/', '\\']).next().unwrap_or(s);
        SHELLS.contains(&base)
    })
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let name = c_name(call);
    let command = match name {
        "system" | "popen" | "_popen" | "_wpopen" | "_wsystem" => call.args.first(),
        "execl" | "execlp" | "execle" => shell_c_argument(call.args.get(..).unwrap_or(&[])),
        _ => qprocess_command(call),
    };
    let Some(command) = command else {
        return;
    };
    if command.is_constant() || is_numeric(ctx, command) {
        return;
    }
    let shown = call.callee.qualname.as_deref().unwrap_or(&call.callee.text);
    let fix = "Run the program directly with its arguments as a list (`execvp`, `posix_spawnp`, `QProcess::start(program, {args...})`), without a shell; if a shell is unavoidable, pass the data as positional parameters (`sh -c 'tar -xf \"$1\"' sh \"$file\"`).";
    if let Some(hole) = risky_hole(ctx, command) {
        let hit = out.report(
            call.span,
            format!("`{shown}` runs a shell command built from `{}`: quotes, `;` or `$(...)` in it run other commands.", ctx.code(hole.span)),
            fix,
        );
        if from_parameter(ctx, hole).is_some() {
            hit.confidence(Confidence::High);
        }
        return;
    }
    if command.is_dynamic_string() {
        return;
    }
    // A command the code does not build here: from the caller, or from elsewhere.
    let hit = out.report(
        call.span,
        format!("`{shown}` runs `{}` through a shell; the command is not constant here, so whoever supplies it controls the command line.", ctx.code(command.span)),
        fix,
    );
    if from_parameter(ctx, command).is_none() {
        hit.severity(Severity::Medium).confidence(Confidence::Low);
    }
}

/// `execl("/bin/sh", "sh", "-c", cmd, NULL)`: the argument after `-c` when the program is a
/// shell.
fn shell_c_argument(args: &[Value]) -> Option<&Value> {
    if !args.first().is_some_and(is_shell) {
        return None;
    }
    let at = args.iter().position(|a| a.as_str() == Some("-c"))?;
    args.get(at + 1)
}

/// `QProcess::start("sh", QStringList() << "-c" << cmd)`: the shell command.
fn qprocess_command(call: &Call) -> Option<&Value> {
    let q = call.qualname();
    let is_run = ["::start", "::startDetached", "::execute"]
        .iter()
        .any(|m| q.ends_with(m))
        && q.starts_with("QProcess");
    if !is_run || !call.args.first().is_some_and(is_shell) {
        return None;
    }
    let items = list_items(call.args.get(1)?);
    let at = items
        .iter()
        .position(|a| matches!(a.as_str(), Some("-c" | "/c" | "/C" | "-Command")))?;
    items.get(at + 1).copied()
}
