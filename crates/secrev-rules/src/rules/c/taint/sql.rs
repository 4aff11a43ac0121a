//! C602 `c-tainted-sql`: untrusted data in an SQL statement, followed from its source across the functions of one file.

use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Function;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C602",
        name: "c-tainted-sql",
        title: "Untrusted data in an SQL statement",
        cwe: 89,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Reports SQL text passed to `sqlite3_exec`, `sqlite3_prepare_v2`, `mysql_query`, `PQexec` or `QSqlQuery::exec`/`prepare` that carries data from a source in the same file (environment, command line, network or device reads, URL query items). A helper of the file that receives the data from a caller is reported once, at its sink, naming the call that passed the data; helpers that read into a caller's buffer or return what they read are followed too. On a call that C502 also reports, this finding replaces that one: it names where the data comes from.",
            why: "Quotes and keywords in the data rewrite the query: reading other users' rows, bypassing a login check, or dropping tables.",
            example: "QString name = url.queryItemValue(\"user\");\nquery.exec(\"SELECT * FROM users WHERE name = '\" + name + \"'\");",
            fix: "query.prepare(\"SELECT * FROM users WHERE name = ?\");\nquery.addBindValue(url.queryItemValue(\"user\"));\nquery.exec();",
            references: &["https://cwe.mitre.org/data/definitions/89.html"],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, _function: &Function, out: &mut Reporter) {
    super::report(ctx, out, "sql", "so whoever controls it can change the statement", "Use a prepared statement with placeholders (`sqlite3_bind_text`, `QSqlQuery::prepare` + `bindValue`) and pass the data as a parameter.");
}
