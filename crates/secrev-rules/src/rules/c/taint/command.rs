//! C601 `c-tainted-command`: untrusted data in a shell command, followed from its source across the functions of one file.

use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Function;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C601",
        name: "c-tainted-command",
        title: "Untrusted data in a shell command",
        cwe: 78,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Reports `system`, `popen`, `exec*` and `QProcess::start`/`startDetached` arguments that carry data from a source in the same file: `main`'s `argv`, `getenv`, buffers filled by `read`/`recv`/`fgets`/`fread`, `QIODevice::readAll`/`readLine`, URL query items, `QCoreApplication::arguments`. A helper of the file that receives the data from a caller is reported once, at its sink, naming the call that passed the data; helpers that read into a caller's buffer or return what they read are followed too. On a call that C501 also reports, this finding replaces that one: it names where the data comes from.",
            why: "The shell interprets `;`, `|`, `$(...)` and quotes in the data: an attacker who controls any part of the string runs arbitrary commands with the program's privileges.",
            example: "void run(void) {\n    char cmd[256];\n    snprintf(cmd, sizeof cmd, \"convert %s out.png\", getenv(\"INPUT\"));\n    system(cmd);\n}",
            fix: "void run(void) {\n    const char *input = getenv(\"INPUT\");\n    if (!input || !valid_name(input))\n        return;\n    execlp(\"convert\", \"convert\", input, \"out.png\", (char *)NULL);\n}",
            references: &["https://cwe.mitre.org/data/definitions/78.html"],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, _function: &Function, out: &mut Reporter) {
    super::report(ctx, out, "command", "so whoever controls it can run commands of their own", "Do not build commands from input: run the program directly with `execv`/`QProcess::start(program, arguments)` and pass the data as one argument, after checking it against what is expected.");
}
