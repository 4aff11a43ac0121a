//! C105 `non-literal-format`: `printf`-family calls whose format is not a constant string.

use crate::rules::c::common::{c_name, from_parameter, holds_only_constants, is_literal_text};
use crate::{Context, Hooks, Reporter, Rule};
use secrev_core::{Category, Confidence, RuleDocs, RuleInfo, Severity};
use secrev_ir::{Call, Function, Value, ValueKind};

pub(crate) static RULE: Rule = Rule {
    info: RuleInfo {
        id: "C105",
        name: "non-literal-format",
        title: "Format string that is not a literal",
        cwe: 134,
        category: Category::MemorySafety,
        severity: Severity::High,
        confidence: Confidence::Medium,
        docs: RuleDocs {
            what: "Finds `printf`-family calls (`printf`, `fprintf`, `dprintf`, `sprintf`, \
                   `snprintf`, `syslog`, `err`/`warn` and their `v` forms, `QString::asprintf`) \
                   whose format is text the caller handed in: a parameter, or a buffer built \
                   from one. Formats from `gettext`/`_()`/`tr()` of a literal count as \
                   constant, and a wrapper passing its own format on (a variadic `void \
                   log_msg(const char *fmt, ...)` calling `vsyslog(prio, fmt, ap)`, or a \
                   parameter named as a format) is not reported: its callers are where the \
                   format is chosen. Formats of other origins (message tables, buffers the \
                   program formats itself) are left to the taint analysis, which sees where \
                   input goes. Where C603 follows data from a source to the same call, its finding, which names the source, is reported instead of this one.",
            why: "A format string is a small program: `%n` writes to memory, `%s` and `%x` read \
                  the stack. When the text comes from input, an attacker can leak memory or \
                  overwrite it.",
            example: "void log_line(const char *msg) {\n    syslog(LOG_INFO, msg);\n}",
            fix: "void log_line(const char *msg) {\n    syslog(LOG_INFO, \"%s\", msg);\n}",
            references: &[
                "https://cwe.mitre.org/data/definitions/134.html",
                "https://wiki.sei.cmu.edu/confluence/display/c/FIO30-C.+Exclude+user+input+from+format+strings",
            ],
        },
    },
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

/// `printf`-family functions and the position of their format.
const FORMATTERS: &[(&str, usize)] = &[
    ("printf", 0),
    ("vprintf", 0),
    ("wprintf", 0),
    ("fprintf", 1),
    ("vfprintf", 1),
    ("fwprintf", 1),
    ("dprintf", 1),
    ("vdprintf", 1),
    ("sprintf", 1),
    ("vsprintf", 1),
    ("asprintf", 1),
    ("vasprintf", 1),
    ("snprintf", 2),
    ("vsnprintf", 2),
    ("syslog", 1),
    ("vsyslog", 1),
    ("err", 1),
    ("verr", 1),
    ("errx", 1),
    ("verrx", 1),
    ("warn", 0),
    ("vwarn", 0),
    ("warnx", 0),
    ("vwarnx", 0),
    ("QString::asprintf", 0),
    ("QString::vasprintf", 0),
];

fn check(ctx: &Context, call: &Call, out: &mut Reporter) {
    let name = c_name(call);
    let Some((_, at)) = FORMATTERS.iter().find(|(n, _)| *n == name) else {
        return;
    };
    let Some(format) = call.args.get(*at) else {
        return;
    };
    // BSD's `err`/`warn` family is only that when `<err.h>` is included (Qt has its own `warn`).
    if (name.contains("err") || name.contains("warn")) && !ctx.unit.imports_module("err.h") {
        return;
    }
    // An enumerator or number is not text (an overload that takes no format).
    if format.qualname().is_some_and(|q| q.contains("::")) || format.as_int().is_some() {
        return;
    }
    // A `va_list` is never a format (`vasprintf(&out, fmt, ap)` read with the wrong arity).
    let is_va_list = format
        .path()
        .and_then(|p| ctx.function.local(p))
        .is_some_and(|l| l.ty == "va_list");
    if format.is_constant()
        || is_literal_text(format)
        || is_va_list
        || forwards_own_format(ctx.function, format)
        || is_split_literal(ctx, format)
    {
        return;
    }
    // A format that does not come from the caller is, in practice, the program's own: a
    // message table (`jpeg_message_table[code]`), a format assembled with `snprintf` from a
    // constant one, a debug buffer. Formats read from input are the taint analysis's to follow.
    if from_parameter(ctx, text_of(format)).is_none() || holds_only_constants(ctx, format) {
        return;
    }
    let code = ctx.code(format.span);
    out.report(
        call.span,
        format!("`{name}` uses `{code}` as its format: `%` directives in that text read or write memory."),
        format!("Pass the text as an argument to a constant format: `{name}(..., \"%s\", {code})`."),
    );
}

/// Whether `format` is a parameter of a variadic function (one taking `...` or a `va_list`),
/// or a parameter named as a format (`fmt`, `format`): a wrapper handing its own format on,
/// whose callers choose the format (K&R variadics such as zlib's `gzprintf(file, format, a1,
/// ... a20)` have neither `...` nor a `va_list`).
fn forwards_own_format(function: &Function, format: &Value) -> bool {
    let Some(path) = format.path() else {
        return false;
    };
    let is_param = function.params.iter().any(|p| p.name == path);
    let variadic = function.params.iter().any(|p| p.name == "...")
        || function.locals.iter().any(|l| l.param && l.ty == "va_list");
    let lower = path.to_ascii_lowercase();
    let named_format = lower.contains("fmt") || lower.contains("format");
    is_param && (variadic || named_format)
}

/// Whether the format is a string literal split by preprocessor lines (`"try " #ifdef
/// USE_MANUAL "or --manual" #endif`), which the grammar cannot read as one literal.
fn is_split_literal(ctx: &Context, format: &Value) -> bool {
    let code = ctx.text(format.span);
    code.trim_start().starts_with('"')
        && code
            .lines()
            .skip(1)
            .any(|l| l.trim_start().starts_with('#'))
}

/// Where a format's text comes from: the table of `messages[code]`, not the index that picks
/// an entry.
fn text_of(format: &Value) -> &Value {
    match &format.resolved().kind {
        ValueKind::Operation { op: "[]", operands } => operands.first().unwrap_or(format),
        _ => format,
    }
}
