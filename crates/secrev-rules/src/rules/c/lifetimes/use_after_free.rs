//! C201 `use-after-free`: a pointer read through, or handed to a call, after `free`/`delete`
//! on some path where nothing gave it a new value.

use super::flow::{after_free, releases, AfterFree, FREES};
use crate::rules::c::common::c_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Function;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C201",
        name: "use-after-free",
        title: "Pointer used after it was freed",
        cwe: 416,
        category: Category::MemorySafety,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Follows each `free(p)`, `g_free(p)`, `delete p` and `delete[] p` along the \
                   function's control flow and reports the first statement on some path that \
                   dereferences `p` (`*p`, `p[i]`, `p->field`, `p->method()`) or passes it to a \
                   call, when no assignment to `p` (or taking its address) comes first. Only the \
                   function's own paths are followed.",
            why: "Freed memory is handed out again by the allocator: reading it returns another \
                  object's data, writing it corrupts that object or the allocator's own lists, \
                  and an attacker who controls the next allocation can turn the dangling pointer \
                  into code execution.",
            example: "void drop(struct conn *c) {\n    free(c->buf);\n    log_msg(\"dropped %zu bytes\", strlen(c->buf));\n}",
            fix: "void drop(struct conn *c) {\n    log_msg(\"dropped %zu bytes\", strlen(c->buf));\n    free(c->buf);\n    c->buf = NULL;\n}",
            references: &[
                "https://cwe.mitre.org/data/definitions/416.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/MEM30-C.+Do+not+access+freed+memory",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    if !super::has_real_paths(function) {
        return;
    }
    for (at, name, call) in releases(ctx.source, &function.cfg) {
        let release = c_name(call);
        if !FREES.contains(&release) {
            continue;
        }
        if let Some(AfterFree::Used(stmt)) =
            after_free(&function.cfg, super::flow::after(at), name, release)
        {
            let Some(span) = super::use_span(stmt, name) else {
                continue;
            };
            out.report(
                span,
                format!("`{name}` is used here after `{}` on line {} released it, with nothing assigned to it in between.", ctx.code(call.span), ctx.line_of(call.span)),
                format!("Use `{name}` before releasing it, or set it to `NULL` (`nullptr`) after the release and test it before use."),
            )
            .related(call.span, format!("`{name}` is released here"));
        }
    }
}
