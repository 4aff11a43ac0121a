//! Small questions the crypto rules share.

use secrev_core::ByteSpan;
use secrev_ir::{Call, Function, Op, Target, Value, ValueKind};

/// Whether a value is the constant `False` (or `0`); `None` is not false here, since many APIs
/// read `None` as "use the safe default".
pub(crate) fn is_false_literal(value: Option<&Value>) -> bool {
    value.is_some_and(|v| {
        matches!(
            v.resolved().kind,
            ValueKind::Bool(false) | ValueKind::Int(0)
        )
    })
}

/// The qualified name a value refers to, following a name bound once (`PROTO = ssl.PROTOCOL_TLSv1`).
pub(crate) fn ref_qualname(value: &Value) -> Option<&str> {
    value.qualname().or_else(|| value.resolved().qualname())
}

/// The targets of the assignments in `function` whose statement contains `span`.
pub(crate) fn assigned_to(function: &Function, span: ByteSpan) -> impl Iterator<Item = &Target> {
    function.ops.iter().flat_map(move |op| match op {
        Op::Assign(assign) if !assign.augmented && assign.span.contains(span) => {
            assign.targets.iter().collect::<Vec<_>>()
        }
        _ => Vec::new(),
    })
}

/// The calls of `function`.
pub(crate) fn calls(function: &Function) -> impl Iterator<Item = &Call> {
    function.ops.iter().filter_map(|op| match op {
        Op::Call(call) => Some(&**call),
        _ => None,
    })
}

/// Whether a qualified name is `prefix.rest` for one of the module `prefixes` and `rest` is one of
/// `names` (`Crypto.Cipher.DES.new` for prefixes `Crypto.Cipher`, `Cryptodome.Cipher`).
pub(crate) fn under<'q>(qualname: &'q str, prefixes: &[&str]) -> Option<&'q str> {
    prefixes.iter().find_map(|p| {
        qualname
            .strip_prefix(p)
            .and_then(|rest| rest.strip_prefix('.'))
    })
}
