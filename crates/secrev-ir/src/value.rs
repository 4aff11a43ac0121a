use crate::Call;
use compact_str::CompactString;
use secrev_core::ByteSpan;
use std::sync::Arc;

/// An expression, lowered to what rules need: literals and folded constants explicit, names
/// resolved, string building spelled out.
#[derive(Debug, Clone)]
pub struct Value {
    pub kind: ValueKind,
    pub span: ByteSpan,
}

/// The shape of a [`Value`].
#[derive(Debug, Clone)]
pub enum ValueKind {
    /// A string known at analysis time (a literal, or constants folded together).
    Str(String),
    Bytes(Vec<u8>),
    Int(i128),
    Float(f64),
    Bool(bool),
    None,
    /// A name or attribute path (`request.args`, `ssl.CERT_NONE`).
    Ref {
        /// The path as written.
        path: CompactString,
        /// The resolved qualified name, when the root is imported, built in, or an instance of a
        /// known constructor.
        qualname: Option<String>,
        /// The value the name always holds: set when the name is bound exactly once in its
        /// scope (and not mutated in place) before this use.
        bound: Option<Arc<Value>>,
        /// For an attribute of something that is not itself a name or attribute path
        /// (`urlparse(url).netloc`), that object.
        base: Option<Box<Value>>,
    },
    /// A string built from pieces, some of them not constant.
    Build {
        kind: BuildKind,
        parts: Vec<Part>,
    },
    Call(Arc<Call>),
    List(Vec<Value>),
    Tuple(Vec<Value>),
    Set(Vec<Value>),
    /// Dictionary entries; a `None` key is a `**mapping` splat.
    Dict(Vec<(Option<Value>, Value)>),
    /// An operator applied to operands (`|`, `==`, `not`, `and`, `in`, `[]` for subscripts),
    /// `one of` for a value that is one of several (the branches of `a if c else b`, a name bound
    /// in several places), or `number` for a value formatted as a number (`%d`, `%.2f`).
    /// C and C++ add `addr` (`&x`), `deref` (`*p`), `sizeof` (of an expression, or of a type
    /// given as a [`ValueKind::Ref`] to the type's name), `new` (`new T(...)`: the constructor
    /// call; `new[]`: the type and the element count; `new nothrow` for `new (std::nothrow)`),
    /// unary `-`/`~`, the arithmetic and bitwise operators as written, and `,`.
    Operation {
        op: &'static str,
        operands: Vec<Value>,
    },
    /// A list, set, dict or generator comprehension: each name in `bindings` takes the elements
    /// of its iterable in turn, and `elements` are computed for each.
    Comprehension {
        bindings: Vec<(CompactString, Value)>,
        elements: Vec<Value>,
    },
    /// Anything else (lambdas, expressions nested too deeply to follow).
    Unknown,
}

/// How a string was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildKind {
    /// `a + b`.
    Concat,
    /// `"..." % args`.
    Percent,
    /// `"...".format(args)`.
    Format,
    /// f-strings and template strings.
    Interpolation,
    /// `sep.join(items)`.
    Join,
}

/// A piece of a built string.
#[derive(Debug, Clone)]
pub enum Part {
    Lit(String),
    Hole(Value),
}

impl Value {
    /// A value the analysis could not follow.
    pub fn unknown(span: ByteSpan) -> Value {
        Value {
            kind: ValueKind::Unknown,
            span,
        }
    }

    /// Follows a name bound once to the value it was bound to.
    pub fn resolved(&self) -> &Value {
        match &self.kind {
            ValueKind::Ref { bound: Some(v), .. } => v.resolved(),
            _ => self,
        }
    }

    /// The string value, when known at analysis time.
    pub fn as_str(&self) -> Option<&str> {
        match &self.resolved().kind {
            ValueKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean value, when known (literal `True`/`False`, or a constant integer).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.resolved().kind {
            ValueKind::Bool(b) => Some(*b),
            ValueKind::Int(i) => Some(*i != 0),
            ValueKind::None => Some(false),
            _ => None,
        }
    }

    /// Whether the value is known to be true or false when tested by `if`: literals, constant
    /// containers, `not`/`and`/`or` and comparisons of constants. `None` when it depends on
    /// run-time data.
    pub fn truth(&self) -> Option<bool> {
        match &self.resolved().kind {
            ValueKind::Str(s) => Some(!s.is_empty()),
            ValueKind::Bytes(b) => Some(!b.is_empty()),
            ValueKind::Float(f) => Some(*f != 0.0),
            ValueKind::List(items) | ValueKind::Tuple(items) | ValueKind::Set(items) => {
                Some(!items.is_empty())
            }
            ValueKind::Dict(entries) => Some(!entries.is_empty()),
            ValueKind::Operation { op, operands } => operation_truth(op, operands),
            _ => self.as_bool(),
        }
    }

    /// The integer value, when known.
    pub fn as_int(&self) -> Option<i128> {
        match &self.resolved().kind {
            ValueKind::Int(i) => Some(*i),
            ValueKind::Bool(b) => Some(i128::from(*b)),
            _ => None,
        }
    }

    /// The resolved qualified name of a reference (`ssl.CERT_NONE`), when known.
    pub fn qualname(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Ref { qualname, .. } => qualname.as_deref(),
            _ => None,
        }
    }

