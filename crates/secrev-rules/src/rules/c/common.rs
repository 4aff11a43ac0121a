//! Questions the C and C++ rules share: which C function a call is, how large a buffer is,
//! how long a string can be, and where a value comes from.

use crate::Context;
use secrev_ir::{BuildKind, Call, Local, Part, Value, ValueKind};

/// The C library name of a call: `strcpy` for `strcpy`, `::strcpy` and `std::strcpy`; empty
/// for a method call or an unresolved callee.
pub(crate) fn c_name(call: &Call) -> &str {
    if call.callee.method.is_some() {
        return "";
    }
    let q = call.qualname();
    q.strip_prefix("std::").unwrap_or(q)
}

/// The declared variable a value names: the latest declaration before the use, so that
/// `uchar data[13]` in one block and `uchar data[4]` in a later one are told apart; for a
/// member path (`job.owner`, `p->name`), the member as its record type declares it, when the
/// file declares that type.
pub(crate) fn local<'c>(ctx: &Context<'c>, value: &Value) -> Option<&'c Local> {
    let ValueKind::Ref {
        path, base: None, ..
    } = &value.kind
    else {
        return None;
    };
    let mut steps = path.split('.');
    let root = steps.next()?;
    let mut found = ctx
        .function
        .locals
        .iter()
        .rev()
        .find(|l| l.name == root && l.span.start <= value.span.start)
        .or_else(|| ctx.function.local(root))?;
    for field in steps {
        // `a.b` of an array, or `a->b->c` through a pointer to a pointer, is not a member.
        if found.array_len.is_some() || found.pointers > 1 {
            return None;
        }
        found = ctx.unit.field(&found.ty, field)?;
        // `char name[1]` / `char name[]` is the struct hack: the record is allocated larger.
        let flexible = found
            .array_len
            .as_ref()
            .is_some_and(|n| n.as_int().is_none_or(|n| n <= 1));
        if flexible {
            return None;
        }
    }
    Some(found)
}

/// The declared length of an array variable, when it is a constant.
pub(crate) fn array_len(ctx: &Context, value: &Value) -> Option<i128> {
    let local = local(ctx, value)?;
    if local.pointers > 0 {
        return None;
    }
    local.array_len.as_ref()?.as_int().filter(|n| *n > 0)
}

/// The size in bytes of a fixed array variable, when its element type's size is known.
pub(crate) fn array_bytes(ctx: &Context, value: &Value) -> Option<i128> {
    let count = array_len(ctx, value)?;
    let ty = local(ctx, value)?.ty.as_str();
    let last = ty.split_whitespace().last().unwrap_or(ty);
    let element = match last {
        "char" | "int8_t" | "uint8_t" | "u_char" | "uchar" | "BYTE" | "gchar" | "guchar" => 1,
        "short" | "int16_t" | "uint16_t" | "QChar" | "char16_t" => 2,
        "int" | "unsigned" | "float" | "int32_t" | "uint32_t" | "char32_t" | "wchar_t" => 4,
        "double" | "int64_t" | "uint64_t" | "size_t" | "ssize_t" => 8,
        _ => return None,
    };
    Some(count * element)
}

/// The longest string a value can hold, when bounded: a constant string's length, a
/// fixed array's length less its terminator, a built string whose pieces are all bounded, a
/// number (at most 20 digits with sign).
pub(crate) fn max_len(ctx: &Context, value: &Value) -> Option<i128> {
    if let Some(s) = value.as_str() {
        return Some(s.len() as i128);
    }
    if let Some(n) = array_len(ctx, value) {
        return Some(n - 1);
    }
    match &value.resolved().kind {
        ValueKind::Int(_) | ValueKind::Float(_) => Some(24),
        ValueKind::Operation { op: "number", .. } => Some(24),
        ValueKind::Operation {
            op: "one of",
            operands,
        } => operands
            .iter()
            .map(|o| max_len(ctx, o))
            .try_fold(0, |acc, n| n.map(|n| acc.max(n))),
        ValueKind::Build { parts, .. } => parts.iter().try_fold(0i128, |acc, part| {
            let n = match part {
                Part::Lit(s) => Some(s.len() as i128),
                Part::Hole(v) => max_len(ctx, v),
            };
            n.map(|n| acc + n)
        }),
        _ => None,
    }
}

