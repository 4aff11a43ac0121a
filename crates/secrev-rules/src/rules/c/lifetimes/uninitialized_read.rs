//! C205 `uninitialized-read`: a local scalar or pointer declared without a value and read on
//! some path before anything assigns it.

use super::flow::{pointer_path, reassigns, under, writes_through, ACCESSES_THROUGH};
use super::unassigned::{unassigned_reads, Effect, Problem};
use crate::rules::c::common::c_name;
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{ByteSpan, Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{any_in, Call, Function, FunctionKind, Language, Local, Stmt, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C205",
        name: "uninitialized-read",
        title: "Local variable read before it is assigned",
        cwe: 457,
        category: Category::MemorySafety,
        severity: Severity::Medium,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Follows each local of a built-in scalar type (`int`, `size_t`, `bool`, \
                   `double`...) or pointer type declared without a value (`int n;`, \
                   `char *p;`) along the function's control flow and reports its first read \
                   on a path where nothing assigned it: no `=`, no `&n` handed to a call \
                   (`scanf(\"%d\", &n)`), no C++ call or `>>` that may take it by reference, no \
                   macro call given it. Arrays, structs, class objects, `static` and \
                   file-scope variables are not followed (they are filled through calls or \
                   zero-initialised), nor are reads inside `sizeof`. To stay precise the \
                   search assumes every loop body runs at least once, that a `switch` covers \
                   the values it is given (neither its `default:` nor the way past it is \
                   followed, nor the way past an `else if` chain of `x == A` tests with no \
                   final `else`), and that a condition testing again something tested on the \
                   unassigned path, or a flag assigned next to the variable (`idx = i; found = \
                   1;` then `if (found)`), decides whether the variable was set: the variable \
                   is not followed past such a test.",
            why: "An automatic variable starts with whatever the stack held: a length, index \
                  or pointer read from it is stale data from an earlier call, which an \
                  attacker can often shape. Reading it is undefined behaviour, and optimisers \
                  exploit that by deleting the checks around it.",
            example: "int parse_port(const char *s) {\n    int port;\n    if (s && *s)\n        port = atoi(s);\n    return port;\n}",
            fix: "int parse_port(const char *s) {\n    int port = -1;\n    if (s && *s)\n        port = atoi(s);\n    return port;\n}",
            references: &[
                "https://cwe.mitre.org/data/definitions/457.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/EXP33-C.+Do+not+read+uninitialized+memory",
            ],
        },
    },
    hooks: Hooks {
        function: Some(check),
        ..Hooks::NONE
    },
};

/// Built-in and standard typedef'd scalar types: never a class with a constructor.
const SCALAR_TYPES: &[&str] = &[
    "int",
    "unsigned",
    "unsigned int",
    "signed",
    "signed int",
    "long",
    "long int",
    "unsigned long",
    "unsigned long int",
    "long long",
    "unsigned long long",
    "short",
    "unsigned short",
    "char",
    "signed char",
    "unsigned char",
    "bool",
    "_Bool",
    "float",
    "double",
    "long double",
    "size_t",
    "ssize_t",
    "off_t",
    "ptrdiff_t",
    "intptr_t",
    "uintptr_t",
    "int8_t",
    "int16_t",
    "int32_t",
    "int64_t",
    "uint8_t",
    "uint16_t",
    "uint32_t",
    "uint64_t",
    "pid_t",
    "uid_t",
    "gid_t",
    "mode_t",
    "time_t",
    "socklen_t",
    "qint8",
    "qint16",
    "qint32",
    "qint64",
    "quint8",
    "quint16",
    "quint32",
    "quint64",
    "qsizetype",
    "qreal",
    "uint",
    "uchar",
    "ushort",
    "ulong",
];

/// Calls that take their arguments by value even in C++ (so passing the variable reads it).
fn reads_arguments(call: &Call) -> bool {
    let name = c_name(call);
    ACCESSES_THROUGH.contains(&name)
        || matches!(
            name,
            "printf"
                | "malloc"
                | "calloc"
                | "realloc"
                | "free"
                | "close"
                | "write"
                | "read"
                | "to_string"
                | "min"
                | "max"
                | "abs"
                | "QString::number"
                | "QByteArray::number"
                | "qAbs"
                | "qMin"
                | "qMax"
                | "qBound"
        )
}

/// Whether `local` is a variable this rule follows: an automatic scalar or pointer declared
/// once in the function, without a value (`const char *s(name(op));` has one, though the
/// grammar reads it as a function declaration).
fn followed(ctx: &Context, function: &Function, local: &Local) -> bool {
    let after = ctx.text(ByteSpan {
        start: local.span.end,
        end: local.span.end.saturating_add(2),
    });
    !local.param
        && !after.trim_start().starts_with('(')
        && !local.is_static
        && local.array_len.is_none()
        && (local.pointers > 0 || SCALAR_TYPES.contains(&local.ty.as_str()))
        && function
            .locals
            .iter()
            .filter(|l| l.name == local.name)
            .count()
            == 1
        && !function
            .cfg
            .blocks
            .iter()
            .flat_map(|b| &b.stmts)
            .any(|s| matches!(s, Stmt::Assign { target, .. } if target.span == local.span))
}

