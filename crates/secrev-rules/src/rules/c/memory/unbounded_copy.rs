//! C101 `unbounded-copy`: `strcpy`, `strcat`, `sprintf`, `gets`, `scanf("%s")` and friends
//! writing text whose length nothing bounds into a buffer.

use crate::rules::c::common::{
    array_len, c_name, from_parameter, is_compared, is_literal_text, max_len, mentions,
};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::printf::{conversions, Limit};
use secrev_ir::{Call, Op, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C101",
        name: "unbounded-copy",
        title: "Unbounded copy or format into a buffer",
        cwe: 120,
        category: Category::MemorySafety,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds string copies and formats into fixed-size arrays that write as much as \
                   their source holds: `strcpy`/`stpcpy`/`wcscpy`/`strcat`/`wcscat` from a \
                   string whose length the code does not bound, `sprintf`/`vsprintf` with a \
                   `%s` of such a string (or whose constant output is longer than the \
                   destination array), `gets`, and `scanf`-family `%s`/`%[` conversions without \
                   a width. Copies of constant strings that fit (or of upper-case macros from \
                   headers), of arrays no longer than the destination, into buffers allocated \
                   from the source's own length, and copies whose source length the function \
                   checks are not reported.",
            why: "The destination has a fixed size and the source does not: a longer input \
                  writes past the end of the buffer, corrupting the stack or heap. Overflows of \
                  this kind are the classic route to code execution in C programs.",
            example: "void set_name(struct user *u, const char *name) {\n    char buf[32];\n    strcpy(buf, name);\n}",
            fix: "void set_name(struct user *u, const char *name) {\n    char buf[32];\n    if (snprintf(buf, sizeof buf, \"%s\", name) >= (int)sizeof buf)\n        return; /* too long */\n}",
            references: &[
                "https://cwe.mitre.org/data/definitions/120.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/STR31-C.+Guarantee+that+storage+for+strings+has+sufficient+space+for+character+data+and+the+null+terminator",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

const COPIES: &[&str] = &[
    "strcpy", "stpcpy", "wcscpy", "lstrcpy", "lstrcpyA", "lstrcpyW", "_tcscpy", "_mbscpy",
];
const APPENDS: &[&str] = &[
    "strcat", "wcscat", "lstrcat", "lstrcatA", "lstrcatW", "_tcscat", "_mbscat",
];
/// `scanf`-family calls and the position of their format.
const SCANS: &[(&str, usize)] = &[
    ("scanf", 0),
    ("vscanf", 0),
    ("wscanf", 0),
    ("fscanf", 1),
    ("sscanf", 1),
    ("vfscanf", 1),
    ("vsscanf", 1),
    ("swscanf", 1),
];

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let name = c_name(call);
    if name == "gets" || name == "_getws" {
        out.report(
            call.span,
            format!("`{}` reads a whole line into `{}` whatever its length: any line longer than the buffer overflows it.", name, arg_code(ctx, call, 0)),
            "Use `fgets(buf, sizeof buf, stdin)` and handle a line that does not fit.",
        )
        .confidence(Confidence::High);
        return;
    }
    if COPIES.contains(&name) || APPENDS.contains(&name) {
        copy(ctx, call, name, out);
    } else if matches!(name, "sprintf" | "vsprintf" | "swprintf" | "vswprintf")
        && !has_size(call, name)
    {
        format(ctx, call, name, out);
    } else if let Some((_, at)) = SCANS.iter().find(|(n, _)| *n == name) {
        scan(ctx, call, name, *at, out);
    }
}

/// `swprintf` takes a size (C99) unless it is the old Microsoft form.
fn has_size(call: &Call, name: &str) -> bool {
    name.starts_with("sw") || name.starts_with("vsw") && call.args.len() > 3
}

fn arg_code(ctx: &Context, call: &Call, index: usize) -> String {
    call.args
        .get(index)
        .map_or_else(String::new, |a| ctx.code(a.span))
}

fn copy(ctx: &Context, call: &Call, name: &str, out: &mut Reporter) {
    let (Some(dest), Some(src)) = (call.args.first(), call.args.get(1)) else {
        return;
    };
    let dest_len = array_len(ctx, dest);
    match max_len(ctx, src) {
        Some(len) => {
            // A bounded source can still be too long for a known destination; appends depend on
            // what the destination already holds, which is not followed.
            if let (Some(dest_len), true) = (dest_len, COPIES.contains(&name)) {
                if len + 1 > dest_len {
                    out.report(
                        call.span,
                        format!("`{name}` copies {} bytes (with the terminator) into `{}`, which holds {dest_len}.", len + 1, ctx.code(dest.span)),
                        format!("Enlarge `{}` or copy with `snprintf(dst, sizeof dst, \"%s\", src)`.", ctx.code(dest.span)),
                    )
                    .confidence(Confidence::High);
                }
            }
        }
        None => {
            // Into memory of unknown size (a pointer, a field), the allocation usually follows
            // the source's length: only fixed arrays are judged.
            // A macro from a header (`SRCDIR`) is text fixed at build time, not input.
            if dest_len.is_none()
                || is_literal_text(src)
                || sized_for(ctx, dest, src)
                || length_checked(ctx, src)
            {
                return;
            }
            let src_code = ctx.code(src.span);
            let size = dest_len.map_or_else(String::new, |n| format!(" ({n} bytes)"));
            let verb = if APPENDS.contains(&name) {
                "appends"
            } else {
                "copies"
            };
            let hit = out.report(
                call.span,
                format!("`{name}` {verb} `{src_code}`, whose length nothing bounds, into `{}`{size}: a longer string overflows it.", ctx.code(dest.span)),
                format!("Copy with `snprintf({0}, sizeof {0}, \"%s\", {src_code})` (or `strlcpy`/`strlcat`) and check for truncation, or reject input that does not fit.", ctx.code(dest.span)),
            );
            if from_parameter(ctx, src).is_some() {
                hit.confidence(Confidence::High);
            }
        }
    }
}

/// Whether the destination was sized from the source: `char buf[strlen(s) + 1]`, or
/// `dst = malloc(strlen(s) + 1)` / `new char[strlen(s) + 1]` in this function.
fn sized_for(ctx: &Context, dest: &Value, src: &Value) -> bool {
    let Some(dest_path) = dest.path() else {
        return false;
    };
    let Some(src_path) = src.resolved().path().or(src.path()) else {
        // `argv[i]`: an element, which has no path; compare the text of the allocation.
        let src_code = ctx.text(src.span);
        return ctx.function.ops.iter().any(|op| match op {
            Op::Assign(assign) => {
                assign.targets.iter().any(|t| t.path == dest_path)
                    && ctx.text(assign.value.span).contains(src_code)
            }
            _ => false,
        });
    };
    if ctx
        .function
        .local(dest_path)
        .and_then(|l| l.array_len.as_ref())
        .is_some_and(|len| mentions(len, src_path))
    {
        return true;
    }
    ctx.function.ops.iter().any(|op| match op {
        Op::Assign(assign) => {
            assign.targets.iter().any(|t| t.path == dest_path) && mentions(&assign.value, src_path)
        }
        _ => false,
    })
}

/// Whether the function compares the source's length (or the source) with something, directly
/// or through a variable holding it (`len = strlen(dir); if (len < sizeof buf) strcpy(buf,
/// dir);`), or through the length a call handed back beside it (`encode(in, n, &out,
/// &outlen); if (outlen >= sizeof buf) return; strcpy(buf, out);`).
fn length_checked(ctx: &Context, src: &Value) -> bool {
    let Some(path) = src.path() else {
        return false;
    };
    is_compared(ctx, path)
        || companion_length(ctx, path).is_some_and(|len| is_compared(ctx, &len))
        || ctx.function.ops.iter().any(|op| match op {
            Op::Assign(assign) => {
                assign.value.resolved().as_call().is_some_and(|call| {
                    matches!(c_name(call), "strlen" | "wcslen" | "strnlen")
                        && call.args.first().is_some_and(|a| mentions(a, path))
                }) && assign.targets.iter().any(|t| is_compared(ctx, &t.path))
            }
            _ => false,
        })
}

/// The length variable a call fills beside `path` (`&randlen` next to `&randstr`), when one
/// is named for it: the stem of `path` (without `str`/`buf`/`_str`/`_buf`) followed by `len`,
/// `_len`, `length` or `size`.
fn companion_length(ctx: &Context, path: &str) -> Option<String> {
    let stem = ["_str", "_buf", "str", "buf"]
        .iter()
        .find_map(|suffix| path.strip_suffix(suffix))
        .unwrap_or(path);
    let mut found = None;
    for op in &ctx.function.ops {
        let Op::Call(call) = op else {
            continue;
        };
        let addressed = |name: &str| {
            call.args.iter().any(|a| {
                matches!(&a.kind, ValueKind::Operation { op: "addr", operands }
                    if operands.first().and_then(Value::path) == Some(name))
            })
        };
        if !addressed(path) {
            continue;
        }
        found = ["len", "_len", "length", "size", "_size"]
            .iter()
            .map(|suffix| format!("{stem}{suffix}"))
            .find(|len| addressed(len));
        if found.is_some() {
            break;
        }
    }
    found
}

/// The longest output of a conversion, when bounded.
fn conversion_len(
    ctx: &Context,
    letter: char,
    precision: Option<Limit>,
    arg: Option<&Value>,
) -> Option<i128> {
    match letter {
        's' | 'S' => match precision {
            Some(Limit::Fixed(n)) => Some(i128::from(n)),
            _ => max_len(ctx, arg?),
        },
        'c' | 'C' => Some(1),
        // An `int` (the length modifier is not read: `%ld` may print up to 20 digits).
        'd' | 'i' | 'u' | 'x' | 'X' | 'o' => Some(11),
        'p' => Some(18),
        'n' => Some(0),
        // A double printed with `%f` can take hundreds of digits; typical values take few.
        'f' | 'F' | 'e' | 'E' | 'g' | 'G' | 'a' | 'A' => Some(32),
        _ => None,
    }
}

fn format(ctx: &Context, call: &Call, name: &str, out: &mut Reporter) {
    let (Some(dest), Some(fmt)) = (call.args.first(), call.args.get(1)) else {
        return;
    };
    let Some(format) = fmt.as_str() else {
        // A format that is not constant is C105's.
        return;
    };
    let is_va = name.starts_with('v');
    let mut next = 2;
    let mut total: i128 = 0;
    let mut unbounded: Option<String> = None;
    for (literal, conversion) in conversions(format) {
        total += literal.len() as i128;
        let Some(conversion) = conversion else {
            continue;
        };
        next += conversion.args - 1;
        let arg = if is_va { None } else { call.args.get(next) };
        next += 1;
        let width = match conversion.width {
            Some(Limit::Fixed(n)) => i128::from(n),
            _ => 0,
        };
        match conversion_len(ctx, conversion.letter, conversion.precision, arg) {
            Some(n) => total += n.max(width),
            None if unbounded.is_none() => {
                let shown = arg.map_or_else(
                    || "a `va_list` argument".to_owned(),
                    |a| format!("`{}`", ctx.code(a.span)),
                );
                if arg.is_some_and(|a| length_checked(ctx, a)) {
                    return;
                }
                unbounded = Some(shown);
            }
            None => {}
        }
    }
    // As for copies, only fixed arrays are judged.
    let Some(dest_len) = array_len(ctx, dest) else {
        return;
    };
    let dest_code = ctx.code(dest.span);
    if let Some(shown) = unbounded {
        out.report(
            call.span,
            format!("`{name}` formats {shown} with `%s` into `{dest_code}` ({dest_len} bytes) without a length limit: a long string overflows it."),
            format!("Use `snprintf({dest_code}, sizeof {dest_code}, ...)` and check its result for truncation, or give the `%s` a precision (`%.*s`)."),
        );
    } else {
        if total + 1 > dest_len {
            out.report(
                call.span,
                format!("`{name}` can write up to {} bytes into `{dest_code}`, which holds {dest_len}.", total + 1),
                format!("Enlarge `{dest_code}` or use `snprintf({dest_code}, sizeof {dest_code}, ...)`."),
            );
        }
    }
}

fn scan(ctx: &Context, call: &Call, name: &str, at: usize, out: &mut Reporter) {
    let Some(format) = call.args.get(at).and_then(Value::as_str) else {
        return;
    };
    let mut next = at + 1;
    for (_, conversion) in conversions(format) {
        let Some(conversion) = conversion else {
            continue;
        };
        // `sscanf(arg, "%s", word)` into `word = new char[strlen(arg) + 1]` cannot overflow.
        let sized = name.starts_with("sscanf") || name == "vsscanf" || name == "swscanf";
        let fits =
            |dest: &Value| sized && call.args.first().is_some_and(|s| sized_for(ctx, dest, s));
        if conversion.letter == 's'
            && conversion.width.is_none()
            && conversion.args == 1
            && !call.args.get(next).is_some_and(fits)
        {
            let into = call.args.get(next).map_or_else(
                || "its buffer".to_owned(),
                |a| format!("`{}`", ctx.code(a.span)),
            );
            out.report(
                call.span,
                format!("`{name}` reads a `%s` word of any length into {into}: longer input overflows it."),
                "Give the conversion a width one less than the buffer (`%63s` for `char buf[64]`), or read with `fgets` and parse.",
            );
            return;
        }
        // `%*s` in scanf skips a field without storing it.
        if !(conversion.width == Some(Limit::Argument)) {
            next += 1;
        }
    }
}
