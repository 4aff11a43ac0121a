//! C303 `narrowing-size`: a `size_t` length (`strlen`, `sizeof`, `std::string::size()`, a
//! `size_t` variable) stored implicitly in an `int` or narrower variable.

use crate::rules::c::common::{c_name, local};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Assign, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C303",
        name: "narrowing-size",
        title: "Size narrowed into a smaller integer",
        cwe: 681,
        category: Category::MemorySafety,
        severity: Severity::Low,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Reports a local `int`, `unsigned`, `short` or 32-bit integer assigned, \
                   without a cast, the result of `strlen`/`wcslen`/`strnlen`, `size()`/`length()` \
                   of a `std::string`, `std::vector` or `qsizetype`-sized Qt 6 container, or a \
                   `size_t`/`qsizetype` variable. Explicit casts (`(int)strlen(s)`) say the \
                   programmer thought about it and are not reported.",
            why: "On 64-bit platforms a length over 2 GiB does not fit: it becomes negative or \
                  wraps, and the bounds checks and allocations computed from it are wrong. \
                  Inputs that large are cheap to send to a server that reads whole requests.",
            example: "int len = strlen(header);\nchar *copy = malloc(len + 1);",
            fix: "size_t len = strlen(header);\nchar *copy = malloc(len + 1);",
            references: &[
                "https://cwe.mitre.org/data/definitions/681.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/INT31-C.+Ensure+that+integer+conversions+do+not+result+in+lost+or+misinterpreted+data",
            ],
        },
    },
    hooks: Hooks {
        assign: Some(check),
        ..Hooks::NONE
    },
};

/// Integer types narrower than a size on 64-bit platforms.
const NARROW: &[&str] = &[
    "int",
    "signed",
    "signed int",
    "unsigned",
    "unsigned int",
    "short",
    "unsigned short",
    "int32_t",
    "uint32_t",
    "qint32",
    "quint32",
    "uint",
];

/// Containers whose `size()` is a `size_t` (or `qsizetype` in Qt 6).
const SIZED: &[&str] = &[
    "std::string",
    "std::wstring",
    "std::vector",
    "std::string_view",
    "string",
    "vector",
];

/// What makes `value` a size, described for the message.
fn size_source(ctx: &Context, value: &Value) -> Option<String> {
    match &value.kind {
        ValueKind::Call(call) => {
            if matches!(c_name(call), "strlen" | "wcslen" | "strnlen") {
                return Some(format!("`{}`", c_name(call)));
            }
            let method = call.callee.method.as_deref()?;
            if !matches!(method, "size" | "length") {
                return None;
            }
            let receiver = local(ctx, call.callee.receiver.as_deref()?)?;
            let ty = receiver.ty.split('<').next().unwrap_or(&receiver.ty);
            SIZED
                .contains(&ty)
                .then(|| format!("`{}::{method}()`", receiver.ty))
        }
        ValueKind::Ref { .. } => {
            let l = local(ctx, value)?;
            (l.pointers == 0 && l.array_len.is_none() && (l.ty == "size_t" || l.ty == "qsizetype"))
                .then(|| format!("the `{}` `{}`", l.ty, l.name))
        }
        _ => None,
    }
}

fn check(ctx: &Context, assign: &Assign, out: &mut Reporter) {
    let [target] = assign.targets.as_slice() else {
        return;
    };
    if assign.augmented {
        return;
    }
    let Some(l) = super::declared_at(ctx.function, &target.path, target.span.start) else {
        return;
    };
    if l.pointers > 0 || l.array_len.is_some() || !NARROW.contains(&l.ty.as_str()) {
        return;
    }
    // Casts are transparent in the representation: an explicit one (`(int)`, `static_cast<int>(`,
    // `int(`) shows only in the text between the `=` and the value.
    let before = ctx
        .source
        .get(..assign.value.span.start as usize)
        .unwrap_or("");
    if !before.trim_end().ends_with('=') {
        return;
    }
    let Some(source) = size_source(ctx, &assign.value) else {
        return;
    };
    out.report(
        assign.span,
        format!("{source} is a size, but `{}` is a `{}`: lengths over its range are silently truncated or turn negative.", l.name, l.ty),
        format!("Declare `{}` as `size_t` (or `qsizetype`), or check the length against `INT_MAX` before converting explicitly.", l.name),
    );
}
