//! PY101 `subprocess-shell-injection`: a `subprocess` call that runs its command through a shell.

use super::common::{describe, report_by_shape, Lang, Shape};
use crate::helpers::{call_name, is_truthy};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Call;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY101",
        name: "subprocess-shell-injection",
        title: "Command run through a shell with `shell=True`",
        cwe: 78,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds calls of the `subprocess` family (`run`, `call`, `check_call`, `check_output`, \
                   `Popen`, `getoutput`, `getstatusoutput`) that hand their command to `/bin/sh` \
                   (`shell=True`, or the `getoutput` helpers that always do), where the command is not \
                   a constant.",
            why: "The shell interprets `;`, `|`, `$(...)`, backticks and globbing in the command. When \
                  any part of the string comes from a caller, a file or the network, an attacker who \
                  controls that part runs commands of their own with the service's privileges. A \
                  constant command is reported at low severity only: it is safe today but one edit away.",
            example: "subprocess.call(\"tar xf \" + archive, shell=True)",
            fix: "subprocess.call([\"tar\", \"xf\", archive])  # an argument list, no shell",
            references: &[
                "https://cwe.mitre.org/data/definitions/78.html",
                "https://docs.python.org/3/library/subprocess.html#security-considerations",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const SHELL_KEYWORD_CALLS: &[&str] = &[
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.Popen",
];
const ALWAYS_SHELL_CALLS: &[&str] = &["subprocess.getoutput", "subprocess.getstatusoutput"];

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let always = call.is_any(ALWAYS_SHELL_CALLS);
    if !(always || (call.is_any(SHELL_KEYWORD_CALLS) && is_truthy(call.keyword("shell")))) {
        return;
    }
    let Some(command) = call.arg(0, if always { "cmd" } else { "args" }) else {
        return;
    };
    let name = call_name(call);
    let shown = describe(ctx, command);
    report_by_shape(ctx, call, command, Lang::Shell, out, |shape| {
        match shape {
        Shape::Constant => Some((
            format!("`{name}` runs the constant command {shown} through a shell; it is safe as written, but the shell is not needed."),
            format!("Pass the command as an argument list to `{name}` and drop `shell=True`."),
        )),
        Shape::Built => Some((
            format!("`{name}` runs a command built at run time ({shown}) through a shell, so shell metacharacters in its variable parts execute as commands."),
            format!("Call `{name}` with an argument list and without `shell=True`; if a shell is unavoidable, quote each variable part with `shlex.quote`."),
        )),
        Shape::Opaque => Some((
            format!("`{name}` runs {shown} through a shell; if any part of it comes from outside, shell metacharacters in it execute as commands."),
            format!("Build an argument list (for example with `shlex.split` on a trusted template) and call `{name}` without `shell=True`."),
        )),
        Shape::Neutralised => None,
    }
    });
}
