//! PY110 `sqlalchemy-text-built`: `sqlalchemy.text()` on SQL built from run-time values.

use super::common::{describe, describe_holes, grade_by_origin, origin, shape, Lang, Shape};
use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Call;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY110",
        name: "sqlalchemy-text-built",
        title: "`sqlalchemy.text()` on SQL built from run-time values",
        cwe: 89,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `sqlalchemy.text(...)` (also imported from `sqlalchemy.sql` or \
                   `sqlalchemy.sql.expression`) whose SQL text is assembled at run time with `+`, \
                   `%`, `.format()` or an f-string from pieces that are not constants. Pieces that \
                   can only be numbers are treated as safe.",
            why: "`text()` marks a string as literal SQL: SQLAlchemy sends it to the database as \
                  written and only escapes values given separately as bound parameters \
                  (`:name`). A value formatted into the text can end a literal and change what the \
                  statement does.",
            example: "session.execute(text(f\"DELETE FROM tokens WHERE owner = '{owner}'\"))",
            fix: "session.execute(text(\"DELETE FROM tokens WHERE owner = :owner\"), {\"owner\": owner})",
            references: &[
                "https://cwe.mitre.org/data/definitions/89.html",
                "https://docs.sqlalchemy.org/en/20/core/sqlelement.html#sqlalchemy.sql.expression.text",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const TEXT_CALLS: &[&str] = &[
    "sqlalchemy.text",
    "sqlalchemy.sql.text",
    "sqlalchemy.sql.expression.text",
];

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    if !call.is_any(TEXT_CALLS) {
        return;
    }
    let Some(sql) = call.arg(0, "text") else {
        return;
    };
    if shape(sql, Lang::Sql) != Shape::Built {
        return;
    }
    let name = call_name(call);
    let shown = describe(ctx, sql);
    let pieces = describe_holes(ctx, sql, Lang::Sql);
    let hit = out.report(
        call.span,
        format!("`{name}` turns {shown}, built at run time from {pieces}, into literal SQL, so quotes or keywords in those values rewrite the statement."),
        format!("Keep the text given to `{name}` constant with bound parameters (`:name`) in place of {pieces} and pass those values to `execute`; a table or column name must be picked from a fixed allow-list instead."),
    );
    grade_by_origin(hit, origin(ctx, sql, Lang::Sql));
}
