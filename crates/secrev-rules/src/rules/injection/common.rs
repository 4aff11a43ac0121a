//! Questions the injection rules share: which pieces of a string built at run time can carry
//! text that changes what the command or query means.

use crate::Context;
use secrev_core::{Confidence, Severity};
use secrev_ir::{Call, Op, Part, Value, ValueKind};

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
    if value.is_constant() || is_constant_name(value) || numeric(value) {
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
        _ => false,
    }
}

/// Whether a value can only be a number: a numeric constant, a numeric conversion (`int(x)`,
/// `"%d" % x`), or arithmetic on those.
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
        ValueKind::Operation { op: "number", .. } => true,
        ValueKind::Call(call) => call.is_any(NUMERIC_CALLS),
        ValueKind::Operation {
            op: "+" | "-" | "*" | "/" | "//" | "%",
            operands,
        } => operands.iter().all(numeric),
        _ => false,
    }
}

fn harmless_call(call: &Call, lang: Lang) -> bool {
    if lang == Lang::Shell && call.is_any(SHELL_QUOTERS) {
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

/// Words that begin an SQL statement.
const SQL_STATEMENTS: &[&str] = &[
    "select",
    "insert",
    "update",
    "delete",
    "replace",
    "create",
    "drop",
    "alter",
    "merge",
    "with",
    "pragma",
    "grant",
    "revoke",
    "call",
    "exec",
    "execute",
    "show",
    "describe",
    "explain",
    "vacuum",
    "attach",
    "begin",
    "commit",
    "rollback",
    "savepoint",
    "lock",
    "analyze",
    "copy",
    "use",
    "set",
];

/// Word pairs that only SQL has, wherever the statement's text starts.
const SQL_PHRASES: &[&str] = &[
    "insert into",
    "delete from",
    "truncate table",
    "alter table",
    "create table",
    "drop table",
    "order by",
    "group by",
    "inner join",
    "left join",
];

/// Whether the literal text of a built string reads like an SQL statement: it starts with a
/// statement keyword (`SELECT`, `UPDATE`...) or contains a phrase only SQL has (`DELETE FROM`,
/// `SELECT ... FROM`). Command lines that share a word with SQL (`truncate --size`, `mkfs`) do not.
pub(super) fn looks_like_sql(value: &Value) -> bool {
    let Some(template) = value.template() else {
        return false;
    };
    let lower = template.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let first = lower
        .trim_start_matches(|c: char| c.is_whitespace() || c == '(')
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("");
    SQL_STATEMENTS.contains(&first)
        || words
            .windows(2)
            .any(|pair| SQL_PHRASES.contains(&format!("{} {}", pair[0], pair[1]).as_str()))
        || (words.contains(&"select") && words.contains(&"from"))
}

/// Whether a name follows the `UPPER_CASE` convention for constants (a module constant defined
/// in another file, which the analysis cannot read).
fn is_constant_name(value: &Value) -> bool {
    let Some(name) = value.path().and_then(|p| p.rsplit('.').next()) else {
        return false;
    };
    name.len() > 1
        && name.chars().any(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Where the risky pieces of a built string come from, as far as the enclosing function shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// A parameter of the enclosing function: whoever calls it decides the text.
    Parameter,
    /// Something else the function cannot vouch for (a call's result, a local of unknown value).
    Unknown,
    /// Only the object's own state (`self.table`), or values the function checked against an
    /// allow-list (`if name in ALLOWED`) before use.
    Vetted,
}

/// Classifies the risky pieces of the built string `value` by [`Origin`].
pub(super) fn origin(ctx: &Context, value: &Value, lang: Lang) -> Origin {
    let risky = if matches!(value.resolved().kind, ValueKind::Build { .. }) {
        risky_holes(value, lang)
    } else {
        vec![value]
    };
    let unvetted: Vec<&Value> = risky
        .into_iter()
        .filter(|h| !is_state(h) && !is_checked(ctx, h))
        .collect();
    if unvetted.is_empty() {
        Origin::Vetted
    } else if passes_through(value) {
        Origin::Unknown
    } else if unvetted.iter().any(|h| mentions_parameter(ctx, h, 0)) {
        Origin::Parameter
    } else {
        Origin::Unknown
    }
}

/// Grades a hit by where its risky text comes from: injection needs text an attacker chooses.
/// Text traced to a caller keeps the rule's grade; text of unknown origin (configuration, a
/// call's result) is at most medium severity and medium confidence; vetted text is medium
/// severity at low confidence.
pub(super) fn grade_by_origin(hit: &mut crate::Hit, origin: Origin) {
    let (severity, confidence) = match origin {
        Origin::Parameter => return,
        Origin::Unknown => (Severity::Medium, Confidence::Medium),
        Origin::Vetted => (Severity::Medium, Confidence::Low),
    };
    let current_severity = hit.severity.unwrap_or(Severity::Critical);
    let current_confidence = hit.confidence.unwrap_or(Confidence::High);
    hit.severity(current_severity.min(severity))
        .confidence(current_confidence.min(confidence));
}

/// Reports `value` reaching a `lang` interpreter through `call`, by its [`Shape`]: `texts` gives
/// the message and fix for a shape, or `None` where that shape is not worth reporting. A constant
/// is low severity (the interpreter is merely unneeded); a built or opaque value is graded by
/// where its text comes from, and an opaque one is at most medium confidence.
pub(super) fn report_by_shape(
    ctx: &Context,
    call: &Call,
    value: &Value,
    lang: Lang,
    out: &mut crate::Reporter,
    texts: impl FnOnce(Shape) -> Option<(String, String)>,
) {
    let shape = shape(value, lang);
    if shape == Shape::Neutralised {
        return;
    }
    let Some((message, fix)) = texts(shape) else {
        return;
    };
    let hit = out.report(call.span, message, fix);
    match shape {
        Shape::Constant => {
            hit.severity(Severity::Low).confidence(Confidence::Medium);
        }
        Shape::Built => grade_by_origin(hit, origin(ctx, value, lang)),
        Shape::Opaque => {
            hit.confidence(Confidence::Medium);
            grade_by_origin(hit, origin(ctx, value, lang));
        }
        Shape::Neutralised => {}
    }
}

/// Whether a built string is one piece and nothing else of its own (`" ".join(cmd_list)`,
/// `"{}".format(cmd)`): the function runs whatever command it is handed, so whether that is
/// injectable is decided by its callers, not here.
fn passes_through(value: &Value) -> bool {
    match &value.resolved().kind {
        ValueKind::Build { parts, .. } => {
            let holes = parts.iter().filter(|p| matches!(p, Part::Hole(_))).count();
            holes == 1
                && parts.iter().all(|p| match p {
                    Part::Lit(text) => text.trim().is_empty(),
                    Part::Hole(_) => true,
                })
        }
        _ => false,
    }
}

/// Whether a value reads a parameter of the enclosing function (other than `self`/`cls`),
/// directly or through the value a local was bound to.
fn mentions_parameter(ctx: &Context, value: &Value, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    let is_param = |root: &str| {
        root != "self" && root != "cls" && ctx.function.params.iter().any(|p| p.name == root)
    };
    let recurse = |v: &Value| mentions_parameter(ctx, v, depth + 1);
    match &value.kind {
        ValueKind::Ref { path, bound, .. } => {
            is_param(path.split(['.', '[']).next().unwrap_or(path))
                || bound.as_deref().is_some_and(recurse)
        }
        ValueKind::Call(call) => {
            call.args.iter().any(recurse)
                || call.keywords.iter().any(|k| recurse(&k.value))
                || call.callee.receiver.as_deref().is_some_and(recurse)
        }
        ValueKind::Build { parts, .. } => parts.iter().any(|p| match p {
            Part::Hole(v) => recurse(v),
            Part::Lit(_) => false,
        }),
        ValueKind::Operation { operands, .. } => operands.iter().any(recurse),
        ValueKind::List(items) | ValueKind::Tuple(items) | ValueKind::Set(items) => {
            items.iter().any(recurse)
        }
        _ => false,
    }
}

/// Whether a value is an attribute of the object itself (`self.db_type`, `cls.table`).
fn is_state(value: &Value) -> bool {
    value
        .path()
        .is_some_and(|p| p.starts_with("self.") || p.starts_with("cls."))
}

/// Whether the function compares the value with `in` or `==` somewhere (an allow-list check
/// such as `if func in vars(Parser):` or `if order == "asc":`).
fn is_checked(ctx: &Context, value: &Value) -> bool {
    let Some(path) = value.path() else {
        return false;
    };
    ctx.function.ops.iter().any(|op| match op {
        Op::Compare(compare) => matches!(
            &compare.kind,
            ValueKind::Operation { op: "in" | "==", operands }
                if operands.first().and_then(Value::path) == Some(path)
        ),
        _ => false,
    })
}
