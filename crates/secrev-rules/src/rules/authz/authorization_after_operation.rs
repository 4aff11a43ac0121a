//! PY933 `authorization-after-operation`: a handler that changes state before the
//! authorization check that should guard the change.

use super::analysis;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Unit;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY933",
        name: "authorization-after-operation",
        title: "Authorization checked after the operation it should guard",
        cwe: 863,
        category: Category::ImproperAccess,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds request handlers where a call that changes state (`self.compute_api.\
                   delete(...)`, `obj.save()`, `db.*_update(...)`) runs on the path from the \
                   handler's entry before its authorization check (`context.can`, \
                   `policy.enforce`, a helper of the file that reaches one).",
            why: "A check that runs after the operation denies the response, not the change: \
                  the unauthorized caller gets an error and the resource is already deleted, \
                  resized or handed over.",
            example: "def delete(self, req, id):\n    context = req.environ['nova.context']\n    self.compute_api.delete(context, id)\n    context.can(policies.POLICY_ROOT % 'delete')",
            fix: "def delete(self, req, id):\n    context = req.environ['nova.context']\n    context.can(policies.POLICY_ROOT % 'delete')\n    self.compute_api.delete(context, id)",
            references: &[
                "https://cwe.mitre.org/data/definitions/863.html",
                "https://cwe.mitre.org/data/definitions/696.html",
            ],
        },
    },
    hooks: Hooks {
        unit: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, unit: &Unit, out: &mut Reporter) {
    let Some(view) = analysis::view(ctx, unit) else {
        return;
    };
    for handler in &view.handlers {
        let Some((op, check)) = handler.late.first() else {
            continue;
        };
        out.report(
            *check,
            format!(
                "Handler `{}` authorizes with `{}` only after `{}` (line {}) has changed state: an \
                 unauthorized caller is refused after the change is made.",
                handler.function.name,
                ctx.code(*check),
                ctx.code(*op),
                ctx.line_of(*op)
            ),
            "Move the authorization check before the first operation that changes state.",
        )
        .related(*op, "the operation that runs before the check");
    }
}