/// What `stmt` does to `name`.
fn effect(stmt: &Stmt, name: &str, cpp: bool) -> Effect {
    let value = match stmt {
        Stmt::Assign { value, .. } | Stmt::Eval(value) => Some(&**value),
        Stmt::Return { value, .. } => value.as_deref(),
    };
    if let Some(value) = value {
        if may_set(value, name, cpp) || macro_statement(stmt) {
            return Effect::Write;
        }
        if let Some(span) = first_read(value, name) {
            return Effect::Read(span);
        }
    }
    match stmt {
        Stmt::Assign {
            target, augmented, ..
        } if target.path == name => {
            if *augmented {
                Effect::Read(target.span)
            } else {
                Effect::Write
            }
        }
        // `*p = c`, `p->len = n`, `p[i] = c` read the pointer `p`.
        Stmt::Assign { target, .. } if writes_through(stmt, name) => Effect::Read(target.span),
        _ => Effect::Untouched,
    }
}

/// Whether `value` may set `name`: takes its address, passes it to a macro (C) or to a call
/// that may take it by reference (C++), or reads into it with `>>` (C++ streams).
fn may_set(value: &Value, name: &str, cpp: bool) -> bool {
    let is_name = |v: &Value| pointer_path(v) == Some(name);
    any_in(value, &mut |v| match &v.kind {
        ValueKind::Operation {
            op: "addr",
            operands,
        } => operands
            .first()
            .and_then(pointer_path)
            .is_some_and(|taken| under(taken, name)),
        ValueKind::Operation { op: ">>", operands } => cpp && operands.get(1).is_some_and(is_name),
        // `(TYPE)&x` reads to the grammar as `(TYPE) & x` when it cannot tell `TYPE` is a type.
        ValueKind::Operation { op: "&", operands } => operands.get(1).is_some_and(is_name),
        ValueKind::Call(call) => {
            call.args.iter().any(is_name) && (is_macro(call) || cpp && !reads_arguments(call))
        }
        _ => false,
    })
}

/// A call to a name in capitals: a macro, which may assign its arguments.
fn is_macro(call: &Call) -> bool {
    let text = call.callee.text.as_str();
    text.chars().any(|c| c.is_ascii_uppercase())
        && text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The first read of `name` in `value` outside `sizeof`.
fn first_read(value: &Value, name: &str) -> Option<ByteSpan> {
    let mut unevaluated = Vec::new();
    any_in(value, &mut |v| {
        if let ValueKind::Operation { op: "sizeof", .. } = v.kind {
            unevaluated.push(v.span);
        }
        false
    });
    let mut found = None;
    any_in(value, &mut |v| {
        let reads = matches!(&v.kind, ValueKind::Ref { path, base: None, .. } if under(path, name))
            && !unevaluated
                .iter()
                .any(|s| s.start <= v.span.start && v.span.end <= s.end);
        if reads {
            found = Some(v.span);
        }
        reads
    });
    found
}

/// Paths assigned in the blocks that assign `name`, or in the blocks that lead only to them
/// (`namex = n; if (!forms) nameccsid = a; else nameccsid = b;`): flags that record whether
/// it was set.
fn companions<'c>(function: &'c Function, name: &str, cpp: bool) -> Vec<&'c str> {
    let blocks = &function.cfg.blocks;
    // The only block leading to each block, when there is one.
    let mut sole: Vec<Option<usize>> = vec![None; blocks.len()];
    let mut count = vec![0u32; blocks.len()];
    for (id, block) in blocks.iter().enumerate() {
        for edge in &block.succs {
            if let Some(n) = count.get_mut(edge.to as usize) {
                *n += 1;
                sole[edge.to as usize] = Some(id);
            }
        }
    }
    let mut found = Vec::new();
    for (id, block) in blocks.iter().enumerate() {
        let sets = block
            .stmts
            .iter()
            .any(|s| matches!(effect(s, name, cpp), Effect::Write));
        if !sets {
            continue;
        }
        let mut at = Some(id);
        for _ in 0..4 {
            let Some(here) = at else {
                break;
            };
            for stmt in &blocks[here].stmts {
                if let Stmt::Assign { target, .. } = stmt {
                    let plain = target
                        .path
                        .chars()
                        .all(|c| c.is_alphanumeric() || "_.".contains(c));
                    if plain && !target.weak && target.path != name {
                        found.push(target.path.as_str());
                    }
                }
            }
            at = sole[here].filter(|_| count[here] == 1);
        }
    }
    found
}

