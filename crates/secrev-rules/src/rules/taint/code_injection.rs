//! PY802 `tainted-code`: untrusted data reaches `eval`, `exec` or `compile`.

use crate::{Hooks, Rule, TaintSpec};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY802",
        name: "tainted-code",
        title: "Untrusted data reaches `eval`, `exec` or `compile`",
        cwe: 94,
        category: Category::Injection,
        severity: Severity::Critical,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Follows data from where it enters the program (request parameters, form \
                   fields, headers, route arguments, command-line arguments, environment, \
                   sockets) through assignments, string building, containers and function calls, \
                   across files, to the source argument of the built-ins `eval`, `exec` and \
                   `compile`. It stays silent when every path converts the value to a number, \
                   compares it with a constant or checks it against a constant allow-list first.",
            why: "Whatever text reaches these functions is run as Python in the server process. \
                  A request that carries `__import__('os').system('...')` instead of the \
                  expected expression runs commands, reads secrets from memory or the file \
                  system and changes data, with all the privileges of the service.",
            example: "expr = request.args[\"expr\"]\nresult = eval(expr)",
            fix: "import ast\n\nresult = ast.literal_eval(request.args[\"expr\"])  # literals only, no calls",
            references: &[
                "https://cwe.mitre.org/data/definitions/94.html",
                "https://docs.python.org/3/library/ast.html#ast.literal_eval",
            ],
        },
    },
    hooks: Hooks {
        taint: Some(&TaintSpec {
            kind: "code-injection",
            harm: "the sender chooses Python code that the server runs",
            fix: "Do not evaluate untrusted text as code: parse literals with `ast.literal_eval` or `json.loads`, or map the input to one of a fixed set of functions.",
        }),
        ..Hooks::NONE
    },
};
