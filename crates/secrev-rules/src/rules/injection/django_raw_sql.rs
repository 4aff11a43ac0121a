//! PY109 `django-raw-sql`: Django's raw-SQL entry points (`Manager.raw`, `QuerySet.extra`,
//! `RawSQL`) given SQL built from run-time values.

use super::common::{describe, describe_holes, grade_by_origin, origin, shape, Lang, Shape};
use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY109",
        name: "django-raw-sql",
        title: "Django raw SQL built from run-time values",
        cwe: 89,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what:
                "Finds Django's raw-SQL escape hatches given SQL text assembled at run time with \
                   `+`, `%`, `.format()` or an f-string: `Model.objects.raw(...)` (and the \
                   `_default_manager`/`_base_manager` managers), `QuerySet.extra(where=..., \
                   select=..., tables=..., order_by=...)` and `RawSQL(...)` expressions. Pieces \
                   that can only be numbers are treated as safe.",
            why: "These APIs put their SQL text into the statement as it is; the ORM's escaping \
                  only applies to the separate `params` list. A value formatted into the text can \
                  close a literal and add conditions, unions or sub-queries of the attacker's \
                  choosing.",
            example: "Order.objects.raw(f\"SELECT * FROM shop_order WHERE status = '{status}'\")",
            fix: "Order.objects.raw(\"SELECT * FROM shop_order WHERE status = %s\", [status])",
            references: &[
                "https://cwe.mitre.org/data/definitions/89.html",
                "https://docs.djangoproject.com/en/stable/topics/db/sql/",
                "https://docs.djangoproject.com/en/stable/ref/models/querysets/#extra",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const RAW_SQL: &[&str] = &[
    "django.db.models.expressions.RawSQL",
    "django.db.models.RawSQL",
];
const MANAGERS: &[&str] = &["objects", "_default_manager", "_base_manager"];
/// `extra()` parameters that hold SQL, with their positions.
const EXTRA_SQL: &[(&str, usize)] = &[("select", 0), ("where", 1), ("tables", 3), ("order_by", 4)];

/// Whether the receiver of a call reads like a Django manager or a query set made from one.
fn is_manager_like(call: &Call) -> bool {
    let Some(receiver) = call.callee.receiver.as_deref() else {
        return false;
    };
    if receiver.last_name().is_some_and(|n| MANAGERS.contains(&n)) {
        return true;
    }
    if receiver
        .qualname()
        .is_some_and(|q| q.ends_with("Manager()") || q.ends_with("QuerySet()"))
    {
        return true;
    }
    // `Model.objects.filter(...).extra(...)`, `Model.objects.using("x").raw(...)`.
    call.callee
        .text
        .split('.')
        .any(|seg| MANAGERS.contains(&seg))
}

/// The SQL strings inside an `extra()` argument: list items, dict values, or the value itself.
fn sql_strings(value: &Value) -> Vec<&Value> {
    match &value.resolved().kind {
        ValueKind::List(items) | ValueKind::Tuple(items) => items.iter().collect(),
        ValueKind::Dict(entries) => entries.iter().map(|(_, v)| v).collect(),
        _ => vec![value],
    }
}

fn report(ctx: &Context, call: &Call, sql: &Value, what: &str, out: &mut Reporter) {
    // Method calls read best as written (`Order.objects.raw`, not `.models.Order.objects.raw`).
    let name = if call.callee.method.is_some() && !call.is_any(RAW_SQL) {
        call.callee.text.as_str()
    } else {
        call_name(call)
    };
    let shown = describe(ctx, sql);
    let pieces = describe_holes(ctx, sql, Lang::Sql);
    let hit = out.report(
        call.span,
        format!("`{name}` puts {what} {shown} into the SQL as written, and it is built at run time from {pieces}, so quotes or keywords in those values rewrite the query."),
        format!("Keep the SQL text of `{name}` constant with `%s` placeholders in place of {pieces} and pass those values in its `params` list, or express the condition with the ORM (`filter`, `annotate`)."),
    );
    grade_by_origin(hit, origin(ctx, sql, Lang::Sql));
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let built = |v: &Value| shape(v, Lang::Sql) == Shape::Built;
    if call.is_any(RAW_SQL) {
        if let Some(sql) = call.arg(0, "sql").filter(|v| built(v)) {
            report(ctx, call, sql, "the expression", out);
        }
        return;
    }
    match call.callee.method.as_deref() {
        Some("raw") if is_manager_like(call) => {
            if let Some(sql) = call.arg(0, "raw_query").filter(|v| built(v)) {
                report(ctx, call, sql, "the query", out);
            }
        }
        Some("extra") => {
            let positional = is_manager_like(call);
            for (keyword, position) in EXTRA_SQL {
                let value = match call.keyword(keyword) {
                    Some(v) => v,
                    None if positional => match call.args.get(*position) {
                        Some(v) => v,
                        None => continue,
                    },
                    None => continue,
                };
                if let Some(sql) = sql_strings(value).into_iter().find(|v| built(v)) {
                    report(ctx, call, sql, &format!("the `{keyword}` clause"), out);
                    return;
                }
            }
        }
        _ => {}
    }
}
