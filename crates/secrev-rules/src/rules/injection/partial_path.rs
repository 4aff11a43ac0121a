//! PY105 `partial-executable-path`: a process started by a bare program name, found through
//! `PATH`.

use super::process::{items, os_start};
use crate::helpers::{call_name, is_falsy};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY105",
        name: "partial-executable-path",
        title: "Program started by bare name, resolved through `PATH`",
        cwe: 426,
        category: Category::InsecureConfig,
        severity: Severity::Low,
        confidence: Confidence::Low,
        docs: RuleDocs {
            what: "Finds process starts without a shell (`subprocess.run`/`call`/`check_call`/\
                   `check_output`/`Popen`, `asyncio.create_subprocess_exec`, `os.exec*p*`, \
                   `os.spawn*p*`, `os.posix_spawnp`) whose program is a constant name with no \
                   directory in it, such as `\"tar\"` or `[\"git\", \"pull\"]`. Calls that pass an \
                   `env` with a fixed `PATH` are not reported.",
            why: "A bare name is looked up in the directories of `PATH` at run time. Whoever can \
                  change that variable (a wrapper script, a cron entry, a container image) or can \
                  write to an early directory in it decides which binary the service actually \
                  runs, with its privileges and its arguments, passwords included. It is a \
                  hardening issue rather than an exploitable bug on its own, hence the low \
                  severity.",
            example: "subprocess.run([\"pg_dump\", \"--file\", dump_path, db_name], check=True)",
            fix:
                "subprocess.run([\"/usr/bin/pg_dump\", \"--file\", dump_path, db_name], check=True)",
            references: &[
                "https://cwe.mitre.org/data/definitions/426.html",
                "https://docs.python.org/3/library/subprocess.html#popen-constructor",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const SUBPROCESS_CALLS: &[&str] = &[
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.Popen",
];

/// The program a `subprocess` call starts without a shell, when it is a constant.
fn subprocess_program(call: &Call) -> Option<&str> {
    // With a shell the program is `/bin/sh`; an unknown `shell=` value could be either.
    if call.keyword("shell").is_some() && !is_falsy(call.keyword("shell")) {
        return None;
    }
    if let Some(executable) = call.keyword("executable") {
        return executable.as_str();
    }
    let args = call.arg(0, "args")?;
    if let Some(command) = args.as_str() {
        return command.split_whitespace().next();
    }
    items(args)?.first()?.as_str()
}

/// Whether an `env=` argument is a literal mapping that sets `PATH`.
fn sets_path(env: Option<&Value>) -> bool {
    match env.map(|e| &e.resolved().kind) {
        Some(ValueKind::Dict(entries)) => entries
            .iter()
            .any(|(k, _)| k.as_ref().and_then(Value::as_str) == Some("PATH")),
        _ => false,
    }
}

fn check(_ctx: &Context, call: &Call, out: &mut Reporter) {
    let program = if call.is_any(SUBPROCESS_CALLS) {
        subprocess_program(call)
    } else if call.is_any(&["asyncio.create_subprocess_exec"]) {
        call.arg(0, "program").and_then(Value::as_str)
    } else if let Some(start) = os_start(call) {
        if !start.searches_path {
            return;
        }
        start.program.as_str()
    } else {
        return;
    };
    let Some(program) = program else {
        return;
    };
    if program.is_empty() || program.contains(['/', '\\']) || sets_path(call.keyword("env")) {
        return;
    }
    let name = call_name(call);
    out.report(
        call.span,
        format!("`{name}` starts `{program}` by bare name, so the binary that runs is whichever `{program}` comes first on the `PATH` of the running process."),
        format!("Give `{name}` the absolute path of `{program}` (for example `/usr/bin/{program}`), or pass `env=` with a fixed, trusted `PATH`."),
    );
}
