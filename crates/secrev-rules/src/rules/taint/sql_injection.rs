//! PY803 `tainted-sql`: untrusted data reaches the text of an SQL statement.

use crate::{Hooks, Rule, TaintSpec};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY803",
        name: "tainted-sql",
        title: "Untrusted data reaches the text of an SQL statement",
        cwe: 89,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Follows data from where it enters the program (request parameters, form \
                   fields, headers, route arguments, command-line arguments, environment, \
                   sockets) through assignments, string building, containers and function calls, \
                   across files, to the SQL text of a query: DB-API `execute`, `executemany` and \
                   `executescript` on cursors and connections, SQLAlchemy `text()` and \
                   `Engine.execute`, `pandas.read_sql`, and Django's `raw`, `extra` and \
                   `RawSQL`. Values passed as bound parameters are not sinks. It stays silent \
                   when every path converts the value to a number, compares it with a constant \
                   or checks it against a constant allow-list.",
            why: "The database parses the whole string as SQL, so a quote in the data ends the \
                  literal and the rest becomes part of the statement. A crafted value can read \
                  other users' rows, bypass a login check, change or delete data, and on some \
                  databases read files or run commands.",
            example: "name = request.form[\"name\"]\ncursor.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\")",
            fix: "name = request.form[\"name\"]\ncursor.execute(\"SELECT * FROM users WHERE name = %s\", (name,))",
            references: &[
                "https://cwe.mitre.org/data/definitions/89.html",
                "https://peps.python.org/pep-0249/#paramstyle",
            ],
        },
    },
    hooks: Hooks {
        taint: Some(&TaintSpec {
            kind: "sql-injection",
            harm: "quotes in it can end a literal and add SQL of the sender's choosing",
            fix: "Keep the SQL text constant and pass untrusted values as bound parameters (`%s`, `?`, `:name`); pick identifiers such as column names from a fixed allow-list.",
        }),
        ..Hooks::NONE
    },
};
