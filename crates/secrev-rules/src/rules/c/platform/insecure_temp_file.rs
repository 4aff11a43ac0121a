//! C503 `insecure-temp-name`: `tmpnam`, `tempnam` and `mktemp`, which return a name that
//! another process can create first.

use crate::rules::c::common::c_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Call;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C503",
        name: "insecure-temp-name",
        title: "Temporary file name that another process can claim",
        cwe: 377,
        category: Category::RaceCondition,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `tmpnam`, `tmpnam_r`, `tempnam`, `mktemp` and `_mktemp`/`_tempnam`: \
                   calls that return a file name that does not exist yet, leaving the creation \
                   of the file to a later call. `mkstemp`, `mkdtemp`, `tmpfile` and \
                   `QTemporaryFile` create the file themselves and are not reported.",
            why: "Between the moment the name is chosen and the moment the file is opened, \
                  another local user can create that path (often as a symbolic link to a file \
                  the program may write), so the program writes where the attacker chose.",
            example: "char path[] = \"/tmp/upload-XXXXXX\";\nmktemp(path);\nFILE *f = fopen(path, \"w\");",
            fix: "char path[] = \"/tmp/upload-XXXXXX\";\nint fd = mkstemp(path);\nFILE *f = fdopen(fd, \"w\");",
            references: &[
                "https://cwe.mitre.org/data/definitions/377.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/FIO21-C.+Do+not+create+temporary+files+in+shared+directories",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const NAME_ONLY: &[&str] = &[
    "tmpnam", "tmpnam_r", "tempnam", "mktemp", "_mktemp", "_tempnam", "_wtmpnam", "_wmktemp",
];

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let name = c_name(call);
    if !NAME_ONLY.contains(&name) {
        return;
    }
    out.report(
        call.span,
        format!("`{}` only picks a name: another process can create that file before this one opens it.", ctx.code(call.span)),
        "Create the file and get its name in one step with `mkstemp` (or `mkdtemp` for a directory, `tmpfile` when no name is needed, `QTemporaryFile` in Qt).",
    );
}
