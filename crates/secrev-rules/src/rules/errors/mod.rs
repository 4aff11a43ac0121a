//! Errors rules: assertions and exception handling that hide or remove checks.

mod assert_access_check;
mod broad_except_security_operation;
mod failure_assumed_success;
mod handling;
mod swallowed_exception;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[
    &assert_access_check::RULE,
    &swallowed_exception::RULE,
    &failure_assumed_success::RULE,
    &broad_except_security_operation::RULE,
];
