//! Constant folding and string building: arithmetic on literals, `+` / `%` / `.format` /
//! f-strings / `join` turned into a template of literal parts and holes, folded to a plain string
//! when every hole is a constant.

use secrev_ir::{BuildKind, CompactString, Part, Value, ValueKind};

/// The text Python would produce for `str(value)`, for constants.
pub(crate) fn constant_text(value: &Value) -> Option<String> {
    match &value.resolved().kind {
        ValueKind::Str(s) => Some(s.clone()),
        ValueKind::Int(i) => Some(i.to_string()),
        ValueKind::Float(f) => Some(format!("{f:?}")),
        ValueKind::Bool(true) => Some("True".to_owned()),
        ValueKind::Bool(false) => Some("False".to_owned()),
        ValueKind::None => Some("None".to_owned()),
        ValueKind::Operation {
            op: "number",
            operands,
        } => operands.first().and_then(constant_text),
        _ => None,
    }
}

/// Merges adjacent literal parts and inlines constant holes; a template with no hole left is a
/// plain string.
pub(crate) fn build(kind: BuildKind, parts: Vec<Part>) -> ValueKind {
    let mut merged: Vec<Part> = Vec::with_capacity(parts.len());
    for part in parts {
        let part = match part {
            Part::Hole(value) => match constant_text(&value) {
                Some(text) => Part::Lit(text),
                None => Part::Hole(value),
            },
            lit => lit,
        };
        match (merged.last_mut(), part) {
            (Some(Part::Lit(prev)), Part::Lit(text)) => prev.push_str(&text),
            (_, part) => merged.push(part),
        }
    }
    match merged.as_slice() {
        [] => ValueKind::Str(String::new()),
        [Part::Lit(text)] => ValueKind::Str(text.clone()),
        _ => ValueKind::Build {
            kind,
            parts: merged,
        },
    }
}

/// The parts of a value used as a piece of a concatenation: a built string contributes its own
/// parts, so `a + b + c` is one template.
pub(crate) fn concat_parts(value: Value) -> Vec<Part> {
    match value.kind {
        ValueKind::Str(text) => vec![Part::Lit(text)],
        ValueKind::Build {
            kind: BuildKind::Concat,
            parts,
        } => parts,
        _ => vec![Part::Hole(value)],
    }
}

/// Integer arithmetic on two constants, when Python would give an integer.
pub(crate) fn int_binop(op: &str, a: i128, b: i128) -> Option<i128> {
    match op {
        "+" => a.checked_add(b),
        "-" => a.checked_sub(b),
        "*" => a.checked_mul(b),
        "//" if b != 0 => Some(a.div_euclid(b)),
        "%" if b != 0 => Some(a.rem_euclid(b)),
        "**" => u32::try_from(b).ok().and_then(|e| a.checked_pow(e)),
        "|" => Some(a | b),
        "&" => Some(a & b),
        "^" => Some(a ^ b),
        "<<" => u32::try_from(b)
            .ok()
            .filter(|s| *s < 120)
            .and_then(|s| a.checked_shl(s)),
        ">>" => u32::try_from(b).ok().filter(|s| *s < 127).map(|s| a >> s),
        _ => None,
    }
}

/// Splits a `%`-format template into parts, taking values from `args` (a tuple's items, or one
/// value) or, for `%(name)s`, from a constant-keyed dict.
pub(crate) fn percent_parts(template: &str, args: &Value) -> Option<Vec<Part>> {
    let items: Vec<&Value> = match &args.resolved().kind {
        ValueKind::Tuple(items) => items.iter().collect(),
        _ => vec![args],
    };
    let mut next = items.into_iter();
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            literal.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            literal.push('%');
            continue;
        }
        let key = if chars.peek() == Some(&'(') {
            chars.next();
            let key: String = chars.by_ref().take_while(|c| *c != ')').collect();
            Some(key)
        } else {
            None
        };
        // Flags, width, precision, then the conversion character.
        let conversion = chars.by_ref().find(|c| c.is_ascii_alphabetic())?;
        parts.push(Part::Lit(std::mem::take(&mut literal)));
        let value = match key {
            Some(key) => dict_lookup(args, &key).cloned(),
            None => next.next().cloned(),
        };
        let value = value.unwrap_or_else(|| Value::unknown(args.span));
        parts.push(match conversion {
            's' | 'r' | 'a' => Part::Hole(value),
            // Numeric conversions can only produce a number's text, whatever the value was.
            'd' | 'i' | 'u' | 'f' | 'F' | 'e' | 'E' | 'g' | 'G' | 'x' | 'X' | 'o' => {
                let span = value.span;
                Part::Hole(Value {
                    kind: ValueKind::Operation {
                        op: "number",
                        operands: vec![value],
                    },
                    span,
                })
            }
            _ => Part::Hole(Value::unknown(value.span)),
        });
    }
    parts.push(Part::Lit(literal));
    Some(parts)
}

