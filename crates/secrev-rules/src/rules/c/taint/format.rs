//! C603 `c-tainted-format-string`: untrusted data used as a format string, followed from its source across the functions of one file.

use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Function;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C603",
        name: "c-tainted-format-string",
        title: "Untrusted data used as a format string",
        cwe: 134,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Reports the format argument of `printf`, `fprintf`, `sprintf`, `snprintf` and `syslog` when it carries data from a source in the same file. A helper of the file that receives the data from a caller is reported once, at its sink, naming the call that passed the data; helpers that read into a caller's buffer or return what they read are followed too. On a call that C105 also reports, this finding replaces that one: it names where the data comes from.",
            why: "The formatting function takes its arguments from the stack as the directives say: `%s` and `%x` leak memory, `%n` writes to it, and a crafted string takes over the process.",
            example: "char line[256];\nfgets(line, sizeof line, stdin);\nprintf(line);",
            fix: "char line[256];\nfgets(line, sizeof line, stdin);\nprintf(\"%s\", line);",
            references: &["https://cwe.mitre.org/data/definitions/134.html"],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, _function: &Function, out: &mut Reporter) {
    super::report(
        ctx,
        out,
        "format",
        "so its `%` directives read (`%x`, `%s`) or write (`%n`) memory",
        "Print the data through a constant format: `printf(\"%s\", data)`.",
    );
}
