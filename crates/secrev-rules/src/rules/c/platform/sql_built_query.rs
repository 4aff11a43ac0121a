//! C502 `sql-built-query`: `QSqlQuery::exec`/`prepare`, `sqlite3_exec`/`prepare`,
//! `mysql_query`, `PQexec` given SQL built at run time from text.

use crate::rules::c::common::{c_name, from_parameter, risky_hole};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Part, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C502",
        name: "sql-built-query",
        title: "SQL query built from strings",
        cwe: 89,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds SQL run from a string built at run time: `QSqlQuery::exec(sql)`, \
                   `QSqlQuery::prepare(sql)`, a `QSqlQuery(sql, db)` constructed with it, \
                   `QSqlDatabase::exec`, `sqlite3_exec`/`sqlite3_prepare*`, `mysql_query`/\
                   `mysql_real_query` and `PQexec`/`PQsendQuery`, when the SQL is assembled with \
                   `+`, `QString::arg`, `sprintf` or `strcat` from a piece that is not a number. \
                   Constant SQL with `bindValue`/`addBindValue` or `sqlite3_bind_*` parameters \
                   is the safe form and is not reported. A piece pasted where SQL expects a \
                   name (after `FROM`, `JOIN`, `TABLE`, `INTO`...) cannot be bound: it is \
                   reported at medium severity and low confidence when the caller hands it in, \
                   and not at all when the function computes it. Values that do not come \
                   from the caller (the object's state, a row read back from the catalogue) \
                   are reported at medium severity and low confidence. Pieces that are numbers, \
                   single characters, escaped, or variables that only ever hold constant \
                   clauses (`filter += \"AND x = 0\"` on some branches) are not data. Where C602 follows data from a source to the same call, its finding, which names the source, is reported instead of this one.",
            why: "Text pasted into SQL can close the quoted literal and add its own clauses: a \
                  name like `x' OR '1'='1` reads or deletes every row, and stacked statements \
                  can change the schema.",
            example: "void Store::remove(const QString &name) {\n    QSqlQuery q(m_db);\n    q.exec(\"DELETE FROM items WHERE name = '\" + name + \"'\");\n}",
            fix: "void Store::remove(const QString &name) {\n    QSqlQuery q(m_db);\n    q.prepare(\"DELETE FROM items WHERE name = ?\");\n    q.addBindValue(name);\n    q.exec();\n}",
            references: &[
                "https://cwe.mitre.org/data/definitions/89.html",
                "https://doc.qt.io/qt-6/qsqlquery.html#approaches-to-binding-values",
                "https://www.sqlite.org/c3ref/bind_blob.html",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

/// C APIs and the position of their SQL argument.
const C_APIS: &[(&str, usize)] = &[
    ("sqlite3_exec", 1),
    ("sqlite3_prepare", 1),
    ("sqlite3_prepare_v2", 1),
    ("sqlite3_prepare_v3", 1),
    ("sqlite3_prepare16", 1),
    ("sqlite3_prepare16_v2", 1),
    ("mysql_query", 1),
    ("mysql_real_query", 1),
    ("PQexec", 1),
    ("PQsendQuery", 1),
    ("PQexecParams", 1),
    ("PQprepare", 2),
];

/// The SQL text a call runs, if it is a SQL API.
fn sql_argument(call: &Call) -> Option<&Value> {
    let name = c_name(call);
    if let Some((_, at)) = C_APIS.iter().find(|(n, _)| *n == name) {
        return call.args.get(*at);
    }
    match call.qualname() {
        "QSqlQuery::exec" | "QSqlQuery::prepare" | "QSqlDatabase::exec" | "QSqlQuery" => {
            call.args.first()
        }
        _ => None,
    }
}

/// Keywords after which SQL expects a table, column or other name rather than a value.
const NAME_KEYWORDS: &[&str] = &[
    "from",
    "join",
    "table",
    "into",
    "update",
    "exists",
    "index",
    "on",
    "view",
    "schema",
    "by",
    "select",
    "database",
    "trigger",
    "pragma",
    "references",
    "as",
    ".",
];

/// Whether `hole` sits where SQL expects a name: right after `FROM`, `JOIN`, `TABLE`, `INTO`,
/// `UPDATE`..., and not inside a quoted literal.
fn in_name_position(sql: &Value, hole: &Value) -> bool {
    let ValueKind::Build { parts, .. } = &sql.resolved().kind else {
        return false;
    };
    let mut before = String::new();
    for part in parts {
        match part {
            Part::Lit(text) => before.push_str(text),
            Part::Hole(h) if std::ptr::eq(h, hole) || h.span == hole.span => {
                let quotes = before.matches('\'').count();
                if quotes % 2 == 1 {
                    return false;
                }
                let last = before
                    .trim_end()
                    .rsplit(|c: char| c.is_whitespace() || c == '(' || c == ',')
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                return NAME_KEYWORDS.contains(&last.as_str()) || last.ends_with('.');
            }
            Part::Hole(_) => before.push('?'),
        }
    }
    false
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let Some(sql) = sql_argument(call) else {
        return;
    };
    let Some(hole) = risky_hole(ctx, sql) else {
        return;
    };
    let shown = call.callee.qualname.as_deref().unwrap_or(&call.callee.text);
    if in_name_position(sql, hole) {
        // `"SELECT * FROM " + table`: a table or column name, which placeholders cannot carry;
        // drivers and tools build such SQL from names their caller chose. A name the function
        // computes itself (from its own state, a catalogue query, a fixed list) is not input.
        if from_parameter(ctx, hole).is_none() {
            return;
        }
        out.report(
            call.span,
            format!("`{shown}` runs SQL with `{}` pasted in as a name: if that name can come from input, it can change the statement.", ctx.code(hole.span)),
            "Check the name against the schema or an allow-list, and quote it as an identifier (`QSqlDriver::escapeIdentifier`, `sqlite3_mprintf(\"%w\")`).",
        )
        .severity(Severity::Medium)
        .confidence(Confidence::Low);
        return;
    }
    let hit = out.report(
        call.span,
        format!("`{shown}` runs SQL built from `{}`: a quote in it changes the statement.", ctx.code(hole.span)),
        "Keep the SQL constant with placeholders (`?` or `:name`) and bind the values (`QSqlQuery::prepare` + `addBindValue`/`bindValue`, `sqlite3_bind_text`, `PQexecParams`).",
    );
    if from_parameter(ctx, hole).is_some() {
        hit.confidence(Confidence::High);
    } else {
        // Not from the caller: the function's own state, a catalogue row, a helper's result.
        // In drivers and tools these are the program's names more often than input.
        hit.severity(Severity::Medium).confidence(Confidence::Low);
    }
}
