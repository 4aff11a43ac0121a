//! C207 `realloc-overwrites-pointer`: `p = realloc(p, n)`, which loses the only pointer to the
//! old block when `realloc` fails.

use super::flow::pointer_path;
use crate::rules::c::common::c_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Assign, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C207",
        name: "realloc-overwrites-pointer",
        title: "realloc result assigned to the pointer it resizes",
        cwe: 401,
        category: Category::ResourceLeak,
        severity: Severity::Low,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Reports `p = realloc(p, n)` (and `reallocarray`, `g_realloc` is safe as it \
                   aborts): the pointer being resized receives the result directly.",
            why: "When `realloc` fails it returns null and leaves the old block allocated: \
                  the assignment then drops the only pointer to it (a leak), and the code that \
                  goes on with `p` dereferences null. Under memory pressure an attacker can \
                  provoke both.",
            example: "buf = realloc(buf, cap * 2);",
            fix: "char *grown = realloc(buf, cap * 2);\nif (!grown) {\n    free(buf);\n    return -ENOMEM;\n}\nbuf = grown;",
            references: &[
                "https://cwe.mitre.org/data/definitions/401.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/MEM04-C.+Beware+of+zero-length+allocations",
            ],
        },
    },
    hooks: Hooks {
        assign: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, assign: &Assign, out: &mut Reporter) {
    // The value as written: `p = q` where `q` holds a `realloc` result is the safe form.
    let ValueKind::Call(call) = &assign.value.kind else {
        return;
    };
    if !matches!(c_name(call), "realloc" | "reallocarray") {
        return;
    }
    let Some(old) = call.args.first().and_then(pointer_path) else {
        return;
    };
    for target in &assign.targets {
        if target.path == old {
            out.report(
                assign.span,
                format!("`{}` stores the result of `{}` over `{old}`: if the call fails, the old block is lost and `{old}` becomes null.", ctx.code(assign.span), c_name(call)),
                format!("Assign the result to a temporary, check it, and only then replace `{old}` (freeing the old block on failure)."),
            );
        }
    }
}
