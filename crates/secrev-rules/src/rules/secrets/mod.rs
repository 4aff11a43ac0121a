//! Secrets: credentials and keys written into code, and secrets leaking into logs.

mod hardcoded_password_argument;
mod hardcoded_password_assign;
mod hardcoded_password_compare;
mod hardcoded_password_default;
pub(crate) mod names;
mod private_key_literal;
mod secret_in_log;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[
    &hardcoded_password_assign::RULE,
    &hardcoded_password_default::RULE,
    &hardcoded_password_argument::RULE,
    &hardcoded_password_compare::RULE,
    &private_key_literal::RULE,
    &secret_in_log::RULE,
];
