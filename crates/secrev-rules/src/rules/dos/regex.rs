//! A small parser for Python `re` syntax and a search for catastrophic backtracking in what it
//! parses.
//!
//! Characters are grouped into 132 symbols: the 128 ASCII characters, and four buckets for the
//! rest (letters, digits, spaces, anything else), which is how `\w`, `\d` and `\s` split them.
//! A character class is a set of symbols.
//!
//! The search asks, for each repetition `X*` (or `X{m,n}` with a large `n`) followed by something
//! that can fail, whether a run of one symbol `c` can be matched by the repetition in two ways:
//! `X` matches `c^k` in two ways itself (`(a|a)*`, `(\w|\d)+`), or `X` matches `c^i`, `c^j` and
//! `c^(i+j)`, so `c^(i+j)` is one iteration or two (`(a+)+`, `(\w+\s?)*`, `(.*a){10}`). Either
//! way a run of `n` such characters has exponentially many parses, all tried before the match
//! fails. The number of ways each node matches `c^k` is counted, capped at 2, for `k` up to
//! [`K`], bottom-up: linear in the size of the pattern for each symbol class.

use std::ops::Range;

/// The longest run of one symbol the search counts ways for.
const K: usize = 6;
/// Patterns longer than this are not analysed.
const MAX_PATTERN: usize = 5000;
/// Deeper group nesting than this is not analysed.
const MAX_DEPTH: usize = 64;
/// A bounded repetition with at least this many iterations is treated like an unbounded one.
const LARGE_REPEAT: u32 = 10;

/// Number of symbols: 128 ASCII characters and four buckets for the others.
const SYMBOLS: usize = 132;
const OTHER_LETTER: usize = 128;
const OTHER_DIGIT: usize = 129;
const OTHER_SPACE: usize = 130;
const OTHER_ELSE: usize = 131;

/// The flags that change how a pattern is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Flags {
    pub ignore_case: bool,
    pub verbose: bool,
    pub dot_all: bool,
    pub ascii: bool,
}

/// A set of symbols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CharSet {
    ascii: u128,
    /// Buckets (bit 0: letters, 1: digits, 2: spaces, 3: others) holding some characters of the
    /// set; a complement keeps a bucket that held only some of them.
    other: u8,
    /// Buckets only partly in the set (a single non-ASCII character).
    partial: u8,
}

impl CharSet {
    const EMPTY: CharSet = CharSet {
        ascii: 0,
        other: 0,
        partial: 0,
    };

    fn contains(&self, symbol: usize) -> bool {
        if symbol < 128 {
            self.ascii & (1u128 << symbol) != 0
        } else {
            self.other & (1 << (symbol - 128)) != 0
        }
    }

    fn add_ascii(&mut self, c: u32) {
        self.ascii |= 1u128 << c;
    }

    fn add_char(&mut self, c: char, ignore_case: bool) {
        if c.is_ascii() {
            self.add_ascii(c as u32);
            if ignore_case && c.is_ascii_alphabetic() {
                self.add_ascii(c.to_ascii_lowercase() as u32);
                self.add_ascii(c.to_ascii_uppercase() as u32);
            }
        } else {
            let bucket = bucket_of(c);
            self.other |= 1 << (bucket - 128);
            self.partial |= 1 << (bucket - 128);
        }
    }

    fn add_range(&mut self, from: char, to: char, ignore_case: bool) {
        let (from, to) = (from as u32, to as u32);
        if from > to {
            return;
        }
        for c in from..=to.min(127) {
            if let Some(c) = char::from_u32(c) {
                self.add_char(c, ignore_case);
            }
        }
        if to >= 128 {
            self.other |= 0b1111;
            if from >= 128 || to < 0x10000 {
                self.partial |= 0b1111;
            }
        }
    }

    fn union(&mut self, other: CharSet) {
        self.ascii |= other.ascii;
        self.other |= other.other;
        self.partial |= other.partial;
    }

    fn complement(self) -> CharSet {
        let whole = self.other & !self.partial;
        CharSet {
            ascii: !self.ascii,
            other: !whole & 0b1111,
            partial: self.partial,
        }
    }

