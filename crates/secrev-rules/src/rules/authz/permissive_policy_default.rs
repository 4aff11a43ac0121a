//! PY937 `permissive-policy-default`: an `oslo.policy` rule default that lets every caller
//! perform an operation that changes state (check string `""` or `"@"`), or a deprecated rule
//! that does while the new default does not (during the deprecation period oslo.policy accepts
//! either, so the old one wins).

use super::analysis::verbs_of;
use crate::helpers::is_test_path;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Value, ValueKind};
use secrev_taint::authz::Authz;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY937",
        name: "permissive-policy-default",
        title: "Policy default allows every caller to change state",
        cwe: 1188,
        category: Category::InsecureConfig,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds `oslo.policy` `RuleDefault`/`DocumentedRuleDefault` definitions whose \
                   check string allows everyone (`\"\"`, `\"@\"`) for an operation that changes \
                   state (a `POST`, `PUT`, `PATCH` or `DELETE` in `operations`, or a rule name \
                   spelling create, update or delete), and deprecated rules (`deprecated_rule=\
                   DeprecatedRule(..., check_str='@')`) that allow everyone while the new \
                   default does not.",
            why: "Deployments that do not override the rule inherit the default: an empty check \
                  string lets any authenticated user, of any project, make the change. A \
                  deprecated rule is still honoured, OR-ed with the new one, until operators \
                  opt in to the new defaults, so an allow-all deprecated rule undoes the new one.",
            example: "policy.DocumentedRuleDefault(\n    name='os_compute_api:os-flavor-manage:delete',\n    check_str='',\n    description='Delete a flavor',\n    operations=[{'method': 'DELETE', 'path': '/flavors/{flavor_id}'}])",
            fix: "policy.DocumentedRuleDefault(\n    name='os_compute_api:os-flavor-manage:delete',\n    check_str=base.ADMIN,\n    description='Delete a flavor',\n    operations=[{'method': 'DELETE', 'path': '/flavors/{flavor_id}'}])",
            references: &[
                "https://cwe.mitre.org/data/definitions/1188.html",
                "https://docs.openstack.org/oslo.policy/latest/user/usage.html",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

fn names(call: &Call) -> [&str; 2] {
    [call.qualname(), call.callee.text.as_str()]
}

fn allows_all(model: &Authz, v: Option<&Value>) -> bool {
    v.and_then(Value::as_str)
        .is_some_and(|s| model.allow_all.iter().any(|a| a == s.trim()))
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let model = Authz::builtin();
    if is_test_path(ctx.path)
        || !names(call)
            .iter()
            .any(|n| !n.is_empty() && model.policy_rules.matches(n))
    {
        return;
    }
    let name = call.arg(0, "name").and_then(Value::as_str).unwrap_or("");
    let method = mutating_method(model, call);
    let verb = verbs_of(model, &[name.to_owned()])
        .into_iter()
        .find(|v| *v != "read");
    let Some(operation) = method.or(verb.map(str::to_owned)) else {
        return;
    };
    let check_str = call.arg(1, "check_str");
    if allows_all(model, check_str) {
        let at = check_str.map_or(call.span, |v| v.span);
        out.report(
            at,
            format!(
                "Policy `{name}` defaults to `{}`, which lets every caller {operation}.",
                ctx.code(at)
            ),
            "Default the rule to the role that should perform the operation (an admin or a \
             project member rule) and let operators widen it explicitly.",
        );
        return;
    }
    let deprecated = call.keyword("deprecated_rule").and_then(Value::as_call);
    if let Some(old) = deprecated.filter(|d| {
        names(d)
            .iter()
            .any(|n| !n.is_empty() && model.deprecated_rules.matches(n))
    }) {
        let old_check = old.arg(1, "check_str");
        if allows_all(model, old_check) {
            let at = old_check.map_or(old.span, |v| v.span);
            out.report(
                at,
                format!(
                    "The deprecated rule of `{name}` allows every caller (`{}`) to {operation}; \
                     oslo.policy accepts it beside the new default until deprecated rules are \
                     turned off.",
                    ctx.code(at)
                ),
                "Give the deprecated rule the check string the old default really had, or drop \
                 it when there was none.",
            );
        }
    }
}

/// The state-changing HTTP method among the rule's `operations`, if any.
fn mutating_method(model: &Authz, call: &Call) -> Option<String> {
    let operations = call.arg(4, "operations")?.resolved();
    let ValueKind::List(items) = &operations.kind else {
        return None;
    };
    items.iter().find_map(|item| {
        let ValueKind::Dict(entries) = &item.resolved().kind else {
            return None;
        };
        entries.iter().find_map(|(k, v)| {
            let method = v.as_str()?.to_ascii_uppercase();
            (k.as_ref()?.as_str()? == "method" && model.mutating_methods.contains(&method))
                .then(|| format!("perform `{method}` requests"))
        })
    })
}
