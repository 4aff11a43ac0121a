//! Privilege rules: a process that means to give up root and, by a swallowed failure or by the
//! order of its calls, keeps it.

mod common;
mod privilege_drop_order;
mod privilege_drop_unchecked;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[&privilege_drop_unchecked::RULE, &privilege_drop_order::RULE];
