//! Questions the deserialization rules share: where the bytes being loaded come from.

use secrev_ir::{Value, ValueKind};

const OPENERS: &[&str] = &[
    "builtins.open",
    "io.open",
    "gzip.open",
    "bz2.open",
    "lzma.open",
    "codecs.open",
];

/// Where the data handed to a loader comes from, as far as this file shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    /// Bytes or text written in the code itself: nothing from outside to deserialize.
    Literal,
    /// A file at a constant path (`"cache.pkl"`, `open("model.pkl", "rb")`): usually the
    /// program's own file, but whoever can write there controls it.
    ConstantPath,
    /// Anything else: a parameter, a request body, a path computed at run time.
    Other,
}

/// Classifies the data argument of a loader. `path_argument` says whether a string argument is a
/// file name (`pandas.read_pickle("x.pkl")`) rather than the serialized text itself.
pub(super) fn source(value: &Value, path_argument: bool) -> Source {
    let resolved = value.resolved();
    match &resolved.kind {
        ValueKind::Str(_) if path_argument => Source::ConstantPath,
        ValueKind::Str(_) | ValueKind::Bytes(_) => Source::Literal,
        ValueKind::Call(call) => {
            let first = call.arg(0, "file").or_else(|| call.arg(0, "filename"));
            let opened_constant = call.is_any(OPENERS) && first.is_some_and(Value::is_constant);
            // `pathlib.Path("x").open()` / `.read_bytes()` on a constant path.
            let path_method = matches!(
                call.callee.method.as_deref(),
                Some("open" | "read_bytes" | "read_text")
            ) && call
                .callee
                .receiver
                .as_deref()
                .and_then(Value::as_call)
                .is_some_and(|c| {
                    c.qualname().ends_with("Path") && c.args.first().is_some_and(Value::is_constant)
                });
            if opened_constant || path_method {
                Source::ConstantPath
            } else {
                Source::Other
            }
        }
        _ if resolved.is_constant() && path_argument => Source::ConstantPath,
        _ if resolved.is_constant() => Source::Literal,
        _ => Source::Other,
    }
}
