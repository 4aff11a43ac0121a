//! PY106 `eval-injection`: `eval` on an expression that is not a constant.

use super::common::{describe, report_by_shape, Lang, Shape};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::Call;

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "PY106",
        name: "eval-injection",
        title: "`eval` of an expression that is not a constant",
        cwe: 95,
        category: Category::Injection,
        severity: Severity::High,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds calls of the built-in `eval` whose expression is built at run time or \
                   comes from a name, attribute or call the analysis cannot see into. Constant \
                   expressions and code objects made by `compile` (reported by PY107) are left \
                   alone.",
            why: "`eval` runs any Python expression, and an expression can import modules, open \
                  files and start processes (`__import__('os').system(...)`). Restricting \
                  `globals`/`__builtins__` does not make it safe: attribute walks from any literal \
                  reach `object.__subclasses__()`. Whoever controls a piece of the string runs code \
                  inside the service.",
            example: "ratio = eval(request.args[\"ratio\"])",
            fix: "ratio = float(request.args[\"ratio\"])  # or ast.literal_eval for literals",
            references: &[
                "https://cwe.mitre.org/data/definitions/95.html",
                "https://docs.python.org/3/library/functions.html#eval",
                "https://docs.python.org/3/library/ast.html#ast.literal_eval",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    if !call.is_any(&["builtins.eval"]) {
        return;
    }
    let Some(source) = call.arg(0, "source") else {
        return;
    };
    if source
        .as_call()
        .is_some_and(|c| c.is_any(&["builtins.compile"]))
    {
        return;
    }
    let shown = describe(ctx, source);
    report_by_shape(ctx, call, source, Lang::Code, out, |shape| {
        match shape {
        Shape::Constant | Shape::Neutralised => None,
        Shape::Built => Some((
            format!("`eval` runs {shown}, an expression built at run time, so its variable parts are executed as Python code."),
            "Parse the value instead of evaluating it: `int`/`float`/`json.loads` for data, `ast.literal_eval` for Python literals, or a lookup table of allowed operations.".to_owned(),
        )),
        Shape::Opaque => Some((
            format!("`eval` runs {shown} as Python code; if that text can come from outside the program, whoever writes it runs code in this process."),
            format!("Replace `eval({})` with a parser for the expected data (`ast.literal_eval`, `json.loads`, `int`/`float`) or a lookup of allowed names.", ctx.code(source.span)),
        )),
    }
    });
}