    fn class(kind: char, ascii_only: bool) -> CharSet {
        let mut set = CharSet::EMPTY;
        let lower = kind.to_ascii_lowercase();
        for c in 0u32..128 {
            let ch = char::from_u32(c).unwrap_or('\0');
            let member = match lower {
                'd' => ch.is_ascii_digit(),
                'w' => ch.is_ascii_alphanumeric() || ch == '_',
                _ => matches!(ch, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'),
            };
            if member {
                set.add_ascii(c);
            }
        }
        if !ascii_only {
            set.other = match lower {
                'd' => 0b0010,
                'w' => 0b0011,
                _ => 0b0100,
            };
        }
        if kind.is_ascii_uppercase() {
            let mut negated = set;
            negated.ascii = !set.ascii;
            negated.other = !set.other & 0b1111;
            negated
        } else {
            set
        }
    }

    fn dot(dot_all: bool) -> CharSet {
        let mut set = CharSet {
            ascii: u128::MAX,
            other: 0b1111,
            partial: 0,
        };
        if !dot_all {
            set.ascii &= !(1u128 << b'\n');
        }
        set
    }
}

fn bucket_of(c: char) -> usize {
    if c.is_numeric() {
        OTHER_DIGIT
    } else if c.is_alphanumeric() {
        OTHER_LETTER
    } else if c.is_whitespace() {
        OTHER_SPACE
    } else {
        OTHER_ELSE
    }
}

fn is_word(symbol: usize) -> bool {
    match symbol {
        OTHER_LETTER | OTHER_DIGIT => true,
        s if s < 128 => (s as u8).is_ascii_alphanumeric() || s == usize::from(b'_'),
        _ => false,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Start,
    End,
    WordBoundary,
    NotWordBoundary,
}

/// A parsed pattern.
#[derive(Debug)]
enum Node {
    Empty,
    /// One character from the set.
    Set(CharSet),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Repeat>),
    /// A group; an atomic group (`(?>...)`) never gives back what it matched.
    Group {
        node: Box<Node>,
        atomic: bool,
    },
    /// A lookahead or lookbehind: matches no text.
    Look(Box<Node>),
    Anchor(Anchor),
    /// A backreference or a conditional on a group: not analysed.
    Opaque,
}

#[derive(Debug)]
struct Repeat {
    node: Node,
    min: u32,
    max: Option<u32>,
    possessive: bool,
    /// Read in verbose mode: its text holds whitespace and comments to drop when quoting it.
    verbose: bool,
    /// The repetition in the pattern text (characters), quantifier included.
    text: Range<usize>,
    /// Something after the repetition can fail, so every way of matching it is tried.
    rest_can_fail: bool,
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    flags: Flags,
    depth: usize,
}

type Parsed<T> = Result<T, ()>;

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn next(&mut self) -> Parsed<char> {
        let c = self.peek().ok_or(())?;
        self.pos += 1;
        Ok(c)
    }

