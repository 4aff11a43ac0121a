//! PY107 `exec-injection`: `exec` or `compile` on source code that is not a constant.

use super::common::{describe, report_by_shape, Lang, Shape};
use crate::helpers::call_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Call;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY107",
        name: "exec-injection",
        title: "`exec`/`compile` of source code that is not a constant",
        cwe: 95,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds the built-ins `exec` and `compile` called on source code that is built at \
                   run time or comes from a name, attribute or call the analysis cannot see into. \
                   `exec` of a code object produced by `compile` on the same line is reported once, \
                   at the `compile`.",
            why: "`exec` runs whole Python statements and `compile` turns text into code that is \
                  about to be run. Source assembled from a template, a configuration value, a \
                  database row or a request gives whoever controls that text full control of the \
                  process: imports, file access, processes and network.",
            example: "exec(\"def handler(event):\\n    return \" + rule_expr, namespace)",
            fix: "handler = RULE_HANDLERS[rule_name]  # choose among functions written in the code",
            references: &[
                "https://cwe.mitre.org/data/definitions/95.html",
                "https://docs.python.org/3/library/functions.html#exec",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let Some(source) = (if call.is_any(&["builtins.exec", "builtins.compile"]) {
        call.arg(0, "source")
    } else {
        return;
    }) else {
        return;
    };
    // `exec(compile(src, ...))`: the `compile` call is the one reported.
    if source
        .as_call()
        .is_some_and(|c| c.is_any(&["builtins.compile"]))
    {
        return;
    }
    // `compile(ast.parse(text), ...)`: judge the text; other AST objects are trees the program
    // assembled itself.
    let source = match source.as_call() {
        Some(inner) if inner.is_any(&["ast.parse"]) => match inner.arg(0, "source") {
            Some(text) => text,
            None => return,
        },
        Some(inner) if inner.qualname().starts_with("ast.") => return,
        _ => source,
    };
    let name = call_name(call).trim_start_matches("builtins.");
    let shown = describe(ctx, source);
    report_by_shape(ctx, call, source, Lang::Code, out, |shape| {
        match shape {
        Shape::Constant | Shape::Neutralised => None,
        Shape::Built => Some((
            format!("`{name}` turns {shown}, source code built at run time, into running code, so its variable parts execute as Python."),
            format!("Do not generate code for `{name}`: pass the variable parts as data to a function written in the module (or look them up in a table of allowed handlers)."),
        )),
        Shape::Opaque => Some((
            format!("`{name}` turns {shown} into running code; if that text can come from outside the program, whoever writes it runs code in this process."),
            format!("Replace `{name}` on `{}` with functions defined in the code and chosen by name from an allow-list; load data with a data format (`json`, `tomllib`) instead of Python source.", ctx.code(source.span)),
        )),
    }
    });
}
