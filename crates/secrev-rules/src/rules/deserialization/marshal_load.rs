//! PY202 `marshal-load`: `marshal.load`/`loads` on data that is not in the code.

use super::common::{source, Source};
use crate::helpers::{call_name, quote};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Call;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY202",
        name: "marshal-load",
        title: "Data read with `marshal`",
        cwe: 502,
        category: Category::Deserialization,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `marshal.load` and `marshal.loads` on anything but literal bytes in the \
                   code. A file at a constant path is reported with medium confidence.",
            why: "`marshal` is the interpreter's internal format for `.pyc` files. Its documentation \
                  warns that it is not secure against malformed or malicious data: crafted input \
                  can crash the interpreter, and the code objects it produces are usually executed \
                  next, which makes the data's author the author of code that runs in the process.",
            example: "handler_code = marshal.loads(base64.b64decode(job[\"payload\"]))",
            fix: "handler = HANDLERS[job[\"handler\"]]  # ship names of known functions, not code",
            references: &[
                "https://cwe.mitre.org/data/definitions/502.html",
                "https://docs.python.org/3/library/marshal.html",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    if !call.is_any(&["marshal.load", "marshal.loads"]) {
        return;
    }
    let keyword = if call.qualname() == "marshal.load" {
        "file"
    } else {
        "bytes"
    };
    let Some(data) = call.arg(0, keyword) else {
        return;
    };
    let name = call_name(call);
    let shown = quote(ctx, data);
    let fix = format!("Exchange plain data (`json`) instead of `marshal` output, and only run code objects that ship with the program; `{name}` must never see bytes from outside.");
    match source(data, keyword == "file") {
        Source::Literal => {}
        Source::ConstantPath => {
            out.report(
                call.span,
                format!("`{name}` reads {shown}, a file at a fixed path; `marshal` is not safe against crafted data, so whoever can replace that file controls what is loaded."),
                fix,
            )
            .confidence(Confidence::Medium);
        }
        Source::Other => {
            out.report(
                call.span,
                format!("`{name}` decodes {shown}; `marshal` is not safe against crafted data, which can crash the interpreter or deliver code objects that are then run."),
                fix,
            );
        }
    }
}