    /// In verbose mode, skips whitespace and `#` comments.
    fn skip_verbose(&mut self) {
        if !self.flags.verbose {
            return;
        }
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.pos += 1;
            } else if c == '#' {
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    if c == '\n' {
                        break;
                    }
                }
            } else {
                break;
            }
        }
    }

    fn alternation(&mut self) -> Parsed<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(());
        }
        let mut branches = vec![self.sequence()?];
        while self.eat('|') {
            branches.push(self.sequence()?);
        }
        self.depth -= 1;
        Ok(if branches.len() == 1 {
            branches.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(branches)
        })
    }

    fn sequence(&mut self) -> Parsed<Node> {
        let mut items = Vec::new();
        loop {
            self.skip_verbose();
            match self.peek() {
                None | Some('|') | Some(')') => break,
                _ => {}
            }
            let start = self.pos;
            let atom = self.atom()?;
            self.skip_verbose();
            let item = match self.quantifier()? {
                Some((min, max)) => {
                    let possessive = if self.eat('?') { false } else { self.eat('+') };
                    self.skip_verbose();
                    if matches!(self.peek(), Some('*' | '+' | '?')) || self.quantifier_ahead() {
                        // "multiple repeat": Python rejects the pattern.
                        return Err(());
                    }
                    Node::Repeat(Box::new(Repeat {
                        node: atom,
                        min,
                        max,
                        possessive,
                        verbose: self.flags.verbose,
                        text: start..self.pos,
                        rest_can_fail: false,
                    }))
                }
                None => atom,
            };
            items.push(item);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Node::Empty)
        } else if items.is_empty() {
            Node::Empty
        } else {
            Node::Seq(items)
        })
    }

    /// Whether a `{m,n}` quantifier starts here.
    fn quantifier_ahead(&mut self) -> bool {
        let save = self.pos;
        let found = self.braces().is_some();
        self.pos = save;
        found
    }

    /// A `{m}`, `{m,}`, `{,n}` or `{m,n}` quantifier at the current position.
    fn braces(&mut self) -> Option<(u32, Option<u32>)> {
        let save = self.pos;
        let result = (|| {
            if !self.eat('{') {
                return None;
            }
            let min = self.number();
            let max = if self.eat(',') {
                self.number()
            } else {
                Some(min?)
            };
            if !self.eat('}') {
                return None;
            }
            let (min, max) = (min.unwrap_or(0), max);
            if max.is_some_and(|m| m < min) {
                return None;
            }
            Some((min, max))
        })();
        if result.is_none() {
            self.pos = save;
        }
        result
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.pos == start {
            return None;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        Some(text.parse::<u32>().unwrap_or(u32::MAX))
    }

    fn quantifier(&mut self) -> Parsed<Option<(u32, Option<u32>)>> {
        Ok(match self.peek() {
            Some('*') => {
                self.pos += 1;
                Some((0, None))
            }
            Some('+') => {
                self.pos += 1;
                Some((1, None))
            }
            Some('?') => {
                self.pos += 1;
                Some((0, Some(1)))
            }
            Some('{') => self.braces(),
            _ => None,
        })
    }

    fn atom(&mut self) -> Parsed<Node> {
        let c = self.next()?;
        Ok(match c {
            '(' => self.group()?,
            '[' => Node::Set(self.class()?),
            '.' => Node::Set(CharSet::dot(self.flags.dot_all)),
            '^' => Node::Anchor(Anchor::Start),
            '$' => Node::Anchor(Anchor::End),
            '\\' => self.escape()?,
            '*' | '+' | '?' => return Err(()),
            c => {
                let mut set = CharSet::EMPTY;
                set.add_char(c, self.flags.ignore_case);
                Node::Set(set)
            }
        })
    }

    fn group(&mut self) -> Parsed<Node> {
        let saved = self.flags;
        let mut atomic = false;
        let mut look = false;
        if self.eat('?') {
            match self.next()? {
                ':' => {}
                '>' => atomic = true,
                '=' | '!' => look = true,
                '<' => match self.next()? {
                    '=' | '!' => look = true,
                    _ => {
                        // `(?<name>...)`, accepted by newer Pythons.
                        self.skip_to('>')?;
                    }
                },
                'P' => match self.next()? {
                    '<' => self.skip_to('>')?,
                    '=' => {
                        self.skip_to(')')?;
                        return Ok(Node::Opaque);
                    }
                    _ => return Err(()),
                },
                '#' => {
                    self.skip_to(')')?;
                    return Ok(Node::Empty);
                }
                '(' => {
                    // A conditional `(?(group)yes|no)`: not analysed.
                    self.skip_to(')')?;
                    let _ = self.alternation()?;
                    if !self.eat(')') {
                        return Err(());
                    }
                    return Ok(Node::Opaque);
                }
                c if "aiLmsux-".contains(c) => {
                    self.pos -= 1;
                    let mut on = true;
                    loop {
                        match self.next()? {
                            '-' => on = false,
                            'i' => self.flags.ignore_case = on,
                            'x' => self.flags.verbose = on,
                            's' => self.flags.dot_all = on,
                            'a' => self.flags.ascii = on,
                            'L' | 'm' | 'u' => {}
                            ':' => break,
                            ')' => {
                                // Global flags: they hold for the rest of the pattern.
                                return Ok(Node::Empty);
                            }
                            _ => return Err(()),
                        }
                    }
                }
                _ => return Err(()),
            }
        }
        let inner = self.alternation()?;
        self.flags = saved;
        if !self.eat(')') {
            return Err(());
        }
        Ok(if look {
            Node::Look(Box::new(inner))
        } else {
            Node::Group {
                node: Box::new(inner),
                atomic,
            }
        })
    }

    fn skip_to(&mut self, end: char) -> Parsed<()> {
        while self.next()? != end {}
        Ok(())
    }

    fn hex(&mut self, digits: usize) -> Parsed<char> {
        let mut value = 0u32;
        for _ in 0..digits {
            let d = self.next()?.to_digit(16).ok_or(())?;
            value = value * 16 + d;
        }
        char::from_u32(value).ok_or(())
    }

    /// A character escape shared by classes and the rest of the pattern, after the `\` and the
    /// letter `c`; `None` when `c` is not one.
    fn char_escape(&mut self, c: char) -> Parsed<Option<char>> {
        Ok(Some(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'f' => '\x0c',
            'v' => '\x0b',
            'a' => '\x07',
            'x' => self.hex(2)?,
            'u' => self.hex(4)?,
            'U' => self.hex(8)?,
            'N' => {
                if !self.eat('{') {
                    return Err(());
                }
                self.skip_to('}')?;
                // A named character: some non-ASCII symbol.
                '\u{2014}'
            }
            '0' => {
                let mut value = 0u32;
                for _ in 0..2 {
                    match self.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            self.pos += 1;
                        }
                        None => break,
                    }
                }
                char::from_u32(value).ok_or(())?
            }
            c if c.is_ascii_alphanumeric() => return Ok(None),
            c => c,
        }))
    }

    fn escape(&mut self) -> Parsed<Node> {
        let c = self.next()?;
        if let Some(anchor) = match c {
            'b' => Some(Anchor::WordBoundary),
            'B' => Some(Anchor::NotWordBoundary),
            'A' => Some(Anchor::Start),
            'Z' | 'z' => Some(Anchor::End),
            _ => None,
        } {
            return Ok(Node::Anchor(anchor));
        }
        if "dDwWsS".contains(c) {
            return Ok(Node::Set(CharSet::class(c, self.flags.ascii)));
        }
        if ('1'..='9').contains(&c) {
            // Three octal digits are a character; anything else is a backreference.
            let octal = c <= '7'
                && self.peek().is_some_and(|d| ('0'..='7').contains(&d))
                && self.peek_at(1).is_some_and(|d| ('0'..='7').contains(&d));
            if octal {
                self.pos += 2;
                return Ok(Node::Set(CharSet::dot(true)));
            }
            while self.peek().is_some_and(|d| d.is_ascii_digit()) {
                self.pos += 1;
            }
            return Ok(Node::Opaque);
        }
        match self.char_escape(c)? {
            Some(ch) => {
                let mut set = CharSet::EMPTY;
                set.add_char(ch, self.flags.ignore_case);
                Ok(Node::Set(set))
            }
            // An unknown ASCII letter escape is an error in Python.
            None => Err(()),
        }
    }

    /// One item of a class: a character, or a class escape such as `\d`.
    fn class_item(&mut self) -> Parsed<Result<char, CharSet>> {
        let c = self.next()?;
        if c != '\\' {
            return Ok(Ok(c));
        }
        let e = self.next()?;
        if "dDwWsS".contains(e) {
            return Ok(Err(CharSet::class(e, self.flags.ascii)));
        }
        if e == 'b' {
            return Ok(Ok('\x08'));
        }
        if ('1'..='7').contains(&e) {
            let mut value = e.to_digit(8).unwrap_or(0);
            for _ in 0..2 {
                match self.peek().and_then(|d| d.to_digit(8)) {
                    Some(d) => {
                        value = value * 8 + d;
                        self.pos += 1;
                    }
                    None => break,
                }
            }
            return Ok(Ok(char::from_u32(value).ok_or(())?));
        }
        match self.char_escape(e)? {
            Some(ch) => Ok(Ok(ch)),
            None => Err(()),
        }
    }

    fn class(&mut self) -> Parsed<CharSet> {
        let negated = self.eat('^');
        let ic = self.flags.ignore_case;
        let mut set = CharSet::EMPTY;
        let mut first = true;
        loop {
            if self.peek() == Some(']') && !first {
                self.pos += 1;
                break;
            }
            first = false;
            match self.class_item()? {
                Err(class) => set.union(class),
                Ok(from) => {
                    if self.peek() == Some('-') && self.peek_at(1).is_some_and(|c| c != ']') {
                        self.pos += 1;
                        match self.class_item()? {
                            Ok(to) => {
                                if to < from {
                                    return Err(());
                                }
                                set.add_range(from, to, ic);
                            }
                            Err(_) => return Err(()),
                        }
                    } else {
                        set.add_char(from, ic);
                    }
                }
            }
        }
        Ok(if negated { set.complement() } else { set })
    }
}

