//! C104 `string-termination-off-by-one`: `strncat` sized as if the terminator needed no room,
//! and `strncpy` filling the whole buffer with nothing terminating it.

use crate::rules::c::common::{c_name, is_sizeof_of, mentions};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Op, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C104",
        name: "string-termination-off-by-one",
        title: "String bound that leaves no room for the terminator",
        cwe: 193,
        category: Category::MemorySafety,
        severity: Severity::Medium,
        confidence: Confidence::High,
        docs: RuleDocs {
            what: "Finds `strncat(dst, src, n)` where `n` is `sizeof dst` or `sizeof dst - \
                   strlen(dst)` (strncat writes `n` characters *plus* a terminator), and \
                   `strncpy(dst, src, sizeof dst)` when the function never writes a terminator \
                   into `dst` afterwards (strncpy does not terminate a string that fills the \
                   buffer). `sizeof dst - strlen(dst) - 1`, `sizeof dst - 1` and an explicit \
                   `dst[sizeof dst - 1] = '\\0'` are the correct forms.",
            why: "The terminator is written one byte past the end of the buffer, or not at all; \
                  the next string function then reads or writes past the buffer until it finds \
                  a zero byte.",
            example: "char path[256];\nstrncpy(path, dir, sizeof path);\nstrncat(path, name, sizeof path - strlen(path));",
            fix: "char path[256];\nstrncpy(path, dir, sizeof path - 1);\npath[sizeof path - 1] = '\\0';\nstrncat(path, name, sizeof path - strlen(path) - 1);",
            references: &[
                "https://cwe.mitre.org/data/definitions/193.html",
                "https://cwe.mitre.org/data/definitions/170.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/STR31-C.+Guarantee+that+storage+for+strings+has+sufficient+space+for+character+data+and+the+null+terminator",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

fn is_sizeof_exactly(size: &Value, dest: &Value) -> bool {
    matches!(&size.kind, ValueKind::Operation { op: "sizeof", .. }) && is_sizeof_of(size, dest)
}

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let name = c_name(call);
    let (Some(dest), Some(size)) = (call.args.first(), call.args.get(2)) else {
        return;
    };
    let dest_code = ctx.code(dest.span);
    match name {
        "strncat" | "wcsncat" => {
            let whole = is_sizeof_exactly(size, dest);
            let remaining = matches!(&size.kind, ValueKind::Operation { op: "-", operands }
                if operands.len() == 2
                    && is_sizeof_exactly(&operands[0], dest)
                    && operands[1].as_call().is_some_and(|c| matches!(c_name(c), "strlen" | "wcslen")));
            if whole || remaining {
                out.report(
                    call.span,
                    format!("`{name}` may append `{}` characters and then a terminator: one byte more than `{dest_code}` has left.", ctx.code(size.span)),
                    format!("Pass `sizeof {dest_code} - strlen({dest_code}) - 1`, or build the string with `snprintf`."),
                );
            }
        }
        "strncpy" | "wcsncpy" if is_sizeof_exactly(size, dest) && !terminated(ctx, dest) => {
            out.report(
                call.span,
                format!("`{name}` fills all of `{dest_code}` when the source is as long as the buffer, leaving it without a terminator."),
                format!("Copy `sizeof {dest_code} - 1` characters and set `{dest_code}[sizeof {dest_code} - 1] = '\\0'`, or use `snprintf`/`strlcpy`."),
            );
        }
        _ => {}
    }
}

/// Whether the function writes into an element of `dest` (`dest[n - 1] = '\0'`).
fn terminated(ctx: &Context, dest: &Value) -> bool {
    let Some(path) = dest.path() else {
        return true;
    };
    ctx.function.ops.iter().any(|op| match op {
        Op::Assign(assign) => assign.targets.iter().any(|t| {
            t.element.as_deref().is_some_and(|e| mentions(e, path))
                || t.path.starts_with(&format!("{path}["))
        }),
        _ => false,
    })
}
