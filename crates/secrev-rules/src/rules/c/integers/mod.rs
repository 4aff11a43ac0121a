//! Integers (C3xx): sizes that can wrap around before an allocation, signed lengths compared
//! with unsigned bounds, and sizes narrowed into `int`.

mod alloc_size_overflow;
mod narrowing_size;
mod signed_bounds_check;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[
    &alloc_size_overflow::RULE,
    &signed_bounds_check::RULE,
    &narrowing_size::RULE,
];

/// Signed integer types that can hold a negative length.
const SIGNED: &[&str] = &[
    "int",
    "long",
    "short",
    "ssize_t",
    "off_t",
    "qint64",
    "qint32",
    "int32_t",
    "int64_t",
    "qsizetype",
    "ptrdiff_t",
];

/// Unsigned size types.
const UNSIGNED_SIZES: &[&str] = &[
    "size_t", "uint32_t", "uint64_t", "quint32", "quint64", "uint",
];

/// The base type name of a declared type (`unsigned int` → `unsigned int`, `long long` → `long`).
fn base_type(ty: &str) -> &str {
    ty.split_whitespace().last().unwrap_or(ty)
}

/// Whether a declared type is signed (`unsigned` anywhere makes it unsigned).
fn is_signed(ty: &str) -> bool {
    !ty.contains("unsigned") && SIGNED.contains(&base_type(ty))
}

/// Whether a declared type is an unsigned size.
fn is_unsigned_size(ty: &str) -> bool {
    UNSIGNED_SIZES.contains(&base_type(ty)) || ty.contains("unsigned")
}

/// The declaration of `name` in scope at byte `at`: the latest one before it (a name declared
/// `int` in one block and `size_t` in another is two variables).
fn declared_at<'f>(
    function: &'f secrev_ir::Function,
    name: &str,
    at: u32,
) -> Option<&'f secrev_ir::Local> {
    function
        .locals
        .iter()
        .filter(|l| l.name == name && l.span.start <= at)
        .max_by_key(|l| l.span.start)
        .or_else(|| function.local(name))
}