/// Whether `size` is `sizeof` of `dest` itself (`sizeof buf`, `sizeof(buf)`, possibly minus a
/// constant, or divided by its element size), or the count of its elements: a size tied to
/// the destination.
pub(crate) fn is_sizeof_of(size: &Value, dest: &Value) -> bool {
    let Some(dest_path) = dest.path() else {
        return false;
    };
    // `size_t n = sizeof buf; ... read(fd, buf, n)`.
    let size = size.resolved();
    match &size.kind {
        ValueKind::Operation {
            op: "sizeof",
            operands,
        } => operands.first().and_then(Value::path) == Some(dest_path),
        ValueKind::Operation {
            op: "-" | "/",
            operands,
        } => operands
            .first()
            .is_some_and(|first| is_sizeof_of(first, dest)),
        ValueKind::Call(call) => {
            // `ARRAY_SIZE(buf)`, `sizeof_array(buf)`, `qMin(n, sizeof(buf))`.
            let name = call.callee.text.to_ascii_lowercase();
            (name.contains("size") || name.contains("countof"))
                && call
                    .args
                    .iter()
                    .any(|a| a.path() == Some(dest_path) || is_sizeof_of(a, dest))
                || matches!(name.as_str(), "qmin" | "std::min" | "min" | "mymin")
                    && call.args.iter().any(|a| is_sizeof_of(a, dest))
        }
        _ => false,
    }
}

/// The parameter of the enclosing function a value is, or is built from, if any: such data
/// comes from the caller, and the finding is worth the rule's full severity. A local counts
/// when any assignment to it in the function is built from a parameter (`QString table =
/// tablename; if (quoted) table = strip(table); else table = table.toUpper();`).
pub(crate) fn from_parameter<'v>(ctx: &Context, value: &'v Value) -> Option<&'v str> {
    parameter_in(ctx, value, 0)
}

fn parameter_in<'v>(ctx: &Context, value: &'v Value, depth: u32) -> Option<&'v str> {
    if depth > 4 {
        return None;
    }
    let mut found = None;
    secrev_ir::any_in(value.resolved(), &mut |v| {
        let ValueKind::Ref { path, bound, .. } = &v.kind else {
            return false;
        };
        let root = path.split('.').next().unwrap_or(path);
        if ctx.function.params.iter().any(|p| p.name == root) {
            found = Some(path.as_str());
            return true;
        }
        if let Some(inner) = bound
            .as_deref()
            .and_then(|b| parameter_in(ctx, b, depth + 1))
        {
            found = Some(inner);
            return true;
        }
        // Two levels of assignments: enough for a copy then an adjustment, and bounded on
        // long functions (only findings ask).
        if depth < 2 && assigned_from_parameter(ctx, path, depth) {
            found = Some(path.as_str());
            return true;
        }
        false
    });
    found
}

fn assigned_from_parameter(ctx: &Context, path: &str, depth: u32) -> bool {
    ctx.function.ops.iter().any(|op| match op {
        secrev_ir::Op::Assign(assign) => {
            assign.targets.iter().any(|t| t.path == path)
                && parameter_in(ctx, &assign.value, depth + 1).is_some()
        }
        _ => false,
    })
}

/// Whether the function compares `name` with anything (a bounds or length check somewhere in
/// the function, before or after: the analysis gives the benefit of the doubt).
pub(crate) fn is_compared(ctx: &Context, name: &str) -> bool {
    ctx.function.ops.iter().any(|op| match op {
        secrev_ir::Op::Compare(value) => measured_in(value, name, 0),
        secrev_ir::Op::Call(call) => {
            // `qBound(0, i, n)`, `std::min(i, n)`, `assert(i < n)` lowered as calls.
            let text = call.callee.text.to_ascii_lowercase();
            (text.contains("min") || text.contains("bound") || text.contains("clamp"))
                && call.args.iter().any(|a| mentions(a, name))
        }
        secrev_ir::Op::Assert(a) => mentions(&a.test, name),
        _ => false,
    })
}

/// Whether a comparison operand is `name` itself or a length of it (`strlen(name)`,
/// `name.size()`), not a call that merely takes it (`read(fd, buf, name) < 0`).
fn measured_in(value: &Value, name: &str, depth: u32) -> bool {
    if depth > 32 {
        return false;
    }
    match &value.kind {
        ValueKind::Ref { .. } => mentions(value, name),
        ValueKind::Operation { operands, .. } => {
            operands.iter().any(|o| measured_in(o, name, depth + 1))
        }
        ValueKind::Call(call) => {
            let measures = matches!(c_name(call), "strlen" | "wcslen" | "strnlen" | "sizeof")
                || call.callee.method.as_deref().is_some_and(|m| {
                    matches!(m, "size" | "length" | "count" | "isEmpty" | "empty")
                });
            measures
                && (call.args.iter().any(|a| mentions(a, name))
                    || call
                        .callee
                        .receiver
                        .as_deref()
                        .is_some_and(|r| mentions(r, name)))
        }
        _ => false,
    }
}

