//! PY808 `tainted-template`: untrusted data becomes the source of a server-side template.

use crate::{Hooks, Rule, TaintSpec};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY808",
        name: "tainted-template",
        title: "Untrusted data becomes template source (server-side template injection)",
        cwe: 1336,
        category: Category::Injection,
        severity: Severity::Critical,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Follows data from where it enters the program (request parameters, form \
                   fields, headers, route arguments, command-line arguments, environment, \
                   sockets) through assignments, string building, containers and function calls, \
                   across files, to the source text of a template: Flask `render_template_string`, \
                   `jinja2.Template` and `Environment.from_string`, Mako `Template`, Django \
                   `Template` and `Engine.from_string`, Tornado `Template`, Bottle `template` and \
                   `SimpleTemplate`. Values passed as template context are not sinks. It stays \
                   silent when every path converts the value to a number, compares it with a \
                   constant or checks it against an allow-list.",
            why: "Template languages evaluate expressions. When the sender writes part of the \
                  template, `{{ ... }}` blocks walk from any object to Python's internals \
                  (`__class__`, `__globals__`, `__builtins__`) and import `os`, which turns the \
                  page into remote code execution; Mako templates may even contain plain Python \
                  blocks.",
            example: "name = request.args.get(\"name\", \"\")\nreturn render_template_string(\"<p>Hello \" + name + \"</p>\")",
            fix: "name = request.args.get(\"name\", \"\")\nreturn render_template_string(\"<p>Hello {{ name }}</p>\", name=name)",
            references: &[
                "https://cwe.mitre.org/data/definitions/1336.html",
                "https://jinja.palletsprojects.com/en/stable/sandbox/",
            ],
        },
    },
    hooks: Hooks {
        taint: Some(&TaintSpec {
            kind: "template-injection",
            harm: "template expressions in it run on the server and can reach arbitrary Python code",
            fix: "Keep the template source constant (a file or a literal) and pass untrusted values in the context, where they are data; if users must write templates, render them in Jinja's `SandboxedEnvironment`.",
        }),
        ..Hooks::NONE
    },
};
