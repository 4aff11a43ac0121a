//! Memory safety (C1xx): copies and formats that can write past a buffer, indexes that can
//! read or write outside one, and format strings an attacker can supply.

mod format_string;
mod size_not_tied;
mod termination_off_by_one;
mod unbounded_copy;
mod unchecked_index;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[
    &unbounded_copy::RULE,
    &size_not_tied::RULE,
    &unchecked_index::RULE,
    &termination_off_by_one::RULE,
    &format_string::RULE,
];