fn parse(pattern: &str, flags: Flags) -> Option<(Node, Vec<char>)> {
    if pattern.len() > MAX_PATTERN {
        return None;
    }
    let mut parser = Parser {
        chars: pattern.chars().collect(),
        pos: 0,
        flags,
        depth: 0,
    };
    // Global inline flags may come first: `(?x)` changes how the rest is read.
    let node = parser.alternation().ok()?;
    if parser.pos != parser.chars.len() {
        return None;
    }
    Some((node, parser.chars))
}

/// Whether `node` always matches the empty string, so it never makes a match fail.
fn always_passes(node: &Node) -> bool {
    match node {
        Node::Empty => true,
        Node::Seq(items) => items.iter().all(always_passes),
        Node::Alt(branches) => branches.iter().any(always_passes),
        Node::Repeat(r) => r.min == 0 || always_passes(&r.node),
        Node::Group { node, .. } => always_passes(node),
        // `\b` after a run that stopped is usually true: no failure to force backtracking.
        Node::Anchor(Anchor::WordBoundary | Anchor::NotWordBoundary) => true,
        Node::Set(_) | Node::Look(_) | Node::Anchor(_) | Node::Opaque => false,
    }
}

/// Records for each repetition whether what follows it can fail.
fn mark(node: &mut Node, rest_can_fail: bool) {
    match node {
        Node::Seq(items) => {
            let mut fails = rest_can_fail;
            for item in items.iter_mut().rev() {
                mark(item, fails);
                fails = fails || !always_passes(item);
            }
        }
        Node::Alt(branches) => branches.iter_mut().for_each(|b| mark(b, rest_can_fail)),
        Node::Repeat(r) => {
            r.rest_can_fail = rest_can_fail;
            mark(&mut r.node, rest_can_fail);
        }
        Node::Group { node, .. } => mark(node, rest_can_fail),
        Node::Look(node) => mark(node, false),
        Node::Empty | Node::Set(_) | Node::Anchor(_) | Node::Opaque => {}
    }
}

