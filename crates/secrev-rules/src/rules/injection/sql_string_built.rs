//! PY108 `sql-string-built`: a query handed to `execute` (and friends) after being built from
//! run-time values with `+`, `%`, `.format` or an f-string.

use super::common::{
    describe, describe_holes, grade_by_origin, looks_like_sql, origin, shape, Lang, Shape,
};
use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{BuildKind, Call, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY108",
        name: "sql-string-built",
        title: "SQL query built from run-time values by string formatting",
        cwe: 89,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `execute`, `executemany`, `executescript` and `mogrify` calls (DB-API \
                   cursors and connections, SQLAlchemy sessions and connections, any receiver) and \
                   `pandas.read_sql`/`read_sql_query` whose query is a string assembled at run \
                   time with `+`, `%`, `.format()` or an f-string from pieces that are not \
                   constants. Pieces that can only be numbers (`int(...)`) or lists of `%s`/`?` \
                   placeholders are treated as safe; a query held in a variable whose origin is not \
                   visible is not reported.",
            why: "Formatting a value into SQL text lets a quote, comment marker or keyword inside \
                  it end the literal and rewrite the statement: reading other users' rows, \
                  bypassing a login check or dropping tables. The driver can only keep data and \
                  code apart when the value is sent separately as a bound parameter.",
            example: "cur.execute(\"SELECT * FROM users WHERE email = '%s'\" % email)",
            fix: "cur.execute(\"SELECT * FROM users WHERE email = %s\", (email,))",
            references: &[
                "https://cwe.mitre.org/data/definitions/89.html",
                "https://peps.python.org/pep-0249/#paramstyle",
                "https://www.psycopg.org/docs/usage.html#the-problem-with-the-query-parameters",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const METHODS: &[&str] = &["execute", "executemany", "executescript", "mogrify"];
const PANDAS_CALLS: &[&str] = &["pandas.read_sql", "pandas.read_sql_query"];
const QUERY_KEYWORDS: &[&str] = &["sql", "query", "operation", "statement", "sql_script"];

/// The query argument of a call, passed positionally or by one of the usual keyword names.
fn query_arg(call: &Call) -> Option<&Value> {
    QUERY_KEYWORDS
        .iter()
        .find_map(|k| call.keyword(k))
        .or_else(|| call.args.first())
}

/// Whether the query was built by one of the formatting operations (not by `join` alone).
fn formatted(value: &Value) -> bool {
    matches!(
        value.resolved().kind,
        ValueKind::Build {
            kind: BuildKind::Concat
                | BuildKind::Percent
                | BuildKind::Format
                | BuildKind::Interpolation,
            ..
        }
    )
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let is_method = call
        .callee
        .method
        .as_deref()
        .is_some_and(|m| METHODS.contains(&m));
    if !is_method && !call.is_any(PANDAS_CALLS) {
        return;
    }
    let Some(query) = query_arg(call) else {
        return;
    };
    if shape(query, Lang::Sql) != Shape::Built || !formatted(query) || !looks_like_sql(query) {
        return;
    }
    let name = call_name(call);
    let shown = describe(ctx, query);
    let pieces = describe_holes(ctx, query, Lang::Sql);
    let params_passed = call.args.len() > 1
        || call
            .keywords
            .iter()
            .any(|k| matches!(k.name.as_str(), "params" | "parameters" | "args" | "vars"));
    let hit = out.report(
        call.span,
        format!("`{name}` runs the SQL {shown}, built at run time from {pieces}, so a quote or keyword inside those values rewrites the statement."),
        format!("Write a constant query with placeholders in place of {pieces} and pass those values as the parameters argument of `{name}`; a table or column name must be picked from a fixed allow-list instead."),
    );
    grade_by_origin(hit, origin(ctx, query, Lang::Sql));
    // Already parameterised for the values: the formatted piece may be a vetted identifier or a
    // generated placeholder list (`",".join("%s" for _ in ids)`).
    if params_passed {
        hit.confidence(Confidence::Medium.min(hit.confidence.unwrap_or(Confidence::High)));
    }
}
