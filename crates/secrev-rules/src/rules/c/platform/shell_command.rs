//! C501 `shell-command-injection`: `system`, `popen`, `exec*` of a shell with `-c`, and
//! `QProcess` running a shell, on a command that is not constant.

use crate::rules::c::common::{c_name, from_parameter, is_numeric, list_items, risky_holes};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Part, Value, ValueKind};

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
                   buffer, `+`, `QString::arg`) from something other than numbers. Constant \
                   commands, commands whose only variable parts are numbers, and commands a \
                   wrapper is handed whole by its caller (`run(cmd)`, or a program from the \
                   caller completed with fixed options) are not reported: checking those is \
                   the caller's job. Where C601 follows data from a source to the same call, its finding, which names the source, is reported instead of this one.",
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
    // A command handed in whole (`run(const char *cmd) { return system(cmd); }`), or a
    // program handed in and completed with fixed options (`launcher + " " + url`), is the
    // caller's to check: the wrapper's job is to run commands. Only data pasted after the
    // program is this function's doing.
    let program = program_hole(ctx, command).filter(|p| from_parameter(ctx, p).is_some());
    let Some(hole) = risky_holes(ctx, command).into_iter().find(|h| {
        program.is_none_or(|p| !(p.span.start <= h.span.start && h.span.end <= p.span.end))
    }) else {
        return;
    };
    let hit = out.report(
        call.span,
        format!("`{shown}` runs a shell command built from `{}`: quotes, `;` or `$(...)` in it run other commands.", ctx.code(hole.span)),
        fix,
    );
    if from_parameter(ctx, hole).is_some() {
        hit.confidence(Confidence::High);
    }
}

/// The piece of a built command that names the program: the first piece, when nothing comes
/// before it but blanks or a quote (followed into `command + " &"` where `command = launcher +
/// " " + url`: the program is `launcher`).
fn program_hole<'v>(ctx: &Context, command: &'v Value) -> Option<&'v Value> {
    let opening = |text: &str| {
        text.chars()
            .all(|c| c.is_whitespace() || c == '"' || c == '\'')
    };
    let mut program = None;
    let mut current = command;
    for _ in 0..32 {
        let ValueKind::Build { parts, .. } = &current.resolved().kind else {
            break;
        };
        let first = parts.iter().find_map(|part| match part {
            Part::Lit(text) if opening(text) => None,
            Part::Hole(hole) if is_numeric(ctx, hole) => None,
            Part::Lit(_) => Some(None),
            Part::Hole(hole) => Some(Some(hole)),
        });
        let Some(Some(first)) = first else {
            break;
        };
        program = Some(first);
        current = first;
    }
    program
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