/// Ways (0, 1, or 2 meaning "two or more") to match `c^k`, for `k` in `0..=K`.
type Ways = [u8; K + 1];

fn unit() -> Ways {
    let mut w = [0; K + 1];
    w[0] = 1;
    w
}

fn concat(a: &Ways, b: &Ways) -> Ways {
    let mut out = [0u8; K + 1];
    for i in 0..=K {
        if a[i] == 0 {
            continue;
        }
        for j in 0..=K - i {
            out[i + j] = (out[i + j] + a[i] * b[j]).min(2);
        }
    }
    out
}

fn add(a: &mut Ways, b: &Ways) {
    for k in 0..=K {
        a[k] = (a[k] + b[k]).min(2);
    }
}

/// What makes a repetition backtrack catastrophically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cause {
    /// The repeated part contains this unbounded repetition of the same characters.
    Nested(String),
    /// The repeated part matches the same text in two ways by itself (overlapping alternatives).
    Ambiguous,
}

/// A repetition that backtracks catastrophically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Backtracking {
    /// The repetition, as written (`(\w+\s?)*`).
    pub repeat: String,
    pub cause: Cause,
    /// How to describe a character of the run that triggers it (`` `a` ``, "spaces").
    pub sample: String,
}

struct Search<'p> {
    chars: &'p [char],
    symbol: usize,
    found: Option<Backtracking>,
}

