//! PY701 `assert-access-check`: an authorization or authentication decision made with `assert`.

use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Assert, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY701",
        name: "assert-access-check",
        title: "Access check written as an `assert`",
        cwe: 617,
        category: Category::ImproperAccess,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `assert` statements whose condition is a permission or identity decision: \
                   calls or attributes such as `is_admin`, `is_superuser`, `is_staff`, \
                   `is_authenticated`, `is_authorized`, `has_perm(s)`, `has_permission`, `has_role`, \
                   `check_permission`, `is_owner`, `can_<action>` for actions such as edit, delete, view or \
                   manage, and comparisons on `role`, `roles`, \
                   `owner`, `owner_id` or `permissions`. Asserts in test code (`tests/` directories, \
                   `test_*.py`, `*_test.py`, `conftest.py`, functions named `test_*`) are not reported.",
            why: "Python removes `assert` statements when it runs with `-O` or `PYTHONOPTIMIZE`, which \
                  some deployments set. The check then disappears and every caller is let through. \
                  Even when asserts are kept, the failure is an `AssertionError` that callers may \
                  catch broadly or turn into a 500 instead of a denied request.",
            example: "def delete_project(user, project):\n    assert user.has_perm(\"projects.delete\")\n    project.delete()",
            fix: "def delete_project(user, project):\n    if not user.has_perm(\"projects.delete\"):\n        raise PermissionDenied()\n    project.delete()",
            references: &[
                "https://cwe.mitre.org/data/definitions/617.html",
                "https://docs.python.org/3/reference/simple_stmts.html#the-assert-statement",
            ],
        },
    },
    hooks: Hooks {
        assert: Some(check),
        ..Hooks::NONE
    },
};

/// Names of predicates that decide who may do what.
const ACCESS_PREDICATES: &[&str] = &[
    "is_admin",
    "is_superuser",
    "is_staff",
    "is_authenticated",
    "is_authorized",
    "is_authorised",
    "is_owner",
    "is_allowed",
    "is_permitted",
    "has_perm",
    "has_perms",
    "has_permission",
    "has_permissions",
    "has_role",
    "has_access",
    "has_scope",
    "check_permission",
    "check_permissions",
    "check_access",
    "user_is_admin",
    "authorized",
    "authenticated",
];

/// Attributes whose comparison is an access decision (`user.role == "admin"`).
const ACCESS_ATTRIBUTES: &[&str] = &[
    "role",
    "roles",
    "owner",
    "owner_id",
    "permissions",
    "perms",
    "scopes",
    "access_level",
    "privileges",
    "is_admin",
    "is_superuser",
    "is_staff",
];

const COMPARISONS: &[&str] = &[
    "==", "!=", "in", "not in", "is", "is not", ">=", "<=", ">", "<",
];

/// Actions whose `can_<action>` predicate is a permission (`can_edit`, `can_delete_project`),
/// as opposed to capability probes such as `can_retry` or `can_connect`.
const ACCESS_VERBS: &[&str] = &[
    "access",
    "admin",
    "administer",
    "approve",
    "archive",
    "change",
    "create",
    "delete",
    "edit",
    "export",
    "impersonate",
    "invite",
    "manage",
    "moderate",
    "modify",
    "publish",
    "remove",
    "see",
    "share",
    "transfer",
    "update",
    "view",
];

fn is_access_predicate(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if ACCESS_PREDICATES.contains(&lower.as_str()) {
        return true;
    }
    lower.strip_prefix("can_").is_some_and(|action| {
        let verb = action.split('_').next().unwrap_or(action);
        ACCESS_VERBS.contains(&verb)
    })
}

/// The access-deciding name in a condition, if it has one.
fn access_name(value: &Value, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    match &value.kind {
        ValueKind::Ref { .. } | ValueKind::Call(_) => {
            if let Some(name) = value.last_name().filter(|n| is_access_predicate(n)) {
                return Some(name.to_owned());
            }
            if let ValueKind::Call(call) = &value.kind {
                // `from perms import can_archive as may_archive`: the imported name decides.
                let imported = call.qualname().rsplit('.').next().unwrap_or("");
                if is_access_predicate(imported) {
                    return Some(imported.to_owned());
                }
                // `bool(...)`, `all(...)`, `any(...)` wrap the real check.
                if call.is_any(&["builtins.bool", "builtins.all", "builtins.any"]) {
                    return call.args.iter().find_map(|a| access_name(a, depth + 1));
                }
                return None;
            }
            let resolved = value.resolved();
            if !std::ptr::eq(resolved, value) {
                return access_name(resolved, depth + 1);
            }
            None
        }
        ValueKind::Operation { op, operands } => {
            let against_none = operands
                .iter()
                .any(|o| matches!(o.resolved().kind, ValueKind::None));
            if COMPARISONS.contains(op) && !against_none {
                if let Some(name) = operands.iter().find_map(|o| {
                    o.last_name()
                        .filter(|n| ACCESS_ATTRIBUTES.contains(&n.to_ascii_lowercase().as_str()))
                }) {
                    return Some(name.to_owned());
                }
            }
            operands.iter().find_map(|o| access_name(o, depth + 1))
        }
        _ => None,
    }
}

fn is_test_code(ctx: &Context) -> bool {
    crate::helpers::is_test_path(ctx.path)
        || ctx.function.name.starts_with("test_")
        || ctx.function.qualname.split('.').any(is_test_class)
}

/// `TestBilling`, `Test_orders`, `BillingTests`, `BillingTestCase`.
fn is_test_class(name: &str) -> bool {
    let after = name.strip_prefix("Test").map(|rest| rest.chars().next());
    matches!(after, Some(None))
        || matches!(after, Some(Some(c)) if c.is_ascii_uppercase() || c == '_')
        || name.ends_with("Tests")
        || name.ends_with("TestCase")
}

fn check(ctx: &Context, assert: &Assert, out: &mut Reporter) {
    if is_test_code(ctx) {
        return;
    }
    let Some(name) = access_name(&assert.test, 0) else {
        return;
    };
    let condition = ctx.code(assert.test.span);
    let function = if ctx.function.name == "<module>" {
        "module code".to_owned()
    } else {
        format!("`{}`", ctx.function.qualname)
    };
    out.report(
        assert.span,
        format!("{function} enforces the access check `{condition}` (on `{name}`) with `assert`, which Python drops under `-O`, letting every caller through."),
        format!("Replace `assert {condition}` with `if not ({condition}): raise PermissionError(...)` (or your framework's permission-denied exception)."),
    );
}