/// Whether `value` refers to `name` (or `name.field...`) anywhere inside.
pub(crate) fn mentions(value: &Value, name: &str) -> bool {
    secrev_ir::any_in(value, &mut |v| {
        v.path().is_some_and(|p| {
            p == name
                || p.strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    })
}

/// Numeric types: text built from them cannot carry quotes or shell syntax.
const NUMERIC_TYPES: &[&str] = &[
    "int",
    "unsigned",
    "long",
    "short",
    "size_t",
    "ssize_t",
    "qint64",
    "quint64",
    "qint32",
    "quint32",
    "qsizetype",
    "uint",
    "ulong",
    "double",
    "float",
    "bool",
    "off_t",
    "pid_t",
    "uid_t",
    "gid_t",
    "int64_t",
    "uint64_t",
    "int32_t",
    "uint32_t",
    "qlonglong",
    "qulonglong",
];

/// Single characters: one character cannot close a quote and add a clause or a command.
const CHAR_TYPES: &[&str] = &[
    "char",
    "QChar",
    "wchar_t",
    "char16_t",
    "char32_t",
    "QLatin1Char",
];

/// Whether a piece of built text is a number or a single character (a numeric literal, a
/// `%d`, `QString::number`, a variable declared with a numeric or character type).
pub(crate) fn is_numeric(ctx: &Context, value: &Value) -> bool {
    // The declared type settles it even when the variable holds a call's result
    // (`const int oid = PQftable(res, i)`).
    let declared = |v: &Value| {
        local(ctx, v).is_some_and(|l| {
            l.pointers == 0
                && l.array_len.is_none()
                && l.ty
                    .split_whitespace()
                    .last()
                    .is_some_and(|t| NUMERIC_TYPES.contains(&t) || CHAR_TYPES.contains(&t))
        })
    };
    if declared(value) {
        return true;
    }
    match &value.resolved().kind {
        ValueKind::Int(_) | ValueKind::Float(_) | ValueKind::Bool(_) => true,
        ValueKind::Operation { op: "number", .. } => true,
        // `QLatin1Char('"')`, `QChar(' ')`.
        ValueKind::Call(call) => {
            CHAR_TYPES.contains(&call.callee.text.as_str())
                && call.args.iter().all(Value::is_constant)
        }
        ValueKind::Ref { .. } => declared(value.resolved()),
        _ => false,
    }
}

/// Whether a local variable only ever holds text written in the code: every assignment to it
/// and every argument of every method called on it (`s += "..."`, `s.prepend("where ")`,
/// `s.chop(5)`) is constant. Such text is a fixed clause chosen by branches, not data.
pub(crate) fn holds_only_constants(ctx: &Context, value: &Value) -> bool {
    let Some(var) = local(ctx, value) else {
        return false;
    };
    // A pointer to non-const text can be written through by any call it is handed to; a
    // function's own `static` is assigned only here.
    if var.param || var.pointers > 0 && !var.is_const {
        return false;
    }
    let name = var.name.as_str();
    let constant = |v: &Value| {
        !secrev_ir::any_in(v, &mut |piece| match &piece.kind {
            ValueKind::Ref { path, .. } => path != name && !piece.is_constant(),
            ValueKind::Call(call) => {
                call.callee.receiver.as_deref().and_then(Value::path) != Some(name)
            }
            _ => false,
        })
    };
    let mut written = false;
    for op in &ctx.function.ops {
        match op {
            secrev_ir::Op::Assign(assign) if assign.targets.iter().any(|t| t.path == name) => {
                written = true;
                if !constant(&assign.value) {
                    return false;
                }
            }
            secrev_ir::Op::Call(call)
                if call.callee.receiver.as_deref().and_then(Value::path) == Some(name) =>
            {
                written = true;
                if !call
                    .args
                    .iter()
                    .all(|a| a.is_constant() || is_numeric(ctx, a))
                {
                    return false;
                }
            }
            _ => {}
        }
    }
    written
}

/// The first piece of a string built at run time that is neither constant nor a number: what
/// makes it injectable. `None` for constant text and for values that are not built strings.
pub(crate) fn risky_hole<'v>(ctx: &Context, value: &'v Value) -> Option<&'v Value> {
    risky_holes(ctx, value).into_iter().next()
}

/// Every such piece, in order (for a piece itself built from pieces, its innermost risky ones).
pub(crate) fn risky_holes<'v>(ctx: &Context, value: &'v Value) -> Vec<&'v Value> {
    let mut out = Vec::new();
    collect_holes(ctx, value, &mut out, 0);
    out
}

fn collect_holes<'v>(ctx: &Context, value: &'v Value, out: &mut Vec<&'v Value>, depth: u32) {
    if depth > 32 {
        return;
    }
    let ValueKind::Build { parts, .. } = &value.resolved().kind else {
        return;
    };
    let holes = parts.iter().filter_map(|part| match part {
        Part::Hole(hole) => Some(hole),
        Part::Lit(_) => None,
    });
    collect_pieces(ctx, holes, out, depth);
}