/// Splits a `str.format` template into parts, filling `{}` / `{0}` / `{name}` from the call's
/// arguments. Field attributes and indexes (`{0.name}`, `{a[0]}`) become unknown holes.
pub(crate) fn brace_parts(
    template: &str,
    positional: &[Value],
    keywords: &[(CompactString, Value)],
    unknown: &Value,
) -> Option<Vec<Part>> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut auto_index = 0usize;
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                literal.push('}');
            }
            '{' => {
                let field: String = chars.by_ref().take_while(|c| *c != '}').collect();
                let (name, spec) = match field.find([':', '!']) {
                    Some(at) => (&field[..at], &field[at..]),
                    None => (field.as_str(), ""),
                };
                let value = if name.is_empty() {
                    auto_index += 1;
                    positional.get(auto_index - 1)
                } else if let Ok(index) = name.parse::<usize>() {
                    positional.get(index)
                } else {
                    keywords.iter().find(|(k, _)| k == name).map(|(_, v)| v)
                };
                let value = match value {
                    Some(v) if spec.is_empty() || spec == "!s" => v.clone(),
                    _ => unknown.clone(),
                };
                parts.push(Part::Lit(std::mem::take(&mut literal)));
                parts.push(Part::Hole(value));
            }
            '}' => return None,
            c => literal.push(c),
        }
    }
    parts.push(Part::Lit(literal));
    Some(parts)
}

/// `mapping[key]` for a constant dict with constant string keys.
pub(crate) fn dict_lookup<'v>(mapping: &'v Value, key: &str) -> Option<&'v Value> {
    match &mapping.resolved().kind {
        ValueKind::Dict(entries) => entries
            .iter()
            .rev()
            .find_map(|(k, v)| (k.as_ref().and_then(Value::as_str) == Some(key)).then_some(v)),
        _ => None,
    }
}

/// `sequence[index]` for a constant list or tuple.
pub(crate) fn index_lookup(sequence: &Value, index: i128) -> Option<&Value> {
    match &sequence.resolved().kind {
        ValueKind::List(items) | ValueKind::Tuple(items) => {
            let len = items.len() as i128;
            let at = if index < 0 { len + index } else { index };
            usize::try_from(at).ok().and_then(|at| items.get(at))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrev_core::ByteSpan;

    fn span() -> ByteSpan {
        ByteSpan::default()
    }

    fn s(text: &str) -> Value {
        Value {
            kind: ValueKind::Str(text.to_owned()),
            span: span(),
        }
    }

    #[test]
    fn percent_with_constants_folds_to_a_string() {
        let args = Value {
            kind: ValueKind::Tuple(vec![s("ls"), s("/tmp")]),
            span: span(),
        };
        let parts = percent_parts("%s -l %s", &args).unwrap();
        assert!(matches!(build(BuildKind::Percent, parts), ValueKind::Str(t) if t == "ls -l /tmp"));
    }

    #[test]
    fn format_with_unknown_keeps_a_hole() {
        let unknown = Value::unknown(span());
        let parts =
            brace_parts("rm {} {{x}}", std::slice::from_ref(&unknown), &[], &unknown).unwrap();
        let ValueKind::Build { parts, .. } = build(BuildKind::Format, parts) else {
            panic!("expected a template")
        };
        assert_eq!(parts.len(), 3);
        assert!(matches!(&parts[2], Part::Lit(t) if t == " {x}"));
    }

    #[test]
    fn integer_operators_fold() {
        assert_eq!(int_binop("|", 0o700, 0o007), Some(0o707));
        assert_eq!(int_binop("//", 1, 0), None);
        assert_eq!(int_binop("**", 2, 200), None);
    }
}
