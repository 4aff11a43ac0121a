//! PY801 `tainted-command`: untrusted data reaches a command run by a shell.

use crate::{Hooks, Rule, TaintSpec};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY801",
        name: "tainted-command",
        title: "Untrusted data reaches a shell command",
        cwe: 78,
        category: Category::Injection,
        severity: Severity::Critical,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Follows data from where it enters the program (request parameters, form \
                   fields, headers, route arguments, command-line arguments, environment, \
                   sockets) through assignments, string building, containers and function calls, \
                   across files, to a command that a shell parses: `subprocess` calls with \
                   `shell=True`, `os.system`, `os.popen`, `asyncio.create_subprocess_shell`. It \
                   stays silent when every path passes the value through `shlex.quote`, a number \
                   conversion or an allow-list check.",
            why: "The shell gives meaning to `;`, `|`, `&&`, `$(...)` and backticks. Whoever \
                  controls part of the command string can append commands of their own, which \
                  run with the service's privileges: the classic remote code execution.",
            example: "host = request.args[\"host\"]\nsubprocess.run(\"ping -c 1 \" + host, shell=True)",
            fix: "subprocess.run([\"ping\", \"-c\", \"1\", host], check=True)  # no shell; or shlex.quote(host)",
            references: &[
                "https://cwe.mitre.org/data/definitions/78.html",
                "https://docs.python.org/3/library/subprocess.html#security-considerations",
            ],
        },
    },
    hooks: Hooks {
        taint: Some(&TaintSpec {
            kind: "command-injection",
            harm: "shell metacharacters in it start commands of the sender's choosing",
            fix: "Pass the command as an argument list without `shell=True`, or wrap each untrusted part in `shlex.quote`; check values against an allow-list where the set of valid ones is known.",
        }),
        ..Hooks::NONE
    },
};