fn collect_pieces<'v>(
    ctx: &Context,
    pieces: impl Iterator<Item = &'v Value>,
    out: &mut Vec<&'v Value>,
    depth: u32,
) {
    for hole in pieces {
        if hole.is_constant()
            || is_numeric(ctx, hole)
            || is_escaped(hole)
            || holds_only_constants(ctx, hole)
        {
            continue;
        }
        match &hole.resolved().kind {
            // `QLatin1String(" -p %1").arg(shellQuote(p))`: text built from safe pieces is safe.
            ValueKind::Build { .. } => collect_holes(ctx, hole, out, depth + 1),
            // `QLatin1Char(' ') + shellQuote(path)`: a sum the front-end did not read as text.
            ValueKind::Operation { op: "+", operands } => {
                collect_pieces(ctx, operands.iter(), out, depth + 1);
            }
            // `filters.join(" OR ")` on a list that only ever holds constant clauses.
            ValueKind::Call(call)
                if call
                    .callee
                    .receiver
                    .as_deref()
                    .is_some_and(|r| holds_only_constants(ctx, r))
                    && call.args.iter().all(Value::is_constant) => {}
            _ => out.push(hole),
        }
    }
}

/// Whether a value is text written in the code: a string literal, or literals pasted together
/// with macros (`"%" PRId64 "\n"`, `LINK "%s" LINKOFF`) defined in headers the file includes.
pub(crate) fn is_literal_text(value: &Value) -> bool {
    match &value.resolved().kind {
        ValueKind::Str(_) => true,
        // A macro on its own (`PNG_STRING_NEWLINE`): upper case, defined in a header; or one
        // of the C library's text macros.
        ValueKind::Ref { .. } => value.qualname().is_some_and(|q| {
            q.starts_with(|c: char| c.is_ascii_uppercase())
                && !q.chars().any(|c| c.is_ascii_lowercase())
                || LIBC_TEXT_MACROS.contains(&q)
        }),
        ValueKind::Build {
            kind: BuildKind::Concat,
            parts,
        } => parts.iter().all(|part| match part {
            Part::Lit(_) => true,
            // Macro names start upper-case (`PRId64`, `CURL_FORMAT_CURL_OFF_T`); locals have
            // no qualified name. A macro defined inside a function is a path, not a qualname.
            Part::Hole(hole) => {
                hole.is_constant()
                    || hole.qualname().or_else(|| hole.path()).is_some_and(|q| {
                        q.starts_with(|c: char| c.is_ascii_uppercase())
                            && !q.chars().any(|c| c.is_ascii_lowercase())
                    })
                    || hole
                        .qualname()
                        .is_some_and(|q| q.starts_with(|c: char| c.is_ascii_uppercase()))
            }
        }),
        _ => false,
    }
}

/// Text macros of the C library whose names are not all upper case (`<stdio.h>`'s temporary
/// directory): constants fixed when the library was built.
const LIBC_TEXT_MACROS: &[&str] = &["P_tmpdir"];

/// Whether a value went through an escaping or quoting function (`escapeIdentifier(t)`,
/// `g_shell_quote(s)`, `KShell::quoteArg(s)`, `sqlite3_mprintf("%q", s)`), directly or through
/// a variable bound to one.
pub(crate) fn is_escaped(value: &Value) -> bool {
    value.resolved().as_call().is_some_and(escapes)
}

/// Whether a call is named as escaping or quoting its argument (`shellQuote(arg)`,
/// `db.escapeString(s)`).
pub(crate) fn escapes(call: &Call) -> bool {
    let name = call
        .callee
        .method
        .as_deref()
        .unwrap_or(call.callee.text.as_str())
        .to_ascii_lowercase();
    name.contains("escape") || name.contains("quote") || name.contains("sanitize")
}

/// The items of a list built with `QStringList() << "-c" << cmd`, `{"-c", cmd}` or
/// `QStringList{...}`.
pub(crate) fn list_items(value: &Value) -> Vec<&Value> {
    let mut items = Vec::new();
    collect_items(value.resolved(), &mut items, 0);
    items
}

fn collect_items<'v>(value: &'v Value, out: &mut Vec<&'v Value>, depth: u32) {
    if depth > 64 {
        return;
    }
    match &value.kind {
        ValueKind::Operation { op: "<<", operands } => {
            for operand in operands {
                collect_items(operand, out, depth + 1);
            }
        }
        ValueKind::List(items) => out.extend(items.iter()),
        ValueKind::Call(call) if call.args.is_empty() => {}
        ValueKind::Call(call) if call.callee.method.is_none() => {
            for arg in &call.args {
                collect_items(arg.resolved(), out, depth + 1);
            }
        }
        _ => out.push(value),
    }
}
