//! PY815 `log-injection`: untrusted data is written to a log unneutralised.

use crate::{Hooks, Rule, TaintSpec};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY815",
        name: "log-injection",
        title: "Untrusted data is written to a log without neutralising line breaks",
        cwe: 117,
        category: Category::Injection,
        severity: Severity::Low,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Follows data from where it enters the program (request parameters, form \
                   fields, headers, route arguments, command-line arguments, environment, \
                   sockets) through assignments, string building, containers and function calls, \
                   across files, to the message or the arguments of a `logging` call: the \
                   module-level functions (`logging.info`, `warning`, `error`, `log`, ...) and the \
                   same methods of loggers from `logging.getLogger`. It stays silent when every \
                   path removes line breaks (`.replace(\"\\n\", ...)`), percent-encodes the value \
                   with `urllib.parse.quote`, converts it to a number, or checks it against an \
                   allow-list or a full regular-expression match.",
            why: "Log files are read line by line, by people and by tools. A value containing a \
                  line break starts a new line the sender wrote, so a username such as \
                  `alice\\n2024-01-01 12:00:00 INFO login succeeded for admin` forges entries that \
                  hide an attack or blame someone else, and control characters or markup can \
                  mislead a log viewer.",
            example: "user = request.form[\"user\"]\nlogger.warning(\"failed login for %s\", user)",
            fix: "user = request.form[\"user\"].replace(\"\\r\", \"\").replace(\"\\n\", \"\")\nlogger.warning(\"failed login for %s\", user)  # or log it with %r, which escapes line breaks",
            references: &[
                "https://cwe.mitre.org/data/definitions/117.html",
                "https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html",
            ],
        },
    },
    hooks: Hooks {
        taint: Some(&TaintSpec {
            kind: "log-injection",
            harm: "line breaks in it can forge log entries",
            fix: "Strip CR and LF from untrusted values before logging them (`value.replace(\"\\r\", \"\").replace(\"\\n\", \"\")`), or format them with `%r` / `repr()` so that line breaks are escaped.",
        }),
        ..Hooks::NONE
    },
};
