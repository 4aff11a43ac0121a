//! Memory safety (C1xx): copies and formats that can write past a buffer, indexes that can
//! read or write outside one, and format strings an attacker can supply.

mod unbounded_copy;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[&unbounded_copy::RULE];
