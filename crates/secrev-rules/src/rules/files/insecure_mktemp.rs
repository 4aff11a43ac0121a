//! PY501 `insecure-mktemp`: a temporary file name taken from `tempfile.mktemp`.

use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Call;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY501",
        name: "insecure-mktemp",
        title: "Temporary file name from `tempfile.mktemp`",
        cwe: 377,
        category: Category::RaceCondition,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds calls of `tempfile.mktemp`, however it was imported, which return the name \
                   of a file that does not exist yet without creating it.",
            why: "Between the moment `mktemp` picks the name and the moment the program opens it, \
                  another local user can create that path, typically as a symlink to a file the \
                  service may write, or as a file they can read. The program then writes into the \
                  attacker's file or follows the link. The function is deprecated for this reason.",
            example: "path = tempfile.mktemp(suffix=\".csv\")\nwith open(path, \"w\") as out:\n    out.write(report)",
            fix: "with tempfile.NamedTemporaryFile(\"w\", suffix=\".csv\", delete=False) as out:\n    out.write(report)\n    path = out.name",
            references: &[
                "https://cwe.mitre.org/data/definitions/377.html",
                "https://docs.python.org/3/library/tempfile.html#tempfile.mktemp",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    if !call.is_any(&["tempfile.mktemp"]) {
        return;
    }
    let code = ctx.code(call.span);
    let name = call_name(call);
    out.report(
        call.span,
        format!("`{code}` only picks a name for a temporary file (`{name}` creates nothing), so another local user can create or symlink that path before this code opens it."),
        format!("Replace `{code}` with `tempfile.mkstemp(...)` or `tempfile.NamedTemporaryFile(..., delete=False)`, which create the file atomically and return it already open; use `tempfile.mkdtemp()` if a directory was wanted."),
    );
}
