//! Questions the injection rules share: which pieces of a string built at run time can carry
//! text that changes what the command or query means.

use secrev_ir::{Call, Part, Value, ValueKind};

/// The language a built string is handed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lang {
    Shell,
    Sql,
    /// Python source for `eval`/`exec`.
    Code,
}

/// How a command or query string reaches a dangerous call, with neutralised pieces told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// Known at analysis time.
    Constant,
    /// Built at run time with every variable piece neutralised (numbers, `shlex.quote`,
    /// placeholder lists): nothing to report.
    Neutralised,
    /// Built at run time from at least one piece that is not neutralised.
    Built,
    /// Something the analysis cannot see into.
    Opaque,
}

/// Classifies the string `value` handed to a `lang` interpreter.
pub(super) fn shape(value: &Value, lang: Lang) -> Shape {
    if value.is_constant() {
        return Shape::Constant;
    }
    let value = value.resolved();
    match &value.kind {
        ValueKind::Build { .. } => {
            if holes(value).all(|hole| harmless(hole, lang)) {
                Shape::Neutralised
            } else {
                Shape::Built
            }
        }
        _ if harmless(value, lang) => Shape::Neutralised,
        _ => Shape::Opaque,
    }
}

/// The holes of a built string (none for anything else).
fn holes(value: &Value) -> impl Iterator<Item = &Value> {
    let parts: &[Part] = match &value.resolved().kind {
        ValueKind::Build { parts, .. } => parts,
        _ => &[],
    };
    parts.iter().filter_map(|p| match p {
        Part::Hole(v) => Some(v),
        Part::Lit(_) => None,
    })
}

const NUMERIC_CALLS: &[&str] = &[
    "builtins.int",
    "builtins.float",
    "builtins.bool",
    "builtins.len",
    "builtins.abs",
    "builtins.round",
];
const NUMERIC_INSTANCES: &[&str] = &["builtins.int()", "builtins.float()", "builtins.bool()"];
const SHELL_QUOTERS: &[&str] = &["shlex.quote", "shlex.join", "pipes.quote"];

/// Whether a piece of a built string can only hold text that is harmless in `lang`.
fn harmless(value: &Value, lang: Lang) -> bool {
    if value.is_constant() {
        return true;
    }
    if value
        .qualname()
        .is_some_and(|q| NUMERIC_INSTANCES.contains(&q))
    {
        return true;
    }
    let value = value.resolved();
    match &value.kind {
        ValueKind::Call(call) => harmless_call(call, lang),
        // `ALLOWED[key]`: an item of a constant table.
        ValueKind::Operation { op: "[]", operands } => {
            operands.first().is_some_and(is_constant_table)
        }
        ValueKind::Build { .. } => holes(value).all(|hole| harmless(hole, lang)),
        ValueKind::Operation { op: "*", operands }
            if lang == Lang::Sql && operands.iter().any(is_placeholder_text) =>
        {
            true
        }
        // Arithmetic on numbers stays a number.
        ValueKind::Operation {
            op: "+" | "-" | "*" | "/" | "//" | "%",
            operands,
        } => operands.iter().all(numeric),
        _ => false,
    }
}

/// Whether a value can only be a number: a numeric constant, a numeric conversion, or arithmetic
/// on those.
fn numeric(value: &Value) -> bool {
    if value
        .qualname()
        .is_some_and(|q| NUMERIC_INSTANCES.contains(&q))
    {
        return true;
    }
    let value = value.resolved();
    match &value.kind {
        ValueKind::Int(_) | ValueKind::Float(_) | ValueKind::Bool(_) => true,
        ValueKind::Call(call) => call.is_any(NUMERIC_CALLS),
        ValueKind::Operation {
            op: "+" | "-" | "*" | "/" | "//" | "%",
            operands,
        } => operands.iter().all(numeric),
        _ => false,
    }
}

