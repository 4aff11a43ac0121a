//! PY103 `os-exec-shell`: `os.exec*` / `os.spawn*` / `os.posix_spawn*` starting a shell on a
//! command string built at run time.

use super::common::{describe, report_by_shape, Lang, Shape};
use super::process::{os_start, program_basename};
use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Value};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY103",
        name: "os-exec-shell",
        title: "Shell started by `os.exec*`/`os.spawn*` on a variable command string",
        cwe: 78,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `os.exec*`, `os.spawn*` and `os.posix_spawn*` calls whose program is a \
                   shell (`/bin/sh`, `bash`, `dash`, `zsh`, `ksh`, `cmd.exe`) and whose argument \
                   vector passes that shell a command string with `-c` (or `/c` for `cmd.exe`) that \
                   is not a constant.",
            why: "Starting the shell explicitly is the same as `os.system`: the string after `-c` \
                  is parsed by the shell, so `;`, `|`, `$(...)` or backticks inside any value \
                  spliced into it start programs of the attacker's choosing, and an `exec` call \
                  even replaces the current process with them.",
            example: "os.execv(\"/bin/sh\", [\"sh\", \"-c\", \"gzip -9 \" + log_path])",
            fix: "os.execv(\"/usr/bin/gzip\", [\"gzip\", \"-9\", log_path])",
            references: &[
                "https://cwe.mitre.org/data/definitions/78.html",
                "https://docs.python.org/3/library/os.html#os.execv",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const POSIX_SHELLS: &[&str] = &["sh", "bash", "dash", "zsh", "ksh", "ash", "mksh"];

/// Whether an argument is the flag after which a shell reads its command string.
fn is_command_flag(shell: &str, arg: &str) -> bool {
    if shell == "cmd" {
        return arg.eq_ignore_ascii_case("/c") || arg.eq_ignore_ascii_case("/k");
    }
    match arg.strip_prefix('-') {
        // `-c`, and combined short options such as `-lc` or `-ec`.
        Some(flags) => {
            !flags.is_empty()
                && flags.chars().all(|c| c.is_ascii_alphabetic())
                && flags.contains('c')
                && !flags.starts_with('-')
        }
        None => false,
    }
}

/// The command string a shell start passes after its `-c` flag.
fn shell_command<'v>(shell: &str, argv: &[&'v Value]) -> Option<&'v Value> {
    let flag = argv
        .iter()
        .skip(1)
        .position(|a| a.as_str().is_some_and(|s| is_command_flag(shell, s)))?;
    argv.get(flag + 2).copied()
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let Some(start) = os_start(call) else {
        return;
    };
    let Some(program) = start.program.as_str() else {
        return;
    };
    let shell = program_basename(program);
    if shell != "cmd" && !POSIX_SHELLS.contains(&shell.as_str()) {
        return;
    }
    let Some(argv) = start.argv else {
        return;
    };
    let Some(command) = shell_command(&shell, &argv) else {
        return;
    };
    let name = call_name(call);
    let shown = describe(ctx, command);
    let fix = if shell == "cmd" {
        format!("Start the real program directly with `{name}` and pass each variable part as its own argv element instead of going through `{program}`, whose quoting rules cannot be made safe for arbitrary text.")
    } else {
        format!("Start the real program directly with `{name}` and pass each variable part as its own argv element instead of going through `{program}`; if the shell is unavoidable, wrap every variable part in `shlex.quote`.")
    };
    report_by_shape(ctx, call, command, Lang::Shell, out, |shape| {
        match shape {
        Shape::Constant | Shape::Neutralised => None,
        Shape::Built => Some((
            format!("`{name}` starts `{program}` on the command string {shown}, built at run time, so shell metacharacters in its variable parts run as commands."),
            fix,
        )),
        Shape::Opaque => Some((
            format!("`{name}` starts `{program}` on the command string {shown}; if any part of it comes from outside the program, shell metacharacters in it run as commands."),
            format!("Start the real program directly with `{name}` and an argument vector instead of handing {shown} to `{program}`."),
        )),
    }
    });
}
