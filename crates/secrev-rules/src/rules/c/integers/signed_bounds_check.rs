//! C302 `signed-length-check`: a signed length compared with an unsigned size as a bounds
//! check, with no test that it is not negative.

use super::{is_signed, is_unsigned_size};
use crate::rules::c::common::{c_name, local};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Op, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C302",
        name: "signed-length-check",
        title: "Signed length checked only against an upper bound",
        cwe: 195,
        category: Category::MemorySafety,
        severity: Severity::Medium,
        confidence: Confidence::Low,
        docs: RuleDocs {
            what: "Reports `len < sizeof buf`, `len <= strlen(s)` and similar comparisons where \
                   `len` is a signed integer (a parameter, or set from a call such as `atoi`, \
                   `read` or `recv`) and the other side an unsigned size, when the function never \
                   compares `len` with zero. Loop counters and lengths set from constants are \
                   left alone.",
            why: "Comparisons between a signed and a wider unsigned operand convert the signed \
                  one, so `-1 < sizeof buf` is false; but when the bound is `int`-sized or the \
                  code casts it, a negative length passes the check and then becomes a huge \
                  `size_t` in the `memcpy` that follows. Either way the check does not say what \
                  it seems to, and negative lengths from input are the classic way through.",
            example: "int len = atoi(field);\nif (len < (int)sizeof buf)\n    memcpy(buf, src, len);",
            fix: "int len = atoi(field);\nif (len >= 0 && (size_t)len < sizeof buf)\n    memcpy(buf, src, len);",
            references: &[
                "https://cwe.mitre.org/data/definitions/195.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/INT31-C.+Ensure+that+integer+conversions+do+not+result+in+lost+or+misinterpreted+data",
            ],
        },
    },
    hooks: Hooks {
        compare: Some(check),
        ..Hooks::NONE
    },
};

/// Calls whose result is a length from outside: text parsed as a number, bytes read.
const EXTERNAL_LENGTHS: &[&str] = &[
    "atoi", "atol", "strtol", "read", "recv", "recvfrom", "fread", "ntohs", "ntohl",
];

/// Whether `value` is an unsigned size: `sizeof`, `strlen`, a `size_t` variable.
fn unsigned_size(ctx: &Context, value: &Value) -> bool {
    match &value.kind {
        ValueKind::Operation { op: "sizeof", .. } => true,
        ValueKind::Call(call) => matches!(c_name(call), "strlen" | "wcslen" | "strnlen"),
        ValueKind::Ref { .. } => local(ctx, value)
            .is_some_and(|l| l.pointers == 0 && l.array_len.is_none() && is_unsigned_size(&l.ty)),
        _ => false,
    }
}

/// Whether the function bounds `name` from below somewhere (`len < 0`, `len >= 0`, `len > 0`).
fn lower_bounded(ctx: &Context, name: &str) -> bool {
    ctx.function.ops.iter().any(|op| match op {
        Op::Compare(v) | Op::Assert(secrev_ir::Assert { test: v, .. }) => {
            secrev_ir::any_in(v, &mut |c| match &c.kind {
                ValueKind::Operation { operands, .. } => {
                    operands.iter().any(|o| o.path() == Some(name))
                        && operands.iter().any(|o| o.as_int().is_some_and(|n| n <= 1))
                }
                _ => false,
            })
        }
        _ => false,
    })
}

/// Whether `name` holds a length from outside: a parameter, or set from a parsing or reading call.
fn external(ctx: &Context, name: &str) -> bool {
    ctx.function.params.iter().any(|p| p.name == name)
        || ctx.function.ops.iter().any(|op| match op {
            Op::Assign(a) => {
                a.targets.iter().any(|t| t.path == name)
                    && a.value
                        .as_call()
                        .is_some_and(|c| EXTERNAL_LENGTHS.contains(&c_name(c)))
            }
            _ => false,
        })
}

fn check(ctx: &Context, value: &Value, out: &mut Reporter) {
    let ValueKind::Operation { op, operands } = &value.kind else {
        return;
    };
    let [left, right] = operands.as_slice() else {
        return;
    };
    // The signed length on the smaller side: `len < bound`, `bound > len`.
    let (len, bound) = match *op {
        "<" | "<=" => (left, right),
        ">" | ">=" => (right, left),
        _ => return,
    };
    let Some(l) = local(ctx, len) else {
        return;
    };
    if l.pointers > 0 || l.array_len.is_some() || !is_signed(&l.ty) || !unsigned_size(ctx, bound) {
        return;
    }
    let name = l.name.as_str();
    if lower_bounded(ctx, name) || !external(ctx, name) {
        return;
    }
    // `(size_t)len < n` converts on purpose: a negative length becomes huge and fails the check.
    let cast = ctx
        .source
        .get(..len.span.start as usize)
        .is_some_and(|before| before.trim_end().ends_with(')'));
    if cast {
        return;
    }
    out.report(
        value.span,
        format!("`{name}` is a signed `{}` compared only with the upper bound `{}`: a negative `{name}` is never rejected and turns into a huge size when used as one.", l.ty, ctx.code(bound.span)),
        format!("Reject negative values first (`{name} < 0`), or keep the length in a `size_t` from the start."),
    );
}