impl Search<'_> {
    fn ways(&mut self, node: &Node) -> Ways {
        let s = self.symbol;
        match node {
            Node::Empty | Node::Look(_) => unit(),
            Node::Set(set) => {
                let mut w = [0; K + 1];
                w[1] = u8::from(set.contains(s));
                w
            }
            Node::Seq(items) => items
                .iter()
                .fold(unit(), |acc, item| concat(&acc, &self.ways(item))),
            Node::Alt(branches) => {
                let mut w = [0; K + 1];
                for b in branches {
                    add(&mut w, &self.ways(b));
                }
                w
            }
            Node::Group { node, atomic } => {
                let w = self.ways(node);
                if *atomic {
                    atomic_ways(&w)
                } else {
                    w
                }
            }
            Node::Anchor(anchor) => {
                // Inside a run of one symbol only a few anchors can hold.
                let holds = match anchor {
                    Anchor::Start | Anchor::WordBoundary => false,
                    Anchor::End => s == usize::from(b'\n'),
                    Anchor::NotWordBoundary => true,
                };
                let mut w = [0; K + 1];
                w[0] = u8::from(holds);
                w
            }
            Node::Opaque => [0; K + 1],
            Node::Repeat(r) => self.repeat(r),
        }
    }

    fn repeat(&mut self, r: &Repeat) -> Ways {
        let body = self.ways(&r.node);
        let large = r.max.is_none_or(|m| m >= LARGE_REPEAT);
        if self.found.is_none() && large && r.rest_can_fail && !r.possessive {
            let ambiguous = (1..=K).any(|k| body[k] >= 2);
            let splits = (1..=K)
                .any(|i| (1..=K - i).any(|j| body[i] >= 1 && body[j] >= 1 && body[i + j] >= 1));
            if ambiguous || splits {
                let cause = match self.inner_repeat(&r.node) {
                    Some(inner) => Cause::Nested(inner),
                    None => Cause::Ambiguous,
                };
                self.found = Some(Backtracking {
                    repeat: self.quote(r),
                    cause,
                    sample: describe(self.symbol),
                });
            }
        }
        let mut nonempty = body;
        nonempty[0] = 0;
        let mut total = [0u8; K + 1];
        let mut acc = unit();
        let min = r.min.min(64);
        let max = r.max.unwrap_or(u32::MAX).min(min + K as u32);
        if min == 0 {
            total = unit();
        }
        for n in 1..=max {
            acc = concat(&acc, if n <= min { &body } else { &nonempty });
            if n >= min {
                add(&mut total, &acc);
            }
            if acc.iter().all(|w| *w == 0) {
                break;
            }
        }
        if r.possessive {
            atomic_ways(&total)
        } else {
            total
        }
    }

    /// The first repetition inside `node` that can take more than one of the current symbol.
    fn inner_repeat(&mut self, node: &Node) -> Option<String> {
        match node {
            Node::Repeat(r) => {
                let saved = self.found.take();
                let w = self.ways(&r.node);
                self.found = saved;
                if r.max.is_none_or(|m| m > 1) && w[1..].iter().any(|x| *x > 0) {
                    Some(self.quote(r))
                } else {
                    self.inner_repeat(&r.node)
                }
            }
            Node::Seq(items) | Node::Alt(items) => {
                items.iter().find_map(|item| self.inner_repeat(item))
            }
            Node::Group { node, .. } => self.inner_repeat(node),
            _ => None,
        }
    }

    /// The repetition as written, without the whitespace and comments of verbose mode.
    fn quote(&self, r: &Repeat) -> String {
        let chars = self.chars.get(r.text.clone()).unwrap_or_default();
        if !r.verbose {
            return chars.iter().collect();
        }
        let mut out = String::new();
        let (mut escaped, mut in_class, mut comment) = (false, false, false);
        for &c in chars {
            if comment {
                comment = c != '\n';
                continue;
            }
            if !escaped && !in_class && (c.is_whitespace() || c == '#') {
                comment = c == '#';
                continue;
            }
            if !escaped {
                match c {
                    '[' => in_class = true,
                    ']' => in_class = false,
                    _ => {}
                }
            }
            escaped = !escaped && c == '\\';
            out.push(c);
        }
        out
    }
}