/// Whether something in the function assigns `name`. A variable nothing assigns is either
/// set by a macro the file cannot see (`easy_init(curl)`) or broken code every compiler warns
/// about; the paths that skip an assignment are what this rule is for.
fn assigned_somewhere(function: &Function, name: &str, cpp: bool) -> bool {
    function.cfg.blocks.iter().flat_map(|b| &b.stmts).any(|s| {
        reassigns(s, name)
            || matches!(s, Stmt::Assign { target, augmented: false, .. } if target.path == name)
            || crate::held::stmt_value(s).is_some_and(|v| may_set(v, name, cpp))
    })
}

/// Whether the graph of `text` (the code between the declaration and the read) cannot be
/// trusted: it holds a preprocessor conditional (`#if`, `#else`: the graph joins
/// configurations never compiled together), or a macro statement without `;` (`SHIFT_TEMPS`,
/// `LOAD_BUFFER()`), which makes the grammar misread the statements after it.
fn unreliable(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        let directive = line
            .strip_prefix('#')
            .map(str::trim_start)
            .is_some_and(|d| d.starts_with("if") || d.starts_with("el") || d.starts_with("endif"));
        let name = line.split('(').next().unwrap_or(line).trim_end();
        let bare_macro = !name.is_empty()
            && name.starts_with(|c: char| c.is_ascii_uppercase())
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && !line.ends_with([';', ',', '{', '\\']);
        directive || bare_macro
    })
}

/// Whether `stmt` is a macro used as a statement that may assign locals by name
/// (`PUSH_BACKTRACK(...)`): assertions, logging and `UNUSED` markers do not.
fn macro_statement(stmt: &Stmt) -> bool {
    let Stmt::Eval(value) = stmt else {
        return false;
    };
    let ValueKind::Call(call) = &value.kind else {
        return false;
    };
    let name = call.callee.text.as_str();
    is_macro(call)
        && !["ASSERT", "LOG", "DEBUG", "TRACE", "UNUSED", "WARN", "PRINT"]
            .iter()
            .any(|quiet| name.contains(quiet))
}

/// Whether the read is `(void)x`, which only silences an unused-variable warning.
fn voided(ctx: &Context, read: ByteSpan) -> bool {
    let before = ctx.text(ByteSpan {
        start: read.start.saturating_sub(16),
        end: read.start,
    });
    before
        .trim_end()
        .trim_end_matches('(')
        .trim_end()
        .ends_with("(void)")
}

/// Whether a lambda inside `function` mentions `name` (it may capture it by reference).
fn captured(ctx: &Context, function: &Function, name: &str) -> bool {
    ctx.unit.functions.iter().any(|f| {
        f.kind == FunctionKind::Lambda
            && function.span.start <= f.span.start
            && f.span.end <= function.span.end
            && (f
                .cfg
                .any_value(&mut |v| v.path().is_some_and(|p| under(p, name)))
                || f.cfg
                    .blocks
                    .iter()
                    .flat_map(|b| &b.stmts)
                    .any(|s| matches!(s, Stmt::Assign { target, .. } if under(&target.path, name))))
    })
}

fn check(ctx: &Context, function: &Function, out: &mut Reporter) {
    if !super::has_real_paths(function) {
        return;
    }
    let cpp = ctx.unit.language == Language::Cpp;
    let vars: Vec<&Local> = function
        .locals
        .iter()
        .filter(|l| {
            followed(ctx, function, l)
                && assigned_somewhere(function, &l.name, cpp)
                && !captured(ctx, function, &l.name)
        })
        .collect();
    if vars.is_empty() {
        return;
    }
    let companions: Vec<Vec<&str>> = vars
        .iter()
        .map(|l| companions(function, &l.name, cpp))
        .collect();
    let effect = |stmt: &Stmt, var: usize| effect(stmt, &vars[var].name, cpp);
    let problem = Problem {
        cfg: &function.cfg,
        vars: vars.len(),
        effect: &effect,
        companions: &companions,
    };
    let mut first: Vec<Option<ByteSpan>> = vec![None; vars.len()];
    for (var, span) in unassigned_reads(&problem) {
        let local = vars[var];
        // A use before the declaration, or outside its block, is of another variable.
        let in_scope = local.span.end <= span.start
            && local.scope.start <= span.start
            && span.end <= local.scope.end;
        let between = ByteSpan {
            start: local.span.end,
            end: span.start,
        };
        let reported = in_scope && !unreliable(ctx.text(between)) && !voided(ctx, span);
        if reported && first[var].is_none_or(|f| span.start < f.start) {
            first[var] = Some(span);
        }
    }
    for (local, span) in vars.iter().zip(first) {
        let Some(span) = span else {
            continue;
        };
        let name = &local.name;
        out.report(
            span,
            format!("`{name}` is read here, but on some path from its declaration on line {} nothing has assigned it, so it holds whatever the stack held.", ctx.line_of(local.span)),
            format!("Initialise `{name}` where it is declared, or assign it on every path that reaches this read."),
        )
        .related(local.span, format!("`{name}` is declared here without a value"));
    }
}