fn harmless_call(call: &Call, lang: Lang) -> bool {
    if call.is_any(NUMERIC_CALLS) || (lang == Lang::Shell && call.is_any(SHELL_QUOTERS)) {
        return true;
    }
    // `str(int(n))`: the text of a harmless value.
    if call.is_any(&["builtins.str"]) {
        return call.args.first().is_some_and(|a| harmless(a, lang));
    }
    // `ALLOWED.get(key, "name")`: a lookup in a constant mapping yields one of its values.
    call.callee.method.as_deref() == Some("get")
        && call
            .callee
            .receiver
            .as_deref()
            .is_some_and(is_constant_table)
        && call.args.get(1).is_none_or(Value::is_constant)
}

/// Whether a value is a constant dict, list or tuple (an allow-list to look values up in).
fn is_constant_table(value: &Value) -> bool {
    matches!(
        value.resolved().kind,
        ValueKind::Dict(_) | ValueKind::List(_) | ValueKind::Tuple(_)
    ) && value.is_constant()
}

/// Whether a constant string (or list of them) is nothing but SQL placeholders and separators:
/// the `["%s"] * len(ids)` of an `IN (...)` list.
fn is_placeholder_text(value: &Value) -> bool {
    fn only_placeholders(s: &str) -> bool {
        let rest = s.replace("%s", "").replace('?', "");
        s.len() > rest.len()
            && rest
                .chars()
                .all(|c| c.is_whitespace() || matches!(c, ',' | '(' | ')'))
    }
    match &value.resolved().kind {
        ValueKind::Str(s) => only_placeholders(s),
        ValueKind::List(items) | ValueKind::Tuple(items) => {
            !items.is_empty()
                && items
                    .iter()
                    .all(|i| i.as_str().is_some_and(only_placeholders))
        }
        _ => false,
    }
}

/// The text of a built string for a message: its literal parts with `{}` for the holes.
pub(super) fn shown_template(value: &Value) -> Option<String> {
    let template = value.template()?;
    let flat = template.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(if flat.chars().count() > 50 {
        format!("{}...", flat.chars().take(47).collect::<String>())
    } else {
        flat
    })
}

/// The argument as written, in backticks, followed by how it was built when it is a name bound to
/// a built string (`` `cmd` (built as `ls {}`) ``), for messages.
pub(super) fn describe(ctx: &crate::Context, value: &Value) -> String {
    let shown = crate::helpers::quote(ctx, value);
    match (&value.kind, shown_template(value)) {
        (ValueKind::Ref { bound: Some(_), .. }, Some(template))
            if matches!(value.resolved().kind, ValueKind::Build { .. }) =>
        {
            format!("{shown} (built as `{template}`)")
        }
        _ => shown,
    }
}

/// The holes of a built string that are not neutralised, in order, for messages.
pub(super) fn risky_holes(value: &Value, lang: Lang) -> Vec<&Value> {
    holes(value).filter(|h| !harmless(h, lang)).collect()
}

/// The risky holes of a built string as code, joined for a message (`` `name`, `order` ``).
pub(super) fn describe_holes(ctx: &crate::Context, value: &Value, lang: Lang) -> String {
    let shown: Vec<String> = risky_holes(value, lang)
        .into_iter()
        .take(3)
        .map(|h| crate::helpers::quote(ctx, h))
        .collect();
    shown.join(", ")
}

const SQL_WORDS: &[&str] = &[
    "select", "insert", "update", "delete", "create", "drop", "alter", "truncate", "replace",
    "merge", "with", "pragma", "grant", "revoke", "values", "from", "where", "order by",
    "group by", "limit", "join", "set", "call", "exec", "show", "describe", "explain", "vacuum",
    "attach",
];

/// Whether the literal text of a built string reads like SQL.
pub(super) fn looks_like_sql(value: &Value) -> bool {
    let Some(template) = value.template() else {
        return false;
    };
    let lower = template.to_ascii_lowercase();
    lower
        .split(|c: char| !c.is_ascii_alphabetic() && c != ' ')
        .any(|chunk| {
            let words: Vec<&str> = chunk.split_whitespace().collect();
            words.iter().any(|w| SQL_WORDS.contains(w))
                || words
                    .windows(2)
                    .any(|p| SQL_WORDS.contains(&format!("{} {}", p[0], p[1]).as_str()))
        })
}