    /// The path of a reference as written (`request.args`).
    pub fn path(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Ref { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The call, when this value is one.
    pub fn as_call(&self) -> Option<&Call> {
        match &self.resolved().kind {
            ValueKind::Call(call) => Some(call),
            _ => None,
        }
    }

    /// Whether the value is fully known at analysis time (literals, constant containers,
    /// names bound to constants). Unknown names, calls and built strings with holes are not.
    pub fn is_constant(&self) -> bool {
        match &self.resolved().kind {
            ValueKind::Str(_)
            | ValueKind::Bytes(_)
            | ValueKind::Int(_)
            | ValueKind::Float(_)
            | ValueKind::Bool(_)
            | ValueKind::None => true,
            ValueKind::List(items) | ValueKind::Tuple(items) | ValueKind::Set(items) => {
                items.iter().all(Value::is_constant)
            }
            ValueKind::Dict(entries) => entries
                .iter()
                .all(|(k, v)| k.as_ref().is_some_and(Value::is_constant) && v.is_constant()),
            ValueKind::Operation { operands, .. } => operands.iter().all(Value::is_constant),
            ValueKind::Build { parts, .. } => parts.iter().all(|p| match p {
                Part::Lit(_) => true,
                Part::Hole(v) => v.is_constant(),
            }),
            ValueKind::Ref { .. }
            | ValueKind::Call(_)
            | ValueKind::Comprehension { .. }
            | ValueKind::Unknown => false,
        }
    }

    /// Whether this is a string built at run time from at least one non-constant piece.
    pub fn is_dynamic_string(&self) -> bool {
        match &self.resolved().kind {
            ValueKind::Build { parts, .. } => parts.iter().any(|p| match p {
                Part::Lit(_) => false,
                Part::Hole(v) => !v.is_constant(),
            }),
            _ => false,
        }
    }

    /// The literal text of a built string with `{}` where its holes are, or the string itself.
    pub fn template(&self) -> Option<String> {
        match &self.resolved().kind {
            ValueKind::Str(s) => Some(s.clone()),
            ValueKind::Build { parts, .. } => Some(
                parts
                    .iter()
                    .map(|p| match p {
                        Part::Lit(s) => s.as_str(),
                        Part::Hole(_) => "{}",
                    })
                    .collect(),
            ),
            _ => None,
        }
    }

    /// The last segment of a reference path or of a called attribute (`password` in
    /// `self.password`, `get_secret` in `vault.get_secret()`): what a value is called.
    pub fn last_name(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Ref { path, .. } => path.rsplit('.').next(),
            ValueKind::Call(call) => call
                .callee
                .method
                .as_deref()
                .or_else(|| call.callee.text.rsplit('.').next()),
            ValueKind::Operation { op: "[]", operands } => operands.get(1).and_then(|k| k.as_str()),
            _ => None,
        }
    }
}

fn operation_truth(op: &str, operands: &[Value]) -> Option<bool> {
    match (op, operands) {
        ("not", [operand]) => operand.truth().map(|b| !b),
        ("and", _) => {
            let truths: Vec<Option<bool>> = operands.iter().map(Value::truth).collect();
            if truths.contains(&Some(false)) {
                Some(false)
            } else {
                truths.iter().all(Option::is_some).then_some(true)
            }
        }
        ("or", _) => {
            let truths: Vec<Option<bool>> = operands.iter().map(Value::truth).collect();
            if truths.contains(&Some(true)) {
                Some(true)
            } else {
                truths.iter().all(Option::is_some).then_some(false)
            }
        }
        ("in" | "not in", [item, container]) => {
            let found = constant_membership(item, container)?;
            Some(found == (op == "in"))
        }
        (_, [left, right]) => compare_constants(op, left, right),
        _ => None,
    }
}

/// A constant scalar, for comparisons.
#[derive(PartialEq, PartialOrd)]
enum Scalar<'v> {
    Number(f64),
    Text(&'v str),
    Nothing,
}

fn scalar(value: &Value) -> Option<Scalar<'_>> {
    match &value.resolved().kind {
        ValueKind::Int(i) => Some(Scalar::Number(*i as f64)),
        ValueKind::Float(f) => Some(Scalar::Number(*f)),
        ValueKind::Bool(b) => Some(Scalar::Number(f64::from(u8::from(*b)))),
        ValueKind::Str(s) => Some(Scalar::Text(s)),
        ValueKind::None => Some(Scalar::Nothing),
        _ => None,
    }
}

fn compare_constants(op: &str, left: &Value, right: &Value) -> Option<bool> {
    let (a, b) = (scalar(left)?, scalar(right)?);
    let same_kind = matches!(
        (&a, &b),
        (Scalar::Number(_), Scalar::Number(_))
            | (Scalar::Text(_), Scalar::Text(_))
            | (Scalar::Nothing, Scalar::Nothing)
    );
    match op {
        "==" | "is" => Some(same_kind && a == b),
        "!=" | "is not" => Some(!(same_kind && a == b)),
        "<" if same_kind => Some(a < b),
        "<=" if same_kind => Some(a <= b),
        ">" if same_kind => Some(a > b),
        ">=" if same_kind => Some(a >= b),
        _ => None,
    }
}

fn constant_membership(item: &Value, container: &Value) -> Option<bool> {
    match &container.resolved().kind {
        ValueKind::List(items) | ValueKind::Tuple(items) | ValueKind::Set(items) => {
            let mut found = false;
            for candidate in items {
                found |= compare_constants("==", item, candidate)?;
            }
            Some(found)
        }
        ValueKind::Str(text) => Some(text.contains(item.as_str()?)),
        _ => None,
    }
}