/// An atomic part never gives back: a run it matches cannot be split, so it is not counted.
fn atomic_ways(w: &Ways) -> Ways {
    let mut out = [0; K + 1];
    out[0] = w[0].min(1);
    out
}

fn describe(symbol: usize) -> String {
    match symbol {
        OTHER_LETTER => "non-ASCII letters".into(),
        OTHER_DIGIT => "non-ASCII digits".into(),
        OTHER_SPACE => "non-ASCII spaces".into(),
        OTHER_ELSE => "non-ASCII symbols".into(),
        32 => "spaces".into(),
        9 => "tabs".into(),
        10 => "newlines".into(),
        s if (33..127).contains(&s) => format!("`{}`", s as u8 as char),
        s => format!("`\\x{s:02x}`"),
    }
}

fn collect_sets(node: &Node, out: &mut Vec<CharSet>) {
    match node {
        Node::Set(set) => out.push(*set),
        Node::Seq(items) | Node::Alt(items) => items.iter().for_each(|i| collect_sets(i, out)),
        Node::Repeat(r) => collect_sets(&r.node, out),
        Node::Group { node, .. } | Node::Look(node) => collect_sets(node, out),
        Node::Empty | Node::Anchor(_) | Node::Opaque => {}
    }
}

fn has_large_repeat(node: &Node) -> bool {
    match node {
        Node::Repeat(r) => r.max.is_none_or(|m| m >= LARGE_REPEAT) || has_large_repeat(&r.node),
        Node::Seq(items) | Node::Alt(items) => items.iter().any(has_large_repeat),
        Node::Group { node, .. } | Node::Look(node) => has_large_repeat(node),
        Node::Empty | Node::Set(_) | Node::Anchor(_) | Node::Opaque => false,
    }
}

/// Order in which symbols are tried, so that messages name a familiar character.
fn symbol_order() -> impl Iterator<Item = usize> {
    let preferred = (b'a'..=b'z')
        .chain(b'0'..=b'9')
        .chain([b' ', b'_', b'-', b'.']);
    preferred
        .map(usize::from)
        .chain(0..SYMBOLS)
        .scan([false; SYMBOLS], |seen, s| {
            let fresh = !seen[s];
            seen[s] = true;
            Some((s, fresh))
        })
        .filter_map(|(s, fresh)| fresh.then_some(s))
}

