//! PY934 `authorization-result-ignored`: a check that returns its verdict instead of raising
//! (`context.can(..., fatal=False)`, `user.has_perm(...)`, `policy.check(...)`) called as a
//! statement, its verdict dropped.

use super::analysis::is_condition;
use crate::helpers::is_test_path;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Function, Stmt, ValueKind};
use secrev_taint::authz::Authz;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY934",
        name: "authorization-result-ignored",
        title: "Authorization verdict computed and ignored",
        cwe: 285,
        category: Category::ImproperAccess,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds calls to authorization checks that return a verdict rather than raise \
                   (`context.can(..., fatal=False)`, `context.authorize(..., fatal=False)`, \
                   `enforcer.enforce(..., do_raise=False)`, `policy.check(...)`, \
                   `user.has_perm(...)`, `request.user.has_perms(...)`) made as a statement of \
                   their own, so that nothing tests the result.",
            why: "The code reads as if the request were authorized, but a refused caller goes \
                  on exactly like an allowed one: the check has no effect.",
            example: "def delete(self, request, pk):\n    request.user.has_perm('orders.delete_order')\n    Order.objects.filter(pk=pk).delete()",
            fix: "def delete(self, request, pk):\n    if not request.user.has_perm('orders.delete_order'):\n        raise PermissionDenied\n    Order.objects.filter(pk=pk).delete()",
            references: &[
                "https://cwe.mitre.org/data/definitions/285.html",
                "https://docs.djangoproject.com/en/stable/ref/contrib/auth/#django.contrib.auth.models.User.has_perm",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    if is_test_path(ctx.path) {
        return;
    }
    let model = Authz::builtin();
    for (id, block) in function.cfg.blocks.iter().enumerate() {
        for stmt in &block.stmts {
            let Stmt::Eval(value) = stmt else {
                continue;
            };
            let ValueKind::Call(call) = &value.kind else {
                continue;
            };
            let Some(check) = model.check(call.qualname(), &call.callee.text) else {
                continue;
            };
            let quiet = check
                .quiet_when
                .as_deref()
                .is_some_and(|k| call.keyword(k).and_then(|v| v.as_bool()) == Some(false));
            if !(check.verdict || quiet) || check.denial {
                continue;
            }
            if is_condition(function, id as u32, value) {
                continue;
            }
            out.report(
                call.span,
                format!(
                    "`{}` returns whether the caller is allowed, and nothing tests it: the code \
                     goes on whatever the verdict.",
                    ctx.code(call.span)
                ),
                if quiet {
                    "Drop the non-raising flag so the check raises when the caller is refused, or \
                     test its result and refuse the request."
                } else {
                    "Test the result and refuse the request when it is false (`if not ...: raise \
                     PermissionDenied`)."
                },
            );
        }
    }
}
