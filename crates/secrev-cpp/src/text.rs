//! Literals and format strings: the text C and C++ spell constants and string building with.

use secrev_core::ByteSpan;
use secrev_ir::printf::conversions;
use secrev_ir::{BuildKind, Part, Value, ValueKind};

/// The value of an integer or floating literal (`0777`, `0x1Fu`, `1'000'000`, `2.5e3f`).
pub(crate) fn number(text: &str) -> ValueKind {
    let clean: String = text.chars().filter(|c| *c != '\'').collect();
    let lower = clean.to_ascii_lowercase();
    let is_hex = lower.starts_with("0x");
    if !is_hex && (lower.contains('.') || lower.contains('e')) {
        let digits = lower.trim_end_matches(['f', 'l']);
        return digits
            .parse::<f64>()
            .map_or(ValueKind::Unknown, ValueKind::Float);
    }
    let digits = lower.trim_end_matches(['u', 'l', 'z']);
    let parsed = if let Some(hex) = digits.strip_prefix("0x") {
        i128::from_str_radix(hex, 16)
    } else if let Some(bin) = digits.strip_prefix("0b") {
        i128::from_str_radix(bin, 2)
    } else if digits.len() > 1 && digits.starts_with('0') {
        i128::from_str_radix(&digits[1..], 8)
    } else {
        digits.parse::<i128>()
    };
    parsed.map_or(ValueKind::Unknown, ValueKind::Int)
}

/// Decodes the escapes of a string or character literal's body (without quotes or prefix).
pub(crate) fn unescape(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(next) = chars.next() else {
            break;
        };
        match next {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            'x' => {
                let mut code = 0u32;
                while let Some(d) = chars.peek().and_then(|d| d.to_digit(16)) {
                    code = code.saturating_mul(16).saturating_add(d);
                    chars.next();
                }
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            }
            '0'..='7' => {
                let mut code = next.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            code = code * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            }
            other => out.push(other),
        }
    }
    out
}

/// The string a `printf`-family call builds from `format` and its `args`, as a
/// [`BuildKind::Percent`] value (numbers become `number` operations, as for Python's `%d`).
pub(crate) fn printf_build(format: &str, args: &[Value], span: ByteSpan) -> Value {
    let mut parts = Vec::new();
    let mut next = 0;
    for (literal, conversion) in conversions(format) {
        if !literal.is_empty() {
            match parts.last_mut() {
                Some(Part::Lit(last)) => last.push_str(&literal),
                _ => parts.push(Part::Lit(literal)),
            }
        }
        let Some(conversion) = conversion else {
            continue;
        };
        // A `*` width or precision consumes an argument before the converted one.
        next += conversion.args - 1;
        let arg = args
            .get(next)
            .cloned()
            .unwrap_or_else(|| Value::unknown(span));
        next += 1;
        if let (true, Some(text)) = (matches!(conversion.letter, 's' | 'S'), arg.as_str()) {
            match parts.last_mut() {
                Some(Part::Lit(last)) => last.push_str(text),
                _ => parts.push(Part::Lit(text.to_owned())),
            }
            continue;
        }
        let hole = if matches!(conversion.letter, 's' | 'S' | 'c') {
            arg
        } else {
            let span = arg.span;
            Value {
                kind: ValueKind::Operation {
                    op: "number",
                    operands: vec![arg],
                },
                span,
            }
        };
        parts.push(Part::Hole(hole));
    }
    Value {
        kind: ValueKind::Build {
            kind: BuildKind::Percent,
            parts,
        },
        span,
    }
}

/// `template.arg(value)` (Qt): `value` replaces the lowest-numbered `%N` marker of the
/// template's literal parts. A template without markers keeps its text and gains a hole.
pub(crate) fn qt_arg(template: &Value, arg: Value, span: ByteSpan) -> Value {
    let mut parts: Vec<Part> = match &template.resolved().kind {
        ValueKind::Str(s) => vec![Part::Lit(s.clone())],
        ValueKind::Build { parts, .. } => parts.clone(),
        _ => vec![Part::Hole(template.clone())],
    };
    let lowest = parts
        .iter()
        .filter_map(|p| match p {
            Part::Lit(s) => markers(s).map(|(_, _, n)| n).min(),
            Part::Hole(_) => None,
        })
        .min();
    let mut arg = Some(arg);
    if let Some(lowest) = lowest {
        let mut rebuilt = Vec::with_capacity(parts.len() + 2);
        for part in parts {
            match part {
                Part::Lit(s) if arg.is_some() => {
                    let found = markers(&s).find(|(_, _, n)| *n == lowest);
                    match (found, arg.take()) {
                        (Some((at, len, _)), Some(value)) => {
                            if at > 0 {
                                rebuilt.push(Part::Lit(s[..at].to_owned()));
                            }
                            rebuilt.push(Part::Hole(value));
                            if at + len < s.len() {
                                rebuilt.push(Part::Lit(s[at + len..].to_owned()));
                            }
                        }
                        (_, value) => {
                            arg = value;
                            rebuilt.push(Part::Lit(s));
                        }
                    }
                }
                other => rebuilt.push(other),
            }
        }
        parts = rebuilt;
    }
    if let Some(value) = arg {
        parts.push(Part::Hole(value));
    }
    Value {
        kind: ValueKind::Build {
            kind: BuildKind::Format,
            parts,
        },
        span,
    }
}

/// The `%N` markers of a Qt template: (byte offset, length, number).
fn markers(text: &str) -> impl Iterator<Item = (usize, usize, u32)> + '_ {
    let bytes = text.as_bytes();
    (0..bytes.len()).filter_map(move |i| {
        if bytes[i] != b'%' {
            return None;
        }
        let digits = bytes[i + 1..]
            .iter()
            .take(2)
            .take_while(|b| b.is_ascii_digit())
            .count();
        let n: u32 = text.get(i + 1..i + 1 + digits)?.parse().ok()?;
        (n > 0).then_some((i, digits + 1, n))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert!(matches!(number("0777"), ValueKind::Int(0o777)));
        assert!(matches!(number("0x1Fu"), ValueKind::Int(31)));
        assert!(matches!(number("1'000"), ValueKind::Int(1000)));
        assert!(matches!(number("0"), ValueKind::Int(0)));
        assert!(matches!(number("64UL"), ValueKind::Int(64)));
        assert!(matches!(number("2.5f"), ValueKind::Float(_)));
    }

    #[test]
    fn escapes() {
        assert_eq!(unescape(r"a\n\x41\101\\"), "a\nAA\\");
    }

    #[test]
    fn qt_arg_fills_lowest_marker() {
        let span = ByteSpan { start: 0, end: 0 };
        let template = Value {
            kind: ValueKind::Str("DELETE FROM %2 WHERE id=%1".into()),
            span,
        };
        let first = qt_arg(&template, Value::unknown(span), span);
        assert_eq!(
            first.template().as_deref(),
            Some("DELETE FROM %2 WHERE id={}")
        );
        let second = qt_arg(&first, Value::unknown(span), span);
        assert_eq!(
            second.template().as_deref(),
            Some("DELETE FROM {} WHERE id={}")
        );
    }
}
