//! C102 `copy-size-not-from-destination`: `memcpy`, `memmove`, `strncpy`, `fgets`, `read`
//! and friends writing into a fixed array a length that does not come from that array.

use crate::rules::c::common::{
    array_bytes, array_len, c_name, from_parameter, is_compared, is_sizeof_of, max_len, mentions,
};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C102",
        name: "copy-size-not-from-destination",
        title: "Copy length not tied to the destination buffer",
        cwe: 787,
        category: Category::MemorySafety,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds bounded copies into a fixed-size array whose length is not the array's: \
                   `memcpy`/`memmove`/`wmemcpy`, `strncpy`/`strncat`/`wcsncpy`, `snprintf`/\
                   `vsnprintf`, `fgets`, `read`, `recv`/`recvfrom` and `fread` with a constant \
                   larger than the array, with `strlen`/`sizeof` of the *source*, or with a \
                   length variable the function never compares with anything. Lengths written \
                   as `sizeof dst`, `sizeof(dst) - 1`, `ARRAY_SIZE(dst)`, constants that fit and \
                   lengths checked in the function are not reported.",
            why: "A bounded copy is only as safe as its bound: a length taken from the source or \
                  from a packet header lets a longer input write past the end of the \
                  destination, exactly like an unbounded `strcpy`.",
            example: "void set_key(const char *key) {\n    char buf[16];\n    memcpy(buf, key, strlen(key) + 1);\n}",
            fix: "void set_key(const char *key) {\n    char buf[16];\n    size_t n = strlen(key);\n    if (n >= sizeof buf)\n        return;\n    memcpy(buf, key, n + 1);\n}",
            references: &[
                "https://cwe.mitre.org/data/definitions/787.html",
                "https://cwe.mitre.org/data/definitions/806.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/ARR38-C.+Guarantee+that+library+functions+do+not+form+invalid+pointers",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

/// Calls writing into a buffer: (name, destination position, length position).
const WRITERS: &[(&str, usize, usize)] = &[
    ("memcpy", 0, 2),
    ("memmove", 0, 2),
    ("wmemcpy", 0, 2),
    ("wmemmove", 0, 2),
    ("CopyMemory", 0, 2),
    ("strncpy", 0, 2),
    ("wcsncpy", 0, 2),
    ("strncat", 0, 2),
    ("snprintf", 0, 1),
    ("vsnprintf", 0, 1),
    ("fgets", 0, 1),
    ("read", 1, 2),
    ("recv", 1, 2),
    ("recvfrom", 1, 2),
    ("fread", 0, 2),
];

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let name = c_name(call);
    let Some((_, at_dest, at_len)) = WRITERS.iter().find(|(n, _, _)| *n == name) else {
        return;
    };
    let (Some(dest), Some(len)) = (call.args.get(*at_dest), call.args.get(*at_len)) else {
        return;
    };
    // Byte counts for the memory functions, character counts for the string ones.
    let in_bytes = matches!(
        name,
        "memcpy" | "memmove" | "CopyMemory" | "read" | "recv" | "recvfrom" | "fread"
    );
    let dest_len = if in_bytes {
        array_bytes(ctx, dest)
    } else {
        array_len(ctx, dest)
    };
    let Some(dest_len) = dest_len else {
        return;
    };
    // `fread(buf, size, count, f)` writes size × count bytes.
    let element = if name == "fread" {
        call.args.get(1).and_then(Value::as_int)
    } else {
        Some(1)
    };
    let dest_code = ctx.code(dest.span);
    let fix = format!("Bound the length by the destination: `sizeof {dest_code}` (less one for a terminator), or check the length against it before copying.");
    // `sizeof buf`, or a length computed from the destination (`MIN(ARRAY_LENGTH(buf) - 1, n)`).
    let from_dest = dest
        .path()
        .is_some_and(|d| mentions(len.resolved(), d) || mentions(len, d));
    if is_sizeof_of(len, dest) || from_dest {
        return;
    }
    if let (Some(n), Some(element)) = (len.as_int(), element) {
        let bytes = n.saturating_mul(element);
        if bytes > dest_len {
            out.report(
                call.span,
                format!("`{name}` writes up to {bytes} bytes into `{dest_code}`, which holds {dest_len}."),
                fix,
            )
            .confidence(Confidence::High);
        }
        return;
    }
    if let Some(source) = measures_other(ctx, len, dest) {
        // On curl and qtbase the measured source was, every time, a constant or asserted
        // string the analysis could not bound (`static const char *const name = "..."`).
        out.report(
            call.span,
            format!("`{name}` into `{dest_code}` ({dest_len} bytes) takes its length from `{source}`, not from the destination: a longer source overflows it."),
            fix,
        )
        .confidence(Confidence::Low);
        return;
    }
    // A plain length variable: fine when the function compares it with something.
    let Some(path) = len.resolved().path().or(len.path()) else {
        return;
    };
    if is_compared(ctx, path) || len.is_constant() {
        return;
    }
    let hit = out.report(
        call.span,
        format!("`{name}` writes `{}` bytes into `{dest_code}` ({dest_len} bytes), and nothing here checks that length against the buffer.", ctx.code(len.span)),
        fix,
    );
    if from_parameter(ctx, len).is_none() {
        hit.severity(Severity::Medium).confidence(Confidence::Low);
    }
}

/// The other buffer a length measures (`strlen(src)`, `sizeof src`, `strlen(src) + 1`), when it
/// is not the destination and not known to fit in it.
fn measures_other(ctx: &Context, len: &Value, dest: &Value) -> Option<String> {
    let dest_len = array_len(ctx, dest)?;
    let measured = match &len.resolved().kind {
        ValueKind::Operation {
            op: "+" | "*",
            operands,
        } => return operands.iter().find_map(|o| measures_other(ctx, o, dest)),
        ValueKind::Operation {
            op: "sizeof",
            operands,
        } => operands.first()?,
        ValueKind::Call(call) if matches!(c_name(call), "strlen" | "wcslen" | "strnlen") => {
            call.args.first()?
        }
        _ => return None,
    };
    if measured.path().is_some() && measured.path() == dest.path() {
        return None;
    }
    // A source array no larger than the destination fits, and so does a shorter constant.
    if array_len(ctx, measured).is_some_and(|n| n <= dest_len)
        || max_len(ctx, measured.resolved()).is_some_and(|n| n < dest_len)
    {
        return None;
    }
    // `sizeof(struct header)`, `sizeof(int)`: a type, not a buffer.
    if measured
        .path()
        .is_some_and(|p| ctx.function.local(p).is_none())
        && !matches!(measured.kind, ValueKind::Call(_))
    {
        return None;
    }
    Some(ctx.code(measured.span))
}
