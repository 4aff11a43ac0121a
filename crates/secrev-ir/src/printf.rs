//! `printf`- and `scanf`-style format strings, as C, C++ and Qt spell them: which conversions a
//! format holds and how long the text each one produces can be.

/// One conversion of a `printf` format: what it prints and how much it may print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    /// The conversion letter (`s`, `d`, `x`, `c`...).
    pub letter: char,
    /// The width (`%20s`): the least `printf` prints, the most `scanf` stores.
    pub width: Option<Limit>,
    /// The precision (`%.20s`): the most `printf` prints of a string.
    pub precision: Option<Limit>,
    /// How many arguments the conversion takes (a `*` width or precision takes one more).
    pub args: usize,
}

/// A bound written in a format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Fixed(u64),
    /// `*`: taken from an argument.
    Argument,
}

/// The pieces of a `printf`-family format: literal text and conversions, in order. `%%` is
/// literal text.
pub fn conversions(format: &str) -> Vec<(String, Option<Conversion>)> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut chars = format.chars().peekable();
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
        let mut args = 1;
        let mut precision = None;
        let mut width = String::new();
        let mut star_width = false;
        // Flags, then the width.
        while let Some(&f) = chars.peek() {
            if "-+ #0'".contains(f) {
                chars.next();
            } else {
                break;
            }
        }
        while let Some(&d) = chars.peek() {
            if d == '*' {
                args += 1;
                star_width = true;
                chars.next();
            } else if d.is_ascii_digit() {
                width.push(d);
                chars.next();
            } else {
                break;
            }
        }
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut digits = String::new();
            while let Some(&d) = chars.peek() {
                if d == '*' {
                    args += 1;
                    precision = Some(Limit::Argument);
                    chars.next();
                } else if d.is_ascii_digit() {
                    digits.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            if precision.is_none() {
                precision = Some(Limit::Fixed(digits.parse().unwrap_or(0)));
            }
        }
        while let Some(&m) = chars.peek() {
            if "hlLqjztI".contains(m) {
                chars.next();
            } else {
                break;
            }
        }
        let Some(letter) = chars.next() else {
            break;
        };
        if letter == '[' {
            // A scanf scan set: `%[^\n]` reads like `%s`.
            for s in chars.by_ref() {
                if s == ']' {
                    break;
                }
            }
        }
        let width = if star_width {
            Some(Limit::Argument)
        } else {
            width.parse().ok().map(Limit::Fixed)
        };
        pieces.push((
            std::mem::take(&mut literal),
            Some(Conversion {
                letter: if letter == '[' { 's' } else { letter },
                width,
                precision,
                args,
            }),
        ));
    }
    if !literal.is_empty() {
        pieces.push((literal, None));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let pieces = conversions("user=%s id=%5d %% %.*s %63s");
        let letters: Vec<_> = pieces
            .iter()
            .filter_map(|(_, c)| c.as_ref().map(|c| (c.letter, c.width, c.precision, c.args)))
            .collect();
        assert_eq!(
            letters,
            [
                ('s', None, None, 1),
                ('d', Some(Limit::Fixed(5)), None, 1),
                ('s', None, Some(Limit::Argument), 2),
                ('s', Some(Limit::Fixed(63)), None, 1)
            ]
        );
    }
}
