//! Errors rules: assertions and exception handling that hide or remove checks.

mod assert_access_check;
mod swallowed_exception;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[&assert_access_check::RULE, &swallowed_exception::RULE];
