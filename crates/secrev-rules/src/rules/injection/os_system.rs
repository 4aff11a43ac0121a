//! PY102 `os-system-injection`: `os.system` and the other helpers that always run a command
//! through a shell.

use super::common::{describe, report_by_shape, Lang, Shape};
use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY102",
        name: "os-system-injection",
        title: "Command string handed to a shell by `os.system` or `os.popen`",
        cwe: 78,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `os.system`, `os.popen`, the Python 2 `popen2` functions and \
                   `commands.getoutput`/`getstatusoutput`, which always pass their command string \
                   to `/bin/sh -c` (or `cmd.exe /c`), when that string is not a constant. Pieces \
                   that are numbers or wrapped in `shlex.quote` are treated as neutralised.",
            why:
                "The shell gives meaning to `;`, `&&`, `|`, `$(...)`, backticks, redirections and \
                  globs. A file name, host name or any other value spliced into the command that \
                  contains one of them starts further programs with the privileges of the service. \
                  A constant command is only reported at low severity: it cannot be injected, but \
                  it pays for a shell it does not need.",
            example: "os.system(\"convert \" + upload_path + \" out.png\")",
            fix: "subprocess.run([\"convert\", upload_path, \"out.png\"], check=True)",
            references: &[
                "https://cwe.mitre.org/data/definitions/78.html",
                "https://docs.python.org/3/library/os.html#os.system",
                "https://docs.python.org/3/library/subprocess.html#replacing-os-system",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const SHELL_CALLS: &[&str] = &[
    "os.system",
    "os.popen",
    "posix.system",
    "popen2.popen2",
    "popen2.popen3",
    "popen2.popen4",
    "popen2.Popen3",
    "popen2.Popen4",
    "commands.getoutput",
    "commands.getstatusoutput",
];

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    if !call.is_any(SHELL_CALLS) {
        return;
    }
    let keyword = if call.qualname().ends_with("system") {
        "command"
    } else {
        "cmd"
    };
    let Some(command) = call.arg(0, keyword) else {
        return;
    };
    // `popen2` runs an argument sequence without a shell.
    if matches!(
        command.resolved().kind,
        ValueKind::List(_) | ValueKind::Tuple(_)
    ) {
        return;
    }
    let name = call_name(call);
    let shown = describe(ctx, command);
    report_by_shape(ctx, call, command, Lang::Shell, out, |shape| {
        match shape {
        Shape::Constant => Some((
            format!("`{name}` runs the constant command {shown} through a shell; it cannot be injected as written, but the shell is not needed."),
            format!("Replace `{name}` with `subprocess.run` and an argument list, which starts the program without a shell."),
        )),
        Shape::Built => Some((
            format!("`{name}` hands the shell a command built at run time, {shown}, so shell metacharacters in its variable parts run as commands."),
            format!("Replace `{name}` with `subprocess.run` and an argument list holding each variable part as its own element; if the shell is unavoidable, wrap every variable part in `shlex.quote`."),
        )),
        Shape::Opaque => Some((
            format!("`{name}` hands {shown} to a shell; if any part of it comes from outside the program, shell metacharacters in it run as commands."),
            format!("Replace `{name}` with `subprocess.run` on an argument list (split a trusted template with `shlex.split` and add the variable values as separate items), without a shell."),
        )),
        Shape::Neutralised => None,
    }
    });
}
