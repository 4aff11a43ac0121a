//! C202 `double-free`: a pointer or handle released twice on one path.

use super::flow::{after_free, releases, AfterFree};
use crate::rules::c::common::c_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Function;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C202",
        name: "double-free",
        title: "Memory or handle released twice",
        cwe: 415,
        category: Category::MemorySafety,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Follows each `free`/`delete`/`delete[]`/`g_free` of a pointer (and each \
                   `fclose`/`close`/`closedir`/`pclose` of a handle) along the function's control \
                   flow and reports a second release of the same pointer or handle on some path \
                   where it was not given a new value in between (error paths that clean up \
                   what the normal path already released are the usual case).",
            why: "Freeing a block twice corrupts the allocator's free lists; with a suitable \
                  allocation pattern an attacker turns that into writing chosen data at a chosen \
                  address. Closing a descriptor twice closes whatever file another thread opened \
                  with the recycled number.",
            example: "if (parse(buf) < 0) {\n    free(buf);\n    goto fail;\n}\n...\nfail:\n    free(buf);\n    return -1;",
            fix: "if (parse(buf) < 0)\n    goto fail;\n...\nfail:\n    free(buf);\n    return -1;",
            references: &[
                "https://cwe.mitre.org/data/definitions/415.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/MEM31-C.+Free+dynamically+allocated+memory+when+no+longer+needed",
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
        if let Some(AfterFree::FreedAgain(again)) =
            after_free(&function.cfg, super::flow::after(at), name, release)
        {
            out.report(
                again.span,
                format!("`{name}` is released again here after `{}` on line {} released it, with nothing assigned to it in between.", ctx.code(call.span), ctx.line_of(call.span)),
                format!("Release `{name}` once: set it to `NULL` (`nullptr`, `-1` for a descriptor) right after the first release, or restructure the cleanup so that one path releases it."),
            )
            .related(call.span, format!("`{name}` is first released here"));
        }
    }
}
