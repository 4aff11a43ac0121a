//! C604 `c-tainted-path`: untrusted data used as a file path, followed from its source across the functions of one file.

use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Function;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C604",
        name: "c-tainted-path",
        title: "Untrusted data used as a file path",
        cwe: 22,
        category: Category::PathTraversal,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Reports the path argument of `fopen`, `open`, `unlink`, `QFile` and `QFile::setFileName` when it carries data from a source in the same file. A helper of the file that receives the data from a caller is reported once, at its sink, naming the call that passed the data; helpers that read into a caller's buffer or return what they read are followed too.",
            why: "A name such as `../../etc/shadow` walks out of the intended directory: the program reads, overwrites or deletes files its caller should not reach.",
            example: "char path[512];\nsnprintf(path, sizeof path, \"/var/spool/%s\", getenv(\"JOB\"));\nFILE *f = fopen(path, \"w\");",
            fix: "const char *job = getenv(\"JOB\");\nif (!job || strchr(job, '/') || strstr(job, \"..\"))\n    return -1;",
            references: &["https://cwe.mitre.org/data/definitions/22.html"],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, _function: &Function, out: &mut Reporter) {
    super::report(ctx, out, "path", "so `../` in it reaches files outside the intended directory", "Reduce the input to a plain name (reject `/` and `..`, or `basename`), join it to a fixed directory, and check the canonical result (`realpath`, `QDir::cleanPath`) is still inside it.");
}