/// Finds a repetition of `pattern` that backtracks exponentially on some input. `anchored_end`
/// is true when the whole input must match (`fullmatch`), so the end of the pattern can fail.
/// Malformed patterns, and patterns this parser does not understand, give `None`.
pub(crate) fn catastrophic(
    pattern: &str,
    flags: Flags,
    anchored_end: bool,
) -> Option<Backtracking> {
    // Cheap pre-check: without a quantifier nothing can backtrack much.
    if !pattern.contains(['*', '+', '{']) {
        return None;
    }
    let (mut node, chars) = parse(pattern, flags)?;
    if !has_large_repeat(&node) {
        return None;
    }
    mark(&mut node, anchored_end);
    let mut sets = Vec::new();
    collect_sets(&node, &mut sets);
    // Symbols no set tells apart behave alike: try one of each kind.
    let mut seen = std::collections::HashSet::new();
    for symbol in symbol_order() {
        let signature: Vec<bool> = sets
            .iter()
            .map(|set| set.contains(symbol))
            .chain([is_word(symbol), symbol == usize::from(b'\n')])
            .collect();
        if !signature.iter().take(sets.len()).any(|b| *b) || !seen.insert(signature) {
            continue;
        }
        let mut search = Search {
            chars: &chars,
            symbol,
            found: None,
        };
        search.ways(&node);
        if let Some(found) = search.found {
            return Some(found);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pattern: &str) -> Option<Backtracking> {
        catastrophic(pattern, Flags::default(), false)
    }

    #[test]
    fn nested_quantifiers_are_found() {
        for p in [
            r"^(a+)+$",
            r"^(\w+\s?)*$",
            r"(a|a)*b",
            r"^(a|aa)*$",
            r"^(.*a){10}$",
            r"^(\d+)*x",
            r"^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$",
            r"^(([a-z])+.)+[A-Z]([a-z])+$",
            r"(?i)^(A+)+$",
            r"^(\w|\d)+!",
            r"^(?:\s*,\s*|\s+)*$",
            r"^(\s*\w+\s*,?)*$",
            r"(x+x+)+y",
            r"^(.*?,){11}P",
            r"^([\w.-]+)+@",
        ] {
            assert!(check(p).is_some(), "{p} should backtrack");
        }
    }

    #[test]
    fn safe_patterns_are_not_reported() {
        for p in [
            r"^[a-z0-9-]+$",
            r"^(\d+\.)*\d+$",
            r"^(a+)+",
            r"(\w+\s?)*",
            r"^(a+b)+$",
            r"^(\s*,\s*\w+)*$",
            r"^\d{1,3}(\.\d{1,3}){3}$",
            r"^(?>a+)+$",
            r"^(a++)+$",
            r"^(a+)++$",
            r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$",
            r"^(\w+\s?){1,3}$",
            r"^(\b\w+\b\s*)*$",
            r"^(?P<name>[^/]+)/(?P<rest>.*)$",
            r"(a)\1*",
            r"^[^\s]+(\s+[^\s]+)*$",
            r"^(\S+\s)*$",
            r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$",
            r"^([a-z0-9-]+\.)*[a-z]+$",
            r#""(\\.|[^"\\])*""#,
            r"(?:\r?\n)+$",
            r"^(?:[^,]+,)*[^,]+$",
            r"[\w.-]+@[\w.-]+\.\w+$",
            r"^\s*$",
        ] {
            assert_eq!(check(p), None, "{p} should be safe");
        }
    }

    #[test]
    fn fullmatch_makes_the_end_fail() {
        assert!(check(r"(a+)+").is_none());
        assert!(catastrophic(r"(a+)+", Flags::default(), true).is_some());
    }

    #[test]
    fn verbose_patterns_skip_comments() {
        let flags = Flags {
            verbose: true,
            ..Flags::default()
        };
        let p = "^ ( \\w+  # a word\n  \\s? )*  $";
        assert_eq!(
            catastrophic(p, flags, false).expect("found").repeat,
            "(\\w+\\s?)*"
        );
        assert!(catastrophic("^ [a-z]+ # one word\n $", flags, false).is_none());
    }

    #[test]
    fn messages_name_the_parts() {
        let found = check(r"^(\w+\s?)*$").expect("found");
        assert_eq!(found.repeat, r"(\w+\s?)*");
        assert_eq!(found.cause, Cause::Nested(r"\w+".into()));
        assert_eq!(found.sample, "`a`");
        assert_eq!(check(r"^(a|a)*$").expect("found").cause, Cause::Ambiguous);
    }

    #[test]
    fn malformed_patterns_never_panic() {
        for p in [
            "(",
            ")",
            "[",
            "[]",
            "[^]",
            "a{",
            "a{2,1}",
            "a**",
            "*a",
            "\\",
            "(?",
            "(?P",
            "(?P<a",
            "(?P=",
            "(?<",
            "(?#",
            "(?(",
            "(?(1)a|b",
            "[a-",
            "[z-a]",
            "\\x",
            "\\xZZ",
            "\\u12",
            "\\N",
            "\\N{",
            "(?z)",
            "a{99999999999}",
            "a{,}",
            "((((((",
            "\\q",
            "[\\q]",
            "(?i",
            "(?-",
            "\u{10FFFF}+",
            "[\u{0}-\u{10FFFF}]+",
            "a|*",
            "(*)",
            "{1,2}",
            "x{1,2}{3}",
        ] {
            let _ = check(p);
            let _ = catastrophic(
                p,
                Flags {
                    verbose: true,
                    ..Flags::default()
                },
                true,
            );
        }
        let deep = "(".repeat(10_000) + "a" + &")".repeat(10_000) + "+";
        let _ = check(&deep);
        let long = "(a+)+".repeat(2000);
        let _ = check(&long);
    }
}
