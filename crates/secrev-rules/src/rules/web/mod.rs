//! Web rules.

pub(super) mod common;
mod django_debug;
mod flask_debug;
mod insecure_cookie;
mod jinja2_autoescape;
mod markup_non_literal;

use crate::Rule;

pub(crate) const RULES: &[&Rule] = &[
    &flask_debug::RULE,
    &django_debug::RULE,
    &jinja2_autoescape::RULE,
    &markup_non_literal::RULE,
    &insecure_cookie::RULE,
];
