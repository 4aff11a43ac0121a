//! C301 `alloc-size-overflow`: an allocation whose size is a product (or a sum of several
//! variables) that nothing checks for wrap-around.

use crate::rules::c::common::{c_name, is_compared};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Param, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C301",
        name: "alloc-size-overflow",
        title: "Allocation size computed without an overflow check",
        cwe: 190,
        category: Category::MemorySafety,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Reports `malloc`, `realloc`, `alloca` and `g_malloc` sizes computed by \
                   multiplying a variable (`n * sizeof(struct item)`, `w * h * 4`) or adding \
                   two or more of the function's parameters (`hdr_len + body_len`), when none of the variables \
                   involved is compared with anything in the function (a bound such as \
                   `if (n > SIZE_MAX / sizeof *items)` counts). `calloc`, which checks the \
                   product itself, and sums of one variable and constants (`len + 1`) are not \
                   reported.",
            why: "Unsigned arithmetic wraps: a large count from input makes the product small, \
                  the allocation succeeds with a few bytes, and the loop that fills `n` items \
                  writes far past its end (a heap overflow, CWE-122).",
            example: "struct item *items = malloc(count * sizeof *items);\nfor (i = 0; i < count; i++)\n    read_item(fd, &items[i]);",
            fix: "if (count > SIZE_MAX / sizeof *items)\n    return -EOVERFLOW;\nstruct item *items = calloc(count, sizeof *items);",
            references: &[
                "https://cwe.mitre.org/data/definitions/190.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/INT30-C.+Ensure+that+unsigned+integer+operations+do+not+wrap",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

/// Allocation functions and the position of their size argument.
const ALLOCATIONS: &[(&str, usize)] = &[
    ("malloc", 0),
    ("realloc", 1),
    ("alloca", 0),
    ("g_malloc", 0),
    ("xmalloc", 0),
];

/// The variables (names and field paths) in `value` that are not constant.
fn variables<'v>(value: &'v Value, out: &mut Vec<&'v str>) {
    match &value.kind {
        ValueKind::Ref { path, bound, .. } => match bound {
            Some(b) if b.is_constant() => {}
            Some(b) => variables(b, out),
            None if value.is_constant() => {}
            // Upper-case names are macros and enumerators: constants the file did not define.
            None if path
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') => {}
            None => out.push(path),
        },
        ValueKind::Operation { op: "sizeof", .. } => {}
        ValueKind::Operation { operands, .. } => {
            for operand in operands {
                variables(operand, out);
            }
        }
        _ => {}
    }
}

/// The terms of a sum (`a + b + 1` → `a`, `b`, `1`).
fn terms<'v>(value: &'v Value, out: &mut Vec<&'v Value>) {
    match &value.kind {
        ValueKind::Operation { op: "+", operands } => {
            for operand in operands {
                terms(operand, out);
            }
        }
        _ => out.push(value),
    }
}

/// The arithmetic in `size` that can wrap: a product with a variable factor, or a sum of two
/// or more variable terms.
fn wrapping<'v>(size: &'v Value, params: &[Param]) -> Option<(&'v Value, Vec<&'v str>)> {
    let size = size.resolved();
    let ValueKind::Operation { op, .. } = &size.kind else {
        return None;
    };
    let mut vars = Vec::new();
    variables(size, &mut vars);
    if vars.is_empty() {
        return None;
    }
    match *op {
        "*" | "<<" => Some((size, vars)),
        "+" => {
            let mut parts = Vec::new();
            terms(size, &mut parts);
            // A sum wraps only when its terms are near `SIZE_MAX` already: lengths of objects the
            // program holds are not, lengths its caller hands in may be. Two or more parameter
            // terms (or a product inside the sum) make it worth a finding.
            let parameter_terms = parts
                .iter()
                .filter(|t| t.path().is_some_and(|p| params.iter().any(|q| q.name == p)))
                .count();
            let products = parts
                .iter()
                .any(|t| matches!(t.resolved().kind, ValueKind::Operation { op: "*", .. }));
            (parameter_terms >= 2 || products).then_some((size, vars))
        }
        _ => None,
    }
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let name = c_name(call);
    let Some((_, at)) = ALLOCATIONS.iter().find(|(n, _)| *n == name) else {
        return;
    };
    let Some(size) = call.args.get(*at) else {
        return;
    };
    let Some((expr, vars)) = wrapping(size, &ctx.function.params) else {
        return;
    };
    if vars.iter().any(|v| is_compared(ctx, v)) {
        return;
    }
    let hint = if name == "malloc" {
        "use `calloc(count, size)`, which fails instead of wrapping"
    } else {
        "use `reallocarray` or a helper that checks the product"
    };
    out.report(
        size.span,
        format!("The size `{}` given to `{name}` can wrap around for large `{}`, and nothing in the function bounds it: the buffer comes out smaller than the code expects.", ctx.code(expr.span), vars.join("`/`")),
        format!("Check the operands first (`if (n > SIZE_MAX / size) fail`), or {hint}."),
    );
}
